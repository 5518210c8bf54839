import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { z } from 'zod';
import type { RequestContext } from '../../shared/request-context.js';

/** What an action gets besides its input: the resolved caller and the one way in (the buses). */
export interface ActionContext {
  /** Correlation id, actor, address, agent, and the SigV4 scope's region (or the default). */
  request: RequestContext & { region: string };
  accountId: string;
  commands: CommandBus;
  queries: QueryBus;
}

/**
 * One operation of the wire protocol: parse (the schema), call one use case, map its result.
 * `admin` actions need a valid SigV4 signature by an admin access key; `public` ones are open,
 * as in Cognito (the user proves who they are with a password, code or token inside the input).
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
