import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { userPoolDecider } from '../user-pool.decider.js';
import { userPoolStream } from '../user-pool.events.js';
import { loadPool } from '../user-pool.repository.js';
import { waitForReadModels } from './consistency.js';

/** DeleteUserPool: refused while deletion protection is active; afterwards the pool is not found anywhere. */
export class DeleteUserPoolCommand extends Command<void> {
  constructor(
    readonly input: { poolId: string },
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(DeleteUserPoolCommand)
export class DeleteUserPoolHandler implements ICommandHandler<DeleteUserPoolCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: DeleteUserPoolCommand): Promise<void> {
    const pool = await loadPool(this.platform.store, input.poolId);
    const now = new Date();
    const result = await handleCommand({
      store: this.platform.store,
      streamId: userPoolStream(pool.poolId),
      decider: userPoolDecider,
      context,
      now,
      // Safe to retry: protection is checked again on the fresh state.
      retries: 3,
      command: () => ({ type: 'DeleteUserPool' as const, now: now.toISOString() }),
    });
    // ListUserPools right after must not show the pool.
    await waitForReadModels(this.platform, result.append?.position);
  }
}
