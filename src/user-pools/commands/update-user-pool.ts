import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import type { RequestContext } from '../../shared/request-context.js';
import { runPoolCommand } from './pool-command.js';
import { type MutableSettingsInput, resolveMutableSettings } from '../pool-settings.js';
import { type CreatedUserPool, poolView } from './create-user-pool.js';

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
    // Safe to retry: the whole replacement is decided again on the fresh state.
    const state = await runPoolCommand(
      this.platform,
      input.poolId,
      (current, pool) => ({
        type: 'UpdateUserPool',
        settings: resolveMutableSettings(input, input.name ?? (current.status === 'active' ? current.settings.name : pool.settings.name)),
        now: new Date().toISOString(),
      }),
      context,
    );
    if (state.status !== 'active') throw new Error('pool vanished during an update');
    return poolView(state);
  }
}
