import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { CLOCK } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { TRIGGERS, type Triggers } from '../../triggers/trigger.port.js';
import { postConfirmation } from '../post-confirmation.js';
import { UserTargets, type UserTarget } from '../user-target.js';
import { Users } from '../users.js';

/** The user commands that need nothing but the user: who runs them decides who they act on. */
export type LifecycleAction = 'DisableUser' | 'EnableUser' | 'AdminConfirmSignUp' | 'DeleteUser' | 'SignOutGlobally';

/**
 * AdminDisableUser, AdminEnableUser, AdminConfirmSignUp, AdminDeleteUser / DeleteUser,
 * AdminUserGlobalSignOut / GlobalSignOut: one user command on the named (or token's) user.
 * AdminConfirmSignUp then runs the post confirmation hook, as Cognito does (its ClientMetadata
 * goes to the hook).
 */
export class UserLifecycleCommand extends UseCaseCommand<{ target: UserTarget; action: LifecycleAction; clientMetadata?: Record<string, string> }, void> {}

@CommandHandler(UserLifecycleCommand)
export class UserLifecycleHandler implements ICommandHandler<UserLifecycleCommand> {
  constructor(
    private readonly targets: UserTargets,
    private readonly users: Users,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
  ) {}

  async execute({ input, context }: UserLifecycleCommand): Promise<void> {
    const target = await this.targets.resolve(input.target, context);
    const now = this.clock.now().toISOString();
    const { state } = await this.users.run({
      pool: target.pool,
      streamId: target.streamId,
      context: target.context,
      now: new Date(now),
      command: () => (input.action === 'DeleteUser' ? { type: 'DeleteUser', by: target.byAdmin ? 'ADMIN' : 'USER', now } : { type: input.action, now }),
    });
    if (input.action === 'AdminConfirmSignUp' && state.exists) {
      await postConfirmation(this.triggers, target.pool, state, 'PostConfirmation_ConfirmSignUp', {
        clientMetadata: input.clientMetadata ?? {},
        context: target.context,
      });
    }
  }
}
