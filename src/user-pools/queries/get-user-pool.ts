import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import { READ_DB } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { type PoolView, poolView } from '../commands/pool-view.js';
import { USERS_TABLE } from '../directory/tables.js';
import { Pools } from '../pools.js';

/** DescribeUserPool: the pool from its own stream (always current), with the user count from the directory. */
export class GetUserPoolQuery extends UseCaseQuery<{ poolId: string }, PoolView> {}

@QueryHandler(GetUserPoolQuery)
export class GetUserPoolHandler implements IQueryHandler<GetUserPoolQuery> {
  constructor(
    private readonly pools: Pools,
    @Inject(READ_DB) private readonly db: SqlExecutor,
  ) {}

  async execute({ input }: GetUserPoolQuery): Promise<PoolView> {
    const { pool, revision } = await this.pools.loadWithRevision(input.poolId);
    // An index-only count on (pool_id, ...): cheap enough to answer every Describe.
    const count = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${USERS_TABLE} WHERE pool_id = $1`, [pool.poolId]);
    return { ...poolView(pool), estimatedNumberOfUsers: Number(count.rows[0]?.n ?? 0), revision };
  }
}
