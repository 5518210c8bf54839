import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { CodeMismatchError, UserNotFoundError } from '../../shared/domain-error.js';
import { CLOCK, HASHER, type PasswordHashing } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients, type ViaClient } from '../clients/app-clients.js';
import { Codes } from '../codes.js';
import { passwordCredentials } from '../credentials.js';
import { assertPasswordPolicy, type PasswordPolicy, reusesRecentPassword } from '../password-policy.js';
import { CompromisedPasswordCheck } from '../risk/password-check.js';
import { TokenCallers } from '../self-service.js';
import type { UserState } from '../user.decider.js';
import { Users } from '../users.js';
import { TRIGGERS, type Triggers } from '../../triggers/trigger.port.js';
import { postConfirmation } from '../post-confirmation.js';

/** True when `password` repeats one of the user's recent passwords (the pool's history rule); slow (argon2 per kept hash). */
export async function repeatsRecentPassword(hasher: PasswordHashing, user: UserState, password: string, policy: PasswordPolicy): Promise<boolean> {
  if (!user.exists || policy.passwordHistorySize === 0) return false;
  const recent = [user.passwordHash, ...user.previousPasswordHashes].slice(0, policy.passwordHistorySize);
  const matches = await Promise.all(recent.map((hash) => hasher.verify(hash, password)));
  return reusesRecentPassword(matches, policy);
}

/** ConfirmForgotPassword: the reset code and a new password (policy and history checked on the fresh state). */
export class ConfirmForgotPasswordCommand extends UseCaseCommand<
  { via: ViaClient; username: string; code: string; password: string; clientMetadata?: Record<string, string> },
  void
> {}

@CommandHandler(ConfirmForgotPasswordCommand)
export class ConfirmForgotPasswordHandler implements ICommandHandler<ConfirmForgotPasswordCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(HASHER) private readonly hasher: PasswordHashing,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
    private readonly compromised: CompromisedPasswordCheck,
  ) {}

  async execute({ input, context }: ConfirmForgotPasswordCommand): Promise<void> {
    const { pool, caller } = await this.clients.forUser(input.via, input.username);
    const found = await this.users.find(pool, input.username);
    if (!found)
      throw caller?.hidesUserExistence
        ? new CodeMismatchError('Invalid verification code provided, please try again.')
        : new UserNotFoundError('User does not exist.');
    assertPasswordPolicy(input.password, pool.settings.passwordPolicy);
    await this.compromised.refuseCompromised(pool, caller?.clientId, 'PASSWORD_CHANGE', input.password);
    const { passwordHash: newPasswordHash, srp } = await passwordCredentials(this.hasher, pool.poolId, found.user.username, input.password);
    const now = this.clock.now();
    const { state: after } = await this.users.run({
      pool,
      streamId: found.streamId,
      context,
      now,
      command: async (state) => ({
        type: 'ConfirmForgotPassword',
        presentedCodeHash: state.exists ? this.codes.hash(state.sub, 'FORGOT_PASSWORD', undefined, input.code) : '',
        newPasswordHash,
        srp,
        reusesRecentPassword: await repeatsRecentPassword(this.hasher, state, input.password, pool.settings.passwordPolicy),
        now: now.toISOString(),
      }),
    });
    if (after.exists) {
      await postConfirmation(this.triggers, pool, after, 'PostConfirmation_ConfirmForgotPassword', {
        ...(caller ? { clientId: caller.clientId } : {}),
        clientMetadata: input.clientMetadata ?? {},
        context,
      });
    }
  }
}

/** ChangePassword (access token): the previous password proves it is the user; checked against the password the write replaces. */
export class ChangePasswordCommand extends UseCaseCommand<{ accessToken: string; previous: string; proposed: string }, void> {}

@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand> {
  constructor(
    private readonly callers: TokenCallers,
    private readonly users: Users,
    @Inject(HASHER) private readonly hasher: PasswordHashing,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly compromised: CompromisedPasswordCheck,
  ) {}

  async execute({ input, context }: ChangePasswordCommand): Promise<void> {
    const { streamId, caller, user, context: asUser } = await this.callers.resolve(input.accessToken, context);
    const { pool } = caller;
    assertPasswordPolicy(input.proposed, pool.settings.passwordPolicy);
    await this.compromised.refuseCompromised(pool, caller.clientId, 'PASSWORD_CHANGE', input.proposed);
    const { passwordHash: newPasswordHash, srp } = await passwordCredentials(this.hasher, pool.poolId, user.username, input.proposed);
    const now = this.clock.now();
    await this.users.run({
      pool,
      streamId,
      context: asUser,
      now,
      command: async (state) => ({
        type: 'ChangePassword',
        previousPasswordOk: state.exists && (await this.hasher.verify(state.passwordHash, input.previous)),
        newPasswordHash,
        srp,
        reusesRecentPassword: await repeatsRecentPassword(this.hasher, state, input.proposed, pool.settings.passwordPolicy),
        now: now.toISOString(),
      }),
    });
  }
}
