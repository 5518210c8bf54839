import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../shared/request-context.js';
import type { ClientCaller } from './clients/client-rules.js';
import { Pools, type ActivePool } from './pools.js';
import { TokenCallers } from './self-service.js';
import { type ExistingUser, Users } from './users.js';

/** Whose user a user operation acts on: an admin names the pool and user; a user presents an access token. */
export type UserTarget = { poolId: string; username: string } | { accessToken: string };

export interface ResolvedUser {
  pool: ActivePool;
  user: ExistingUser;
  streamId: string;
  byAdmin: boolean;
  /** The app client of a token call (its Read/WriteAttributes apply); none for admin calls. */
  caller?: ClientCaller;
  context: RequestContext;
  /** The user's stream revision as read (REST's ETag). */
  revision?: bigint;
}

/** Resolves a UserTarget to the pool, the user's fresh state and the acting context. */
@Injectable()
export class UserTargets {
  constructor(
    private readonly pools: Pools,
    private readonly users: Users,
    private readonly tokens: TokenCallers,
  ) {}

  async resolve(target: UserTarget, context: RequestContext): Promise<ResolvedUser> {
    if ('accessToken' in target) {
      const t = await this.tokens.resolve(target.accessToken, context);
      return {
        pool: t.caller.pool,
        user: t.user,
        streamId: t.streamId,
        byAdmin: false,
        caller: t.caller,
        context: t.context,
        ...(t.revision !== undefined ? { revision: t.revision } : {}),
      };
    }
    const pool = await this.pools.load(target.poolId);
    const { user, streamId, revision } = await this.users.byName(pool, target.username);
    return { pool, user, streamId, byAdmin: true, context, revision };
  }
}
