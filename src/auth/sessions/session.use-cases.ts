import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeJwt } from 'jose';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../../user-pools/pools.js';
import { Users } from '../../user-pools/users.js';
import { AccessTokens } from '../access-tokens.js';
import { type SessionOwner, Sessions, type SessionView } from './sessions.js';

/** The caller of a self-service session call: the token's user, and the sign-in (family) the token belongs to. */
async function tokenOwner(
  tokens: AccessTokens,
  accessToken: string,
  context: RequestContext,
): Promise<{ owner: SessionOwner; familyId: string; context: RequestContext }> {
  const verified = await tokens.verify(accessToken);
  // The token is verified (signature, expiry, revocation): its claims can be read as they are.
  const familyId = String(decodeJwt(accessToken).origin_jti);
  const { sub, signedOutAt } = verified.user;
  return { owner: { poolId: verified.poolId, sub, signedOutAt }, familyId, context: { ...context, actor: { kind: 'user', id: sub } } };
}

/** ListUserSessions: the token's user's sessions; the token's own is IsCurrentSession. */
export class ListUserSessionsQuery extends UseCaseQuery<{ accessToken: string }, SessionView[]> {}

@QueryHandler(ListUserSessionsQuery)
export class ListUserSessionsHandler implements IQueryHandler<ListUserSessionsQuery> {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly sessions: Sessions,
  ) {}

  async execute({ input, context }: ListUserSessionsQuery): Promise<SessionView[]> {
    const { owner, familyId } = await tokenOwner(this.tokens, input.accessToken, context);
    return this.sessions.list(owner, familyId);
  }
}

/** AdminListUserSessions: a user's sessions by username (none is current: no token is given). */
export class AdminListUserSessionsQuery extends UseCaseQuery<{ poolId: string; username: string }, SessionView[]> {}

@QueryHandler(AdminListUserSessionsQuery)
export class AdminListUserSessionsHandler implements IQueryHandler<AdminListUserSessionsQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly users: Users,
    private readonly sessions: Sessions,
  ) {}

  async execute({ input }: AdminListUserSessionsQuery): Promise<SessionView[]> {
    const pool = await this.pools.load(input.poolId);
    const { user } = await this.users.byName(pool, input.username);
    return this.sessions.list({ poolId: pool.poolId, sub: user.sub, signedOutAt: user.signedOutAt });
  }
}

/** RevokeUserSession: the token's user ends one of their other sessions. */
export class RevokeUserSessionCommand extends UseCaseCommand<{ accessToken: string; sessionId: string }, void> {}

@CommandHandler(RevokeUserSessionCommand)
export class RevokeUserSessionHandler implements ICommandHandler<RevokeUserSessionCommand> {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly sessions: Sessions,
  ) {}

  async execute({ input, context }: RevokeUserSessionCommand): Promise<void> {
    const caller = await tokenOwner(this.tokens, input.accessToken, context);
    await this.sessions.revoke(caller.owner, input.sessionId, caller.context, caller.familyId);
  }
}

/** AdminRevokeUserSession: the session must be the named user's. */
export class AdminRevokeUserSessionCommand extends UseCaseCommand<{ poolId: string; username: string; sessionId: string }, void> {}

@CommandHandler(AdminRevokeUserSessionCommand)
export class AdminRevokeUserSessionHandler implements ICommandHandler<AdminRevokeUserSessionCommand> {
  constructor(
    private readonly pools: Pools,
    private readonly users: Users,
    private readonly sessions: Sessions,
  ) {}

  async execute({ input, context }: AdminRevokeUserSessionCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const { user } = await this.users.byName(pool, input.username);
    await this.sessions.revoke({ poolId: pool.poolId, sub: user.sub, signedOutAt: user.signedOutAt }, input.sessionId, context);
  }
}

export const SESSION_PROVIDERS = [Sessions, ListUserSessionsHandler, AdminListUserSessionsHandler, RevokeUserSessionHandler, AdminRevokeUserSessionHandler];
