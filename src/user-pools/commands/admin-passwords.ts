import { newVerifier } from '../../crypto/srp.js';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { NotAuthorizedError, UserNotFoundError } from '../../shared/domain-error.js';
import { CLOCK, HASHER, type PasswordHashing } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { recoveryContact } from '../code-targets.js';
import { Codes, type IssuedCode } from '../codes.js';
import { hookAttributes } from '../post-confirmation.js';
import { assertPasswordPolicy } from '../password-policy.js';
import { Pools } from '../pools.js';
import { Users } from '../users.js';
import { repeatsRecentPassword } from './passwords.js';

/** AdminSetUserPassword: permanent (CONFIRMED) or temporary (FORCE_CHANGE_PASSWORD); the history rule on the fresh state. */
export class AdminSetUserPasswordCommand extends UseCaseCommand<{ poolId: string; username: string; password: string; permanent: boolean }, void> {}

@CommandHandler(AdminSetUserPasswordCommand)
export class AdminSetUserPasswordHandler implements ICommandHandler<AdminSetUserPasswordCommand> {
  constructor(
    private readonly pools: Pools,
    private readonly users: Users,
    @Inject(HASHER) private readonly hasher: PasswordHashing,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: AdminSetUserPasswordCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const { streamId } = await this.users.byName(pool, input.username);
    assertPasswordPolicy(input.password, pool.settings.passwordPolicy);
    const newPasswordHash = await this.hasher.hash(input.password);
    const now = this.clock.now();
    await this.users.run({
      pool,
      streamId,
      context,
      now,
      command: async (state) => ({
        type: 'SetPassword',
        newPasswordHash,
        ...(state.exists ? { srp: newVerifier(pool.poolId, state.username, input.password) } : {}),
        permanent: input.permanent,
        reusesRecentPassword: await repeatsRecentPassword(this.hasher, state, input.password, pool.settings.passwordPolicy),
        now: now.toISOString(),
      }),
    });
  }
}

/**
 * AdminResetUserPassword: the password stops working and a reset code goes to the user's verified
 * contact. Cognito refuses a disabled user, a user who never set a password of their own (only a
 * CONFIRMED user, or one already reset, can be reset), a user with no verified email or phone
 * number, and a pool whose account recovery is admin-only (it needs self-service recovery).
 */
export class AdminResetUserPasswordCommand extends UseCaseCommand<{ poolId: string; username: string; clientMetadata?: Record<string, string> }, void> {}

@CommandHandler(AdminResetUserPasswordCommand)
export class AdminResetUserPasswordHandler implements ICommandHandler<AdminResetUserPasswordCommand> {
  constructor(
    private readonly pools: Pools,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: AdminResetUserPasswordCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const { streamId } = await this.users.byName(pool, input.username);
    const now = this.clock.now();
    let issued: IssuedCode | undefined;
    const { state } = await this.users.run({
      pool,
      streamId,
      context,
      now,
      // Decided on the user as the write finds them.
      command: (user) => {
        if (!user.exists) throw new UserNotFoundError('User does not exist.');
        if (!user.enabled) throw new NotAuthorizedError('User is disabled');
        if (user.status !== 'CONFIRMED' && user.status !== 'RESET_REQUIRED')
          throw new NotAuthorizedError('User password cannot be reset in the current state.');
        issued = this.codes.issue(user.sub, 'FORGOT_PASSWORD', recoveryContact(user.attributes, pool.settings.accountRecovery), now);
        return { type: 'RequirePasswordReset', code: issued.toSend, now: now.toISOString() };
      },
    });
    if (issued && state.exists) await this.codes.deliver(pool, state.username, 'FORGOT_PASSWORD', issued, { userAttributes: hookAttributes(state), context });
  }
}
