import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import type { RequestContext } from '../../shared/request-context.js';
import { codeMismatchOutcome } from '../user.decider.js';
import { loadUserByName, runUserCommand } from './user-admin.js';

export class ConfirmSignUpCommand extends Command<void> {
  constructor(
    readonly input: { poolId: string; username: string; code: string },
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ConfirmSignUpCommand)
export class ConfirmSignUpHandler implements ICommandHandler<ConfirmSignUpCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: ConfirmSignUpCommand): Promise<void> {
    // The confirmation verifies the email/phone: in alias pools that claims the alias too.
    const { streamId, pool } = await loadUserByName(this.platform, input.poolId, input.username);
    const { events } = await runUserCommand(
      this.platform,
      streamId,
      (state) => ({
        type: 'ConfirmSignUp' as const,
        presentedCodeHash: state.exists ? this.platform.secrets.hashCode(state.sub, 'SIGN_UP', input.code) : '',
        now: new Date().toISOString(),
      }),
      context,
      pool,
    );
    const mismatch = codeMismatchOutcome(events);
    if (mismatch) throw mismatch;
  }
}
