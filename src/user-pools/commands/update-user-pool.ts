import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UseCaseCommand } from '../../shared/use-case.js';
import { type MutableSettingsInput, resolveMutableSettings } from '../pool-settings.js';
import { Pools } from '../pools.js';
import { type PoolView, poolView } from './pool-view.js';

export interface UpdateUserPoolInput extends MutableSettingsInput {
  poolId: string;
  /** Left out: the name stays (the one member Cognito does not reset). */
  name?: string;
  /** A conditional update (REST If-Match): only while the pool's stream is at this revision, else 412. */
  expectedRevision?: bigint;
}

/** UpdateUserPool: replaces the mutable settings; members left out go back to their defaults. */
export class UpdateUserPoolCommand extends UseCaseCommand<UpdateUserPoolInput, PoolView> {}

@CommandHandler(UpdateUserPoolCommand)
export class UpdateUserPoolHandler implements ICommandHandler<UpdateUserPoolCommand> {
  constructor(private readonly pools: Pools) {}

  async execute({ input, context }: UpdateUserPoolCommand): Promise<PoolView> {
    // Safe to retry: the whole replacement is decided again on the fresh state.
    const state = await this.pools.run(
      input.poolId,
      (current, pool, now) => ({
        type: 'UpdateUserPool',
        settings: resolveMutableSettings(input, input.name ?? (current.status === 'active' ? current.settings.name : pool.settings.name)),
        now,
      }),
      context,
      { expectedRevision: input.expectedRevision },
    );
    if (state.status !== 'active') throw new Error('pool vanished during an update');
    return poolView(state);
  }
}
