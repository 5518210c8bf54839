import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { USERS_TABLE } from '../../../projections/user-directory/user-directory.projection.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { type CreatedUserPool, poolView } from '../commands/create-user-pool.js';
import { loadPool } from '../user-pool.repository.js';

export class GetUserPoolQuery extends Query<CreatedUserPool> {
  constructor(readonly poolId: string) {
    super();
  }
}

/** The pool from its own stream (always current), with the user count from the directory. */
@QueryHandler(GetUserPoolQuery)
export class GetUserPoolHandler implements IQueryHandler<GetUserPoolQuery> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ poolId }: GetUserPoolQuery): Promise<CreatedUserPool> {
    const pool = await loadPool(this.platform.store, poolId);
    // An index-only count on (pool_id, ...): cheap enough to answer every Describe.
    const count = await this.platform.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${USERS_TABLE} WHERE pool_id = $1`, [pool.poolId]);
    return { ...poolView(pool), estimatedNumberOfUsers: Number(count.rows[0]?.n ?? 0) };
  }
}
