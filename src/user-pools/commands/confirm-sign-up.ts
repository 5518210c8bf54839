import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { CodeMismatchError, NotAuthorizedError, UserNotFoundError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, IDS } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients, type ViaClient } from '../clients/app-clients.js';
import { Codes } from '../codes.js';
import { SignUpSessions } from '../sign-up-sessions.js';
import { Users } from '../users.js';
import { TRIGGERS, type Triggers } from '../../triggers/trigger.port.js';
import { postConfirmation } from '../post-confirmation.js';

/** ConfirmSignUp with the code: the user is CONFIRMED and the contact verified (in alias pools that claims the alias). */
export class ConfirmSignUpCommand extends UseCaseCommand<
  { via: ViaClient; username: string; code: string; clientMetadata?: Record<string, string>; session?: string },
  ConfirmSignUpResult
> {}

/** `session`: when SignUp's Session came with the code, one for InitiateAuth (USER_AUTH) to sign the user in. */
export interface ConfirmSignUpResult {
  session?: string;
}

@CommandHandler(ConfirmSignUpCommand)
export class ConfirmSignUpHandler implements ICommandHandler<ConfirmSignUpCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
    @Inject(IDS) private readonly ids: Ids,
    private readonly signUpSessions: SignUpSessions,
  ) {}

  async execute({ input, context }: ConfirmSignUpCommand): Promise<ConfirmSignUpResult> {
    const { pool, caller } = await this.clients.forUser(input.via, input.username);
    const found = await this.users.find(pool, input.username);
    // PreventUserExistenceErrors: an unknown user, and one already confirmed (whose answer would
    // name its status), look like a wrong code.
    const mismatch = () => new CodeMismatchError('Invalid verification code provided, please try again.');
    const hides = caller?.hidesUserExistence ?? false;
    if (!found) throw hides ? mismatch() : new UserNotFoundError('User does not exist.');
    if (hides && found.user.status !== 'UNCONFIRMED') throw mismatch();
    // SignUp's Session must name this user through this client; a wrong one confirms nothing.
    if (input.session !== undefined) {
      if (!caller) throw new NotAuthorizedError('Invalid session for the user.');
      this.signUpSessions.assertSignedUp(caller, input.session, found.user.sub);
    }
    const now = this.clock.now();
    const { state } = await this.users.run({
      pool,
      streamId: found.streamId,
      context,
      now,
      command: (state) => ({
        type: 'ConfirmSignUp',
        presentedCodeHash: state.exists ? this.codes.hash(state.sub, 'SIGN_UP', undefined, input.code) : '',
        now: now.toISOString(),
      }),
    });
    // 2. The post confirmation hook, once the user is confirmed.
    if (state.exists) {
      await postConfirmation(this.triggers, pool, state, 'PostConfirmation_ConfirmSignUp', {
        ...(caller ? { clientId: caller.clientId } : {}),
        clientMetadata: input.clientMetadata ?? {},
        context,
      });
    }
    if (input.session === undefined || !caller || !state.exists) return {};
    const factor = state.attributes.email_verified === 'true' || state.attributes.phone_number_verified !== 'true' ? 'EMAIL_OTP' : 'SMS_OTP';
    return { session: this.signUpSessions.confirmed(caller, { sub: state.sub, factor, id: this.ids.uuid() }) };
  }
}
