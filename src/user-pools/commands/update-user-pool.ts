import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { type MutableSettingsInput, resolveMutableSettings } from '../pool-settings.js';
import { userPoolDecider } from '../user-pool.decider.js';
import { userPoolStream } from '../user-pool.events.js';
import { loadPool } from '../user-pool.repository.js';
import { type CreatedUserPool, poolView } from './create-user-pool.js';
import { waitForReadModels } from './consistency.js';

export interface UpdateUserPoolInput extends MutableSettingsInput {
  poolId: string;
  /** Left out: the name stays (the one member Cognito does not reset). */
  name?: string;
}

/** UpdateUserPool: replaces the mutable settings; members left out go back to their defaults. */
export class UpdateUserPoolCommand extends Command<CreatedUserPool> {
  constructor(
    readonly input: UpdateUserPoolInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(UpdateUserPoolCommand)
export class UpdateUserPoolHandler implements ICommandHandler<UpdateUserPoolCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: UpdateUserPoolCommand): Promise<CreatedUserPool> {
    const pool = await loadPool(this.platform.store, input.poolId);
    const now = new Date();
    const result = await handleCommand({
      store: this.platform.store,
      streamId: userPoolStream(pool.poolId),
      decider: userPoolDecider,
      context,
      now,
      // Safe to retry: the whole replacement is decided again on the fresh state.
      retries: 3,
      command: (state) => ({
        type: 'UpdateUserPool' as const,
        settings: resolveMutableSettings(input, input.name ?? (state.status === 'active' ? state.settings.name : pool.settings.name)),
        now: now.toISOString(),
      }),
    });
    await waitForReadModels(this.platform, result.append?.position);
    if (result.state.status !== 'active') throw new Error('pool vanished during an update');
    return poolView(result.state);
  }
}
