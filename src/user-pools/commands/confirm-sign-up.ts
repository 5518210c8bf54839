import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import { UserNotFoundError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { loadPool } from '../user-pool.repository.js';
import { codeMismatchOutcome, userDecider } from '../user.decider.js';
import { normalizeUsername, usernameScope } from '../username.js';
import { waitForReadModels } from './consistency.js';

export class ConfirmSignUpCommand extends Command<void> {
  constructor(
    readonly input: { poolId: string; username: string; code: string },
    readonly context: RequestContext,
  ) {
    super();
  }
}

/** Finds a user's stream through the username claim (authoritative, no projection lag). */
export async function findUserStream(platform: Platform, poolId: string, username: string, caseSensitive: boolean): Promise<string> {
  const scope = usernameScope(poolId);
  const holder = await platform.store.findUniqueHolder(scope, platform.secrets.uniqueValue(scope, normalizeUsername(username, caseSensitive)));
  if (!holder) throw new UserNotFoundError('Username/client id combination not found.');
  return holder;
}

@CommandHandler(ConfirmSignUpCommand)
export class ConfirmSignUpHandler implements ICommandHandler<ConfirmSignUpCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: ConfirmSignUpCommand): Promise<void> {
    const pool = await loadPool(this.platform.store, input.poolId);
    const streamId = await findUserStream(this.platform, pool.poolId, input.username, pool.settings.usernameCaseSensitive);
    const now = new Date();
    const result = await handleCommand({
      store: this.platform.store,
      streamId,
      decider: userDecider,
      context,
      now,
      // Safe to retry: the decision is re-made from the fresh state (a used code stays used).
      retries: 3,
      command: (state) => ({
        type: 'ConfirmSignUp' as const,
        presentedCodeHash: state.exists ? this.platform.secrets.hashCode(state.sub, 'SIGN_UP', input.code) : '',
        now: now.toISOString(),
      }),
    });
    const mismatch = codeMismatchOutcome(result.events);
    if (mismatch) throw mismatch;
    await waitForReadModels(this.platform, result.append?.position);
  }
}
