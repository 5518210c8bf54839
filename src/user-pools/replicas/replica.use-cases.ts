import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { OperationNotEnabledError } from '../operation-not-enabled.js';
import { Pools } from '../pools.js';

/**
 * Multi-region replicas, answered as a deployment of one region answers them: a pool is its own
 * primary replica, active in its region; there is no other region to replicate to, so no
 * secondary replica can be created and none exists to update or delete. Nothing is written.
 */
export interface ReplicaView {
  poolId: string;
  region: string;
  status: 'ACTIVE';
  role: 'PRIMARY';
}

const primaryOf = (poolId: string, region: string): ReplicaView => ({ poolId, region, status: 'ACTIVE', role: 'PRIMARY' });

export class ListUserPoolReplicasQuery extends UseCaseQuery<{ poolId: string }, ReplicaView[]> {}

@QueryHandler(ListUserPoolReplicasQuery)
export class ListUserPoolReplicasHandler implements IQueryHandler<ListUserPoolReplicasQuery> {
  constructor(private readonly pools: Pools) {}

  async execute({ input }: ListUserPoolReplicasQuery): Promise<ReplicaView[]> {
    const pool = await this.pools.load(input.poolId);
    return [primaryOf(pool.poolId, pool.region)];
  }
}

/** CreateUserPoolReplica: the pool's own region already holds it; any other is not served here. */
export class CreateUserPoolReplicaCommand extends UseCaseCommand<{ poolId: string; region: string }, never> {}

@CommandHandler(CreateUserPoolReplicaCommand)
export class CreateUserPoolReplicaHandler implements ICommandHandler<CreateUserPoolReplicaCommand> {
  constructor(private readonly pools: Pools) {}

  async execute({ input }: CreateUserPoolReplicaCommand): Promise<never> {
    const pool = await this.pools.load(input.poolId);
    if (input.region === pool.region) throw new InvalidParameterError(`User pool ${pool.poolId} already has its primary replica in ${pool.region}.`);
    throw new OperationNotEnabledError(`Replicas are not available: this deployment serves user pool ${pool.poolId} in ${pool.region} only.`);
  }
}

/** UpdateUserPoolReplica / DeleteUserPoolReplica: only secondary replicas change, and there are none. */
export class ChangeUserPoolReplicaCommand extends UseCaseCommand<{ poolId: string; region: string; change: 'update' | 'delete' }, never> {}

@CommandHandler(ChangeUserPoolReplicaCommand)
export class ChangeUserPoolReplicaHandler implements ICommandHandler<ChangeUserPoolReplicaCommand> {
  constructor(private readonly pools: Pools) {}

  async execute({ input }: ChangeUserPoolReplicaCommand): Promise<never> {
    const pool = await this.pools.load(input.poolId);
    if (input.region === pool.region) {
      throw new InvalidParameterError(
        input.change === 'delete'
          ? `The primary replica of user pool ${pool.poolId} cannot be deleted; delete the user pool instead.`
          : `The primary replica of user pool ${pool.poolId} cannot be updated.`,
      );
    }
    throw new ResourceNotFoundError(`User pool ${pool.poolId} has no replica in ${input.region}.`);
  }
}

export const REPLICA_HANDLERS = [ListUserPoolReplicasHandler, CreateUserPoolReplicaHandler, ChangeUserPoolReplicaHandler];
