import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { z } from 'zod';
import type { Platform } from '../../platform/platform.js';
import type { RequestContext } from '../../shared/request-context.js';

/** What an action gets besides its input: where the call is scoped and who made it. */
export interface ActionContext {
  /** The SigV4 scope's region of a signed call, else the configured default. */
  region: string;
  accountId: string;
  request: RequestContext;
  commands: CommandBus;
  queries: QueryBus;
  /** For checks that belong to the wire protocol itself (e.g. the app client's SECRET_HASH). */
  platform: Platform;
}

/**
 * One operation of the wire protocol. `admin` actions need a valid SigV4 signature by an
 * admin access key; `public` ones are open, as in Cognito (the user proves who they are
 * with a password, code or token inside the input).
 */
export interface CognitoAction<S extends z.ZodType = z.ZodType> {
  auth: 'public' | 'admin';
  input: S;
  handle(input: z.infer<S>, ctx: ActionContext): Promise<object>;
}

/** Declares an action with its input type inferred from the schema. */
export const action = <S extends z.ZodType>(definition: CognitoAction<S>): CognitoAction<S> => definition;

/** A service reachable through `X-Amz-Target: <prefix>.<Action>`, signed under `signingName`. */
export interface CognitoService {
  signingName: string;
  actions: Record<string, CognitoAction>;
}
