import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UseCaseCommand } from '../../shared/use-case.js';
import { Pools } from '../pools.js';

/** DeleteUserPool: refused while deletion protection is active; afterwards the pool is not found anywhere. */
export class DeleteUserPoolCommand extends UseCaseCommand<{ poolId: string }, void> {}

@CommandHandler(DeleteUserPoolCommand)
export class DeleteUserPoolHandler implements ICommandHandler<DeleteUserPoolCommand> {
  constructor(private readonly pools: Pools) {}

  async execute({ input, context }: DeleteUserPoolCommand): Promise<void> {
    // Safe to retry: protection is checked again on the fresh state. ListUserPools right after
    // must not show the pool (Pools.run waits for the read models).
    await this.pools.run(input.poolId, (_state, _pool, now) => ({ type: 'DeleteUserPool', now }), context);
  }
}
