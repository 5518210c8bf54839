import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKENS, type AccessTokenVerifier } from './access-token.port.js';
import { AppClients } from './clients/app-clients.js';
import type { ClientCaller } from './clients/client-rules.js';
import type { RequestContext } from '../shared/request-context.js';
import type { ExistingUser } from './users.js';

/** A call authorised by the user's own access token: the user, and the app client the token was issued to. */
export interface TokenCaller {
  user: ExistingUser;
  streamId: string;
  /** The user's stream revision as read with the token. */
  revision?: bigint;
  caller: ClientCaller;
  /** The request's context with the user as the actor of what the call writes. */
  context: RequestContext;
}

@Injectable()
export class TokenCallers {
  constructor(
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokenVerifier,
    private readonly clients: AppClients,
  ) {}

  async resolve(accessToken: string | undefined, context: RequestContext): Promise<TokenCaller> {
    const owner = await this.tokens.verify(accessToken);
    const caller = await this.clients.caller(owner.clientId, owner.poolId);
    return {
      user: owner.user,
      streamId: owner.streamId,
      ...(owner.revision !== undefined ? { revision: owner.revision } : {}),
      caller,
      context: { ...context, actor: { kind: 'user', id: owner.user.sub } },
    };
  }
}
