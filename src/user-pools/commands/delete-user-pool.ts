import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import type { RequestContext } from '../../shared/request-context.js';
import { runPoolCommand } from './pool-command.js';

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
    // Safe to retry: protection is checked again on the fresh state. ListUserPools right
    // after must not show the pool (runPoolCommand waits for the read models).
    await runPoolCommand(this.platform, input.poolId, () => ({ type: 'DeleteUserPool', now: new Date().toISOString() }), context);
  }
}
