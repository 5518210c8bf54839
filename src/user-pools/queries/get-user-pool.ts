import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import type { CreatedUserPool } from '../commands/create-user-pool.js';
import { loadPool } from '../user-pool.repository.js';

export class GetUserPoolQuery extends Query<CreatedUserPool> {
  constructor(readonly poolId: string) {
    super();
  }
}

@QueryHandler(GetUserPoolQuery)
export class GetUserPoolHandler implements IQueryHandler<GetUserPoolQuery> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ poolId }: GetUserPoolQuery): Promise<CreatedUserPool> {
    const pool = await loadPool(this.platform.store, poolId);
    return { poolId: pool.poolId, region: pool.region, createdAt: pool.createdAt, ...pool.settings };
  }
}
