import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError, UserNotFoundError } from '../../shared/domain-error.js';
import { CLOCK } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients, type ViaClient } from '../clients/app-clients.js';
import { type CodeTarget, recoveryContact, signUpCodeTarget } from '../code-targets.js';
import { type CodeDeliveryDetails, Codes, type IssuedCode } from '../codes.js';
import type { ActivePool } from '../pools.js';
import type { ExistingUser } from '../users.js';
import { Users } from '../users.js';
import type { CodePurpose } from '../user.events.js';

export interface SendCodeInput {
  via: ViaClient;
  username: string;
  clientMetadata?: Record<string, string>;
}

/**
 * What an unknown user is told when the client prevents user-existence errors: a delivery that
 * looks like a real one.
 */
const simulatedDelivery = (): CodeDeliveryDetails => ({ Destination: 'u***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });

/** ResendConfirmationCode: a new sign-up code for an unconfirmed user. */
export class ResendConfirmationCodeCommand extends UseCaseCommand<SendCodeInput, CodeDeliveryDetails> {}

/** ForgotPassword: a reset code to the user's verified email or phone, in the pool's recovery order. */
export class ForgotPasswordCommand extends UseCaseCommand<SendCodeInput, CodeDeliveryDetails> {}

abstract class SendCodeHandler {
  constructor(
    private readonly clients: AppClients,
    private readonly users: Users,
    private readonly codes: Codes,
    private readonly clock: Clock,
  ) {}

  protected abstract readonly purpose: CodePurpose;
  /** Where the code goes, chosen on the user as it is at the moment of the write. */
  protected abstract target(pool: ActivePool, user: ExistingUser): CodeTarget;

  async send({ input, context }: { input: SendCodeInput; context: ResendConfirmationCodeCommand['context'] }): Promise<CodeDeliveryDetails> {
    const { pool, caller } = await this.clients.forUser(input.via, input.username);
    const found = await this.users.find(pool, input.username);
    if (!found) {
      if (caller?.hidesUserExistence) return simulatedDelivery();
      throw new UserNotFoundError('User does not exist.');
    }
    const now = this.clock.now();
    let issued: IssuedCode | undefined;
    const { state } = await this.users.run({
      pool,
      streamId: found.streamId,
      context,
      now,
      command: (user) => {
        if (!user.exists) throw new UserNotFoundError('User does not exist.');
        issued = this.codes.issue(user.sub, this.purpose, this.target(pool, user), now);
        return { type: 'SendCode', purpose: this.purpose, code: issued.toSend, now: now.toISOString() };
      },
    });
    if (!issued || !state.exists) throw new Error('code not recorded');
    return this.codes.deliver(pool.poolId, state.username, this.purpose, issued);
  }
}

@CommandHandler(ResendConfirmationCodeCommand)
export class ResendConfirmationCodeHandler extends SendCodeHandler implements ICommandHandler<ResendConfirmationCodeCommand> {
  protected readonly purpose = 'SIGN_UP';

  constructor(clients: AppClients, users: Users, codes: Codes, @Inject(CLOCK) clock: Clock) {
    super(clients, users, codes, clock);
  }

  protected target(pool: ActivePool, user: ExistingUser): CodeTarget {
    const target = signUpCodeTarget(pool.settings.autoVerifiedAttributes, user.attributes);
    if (!target) throw new InvalidParameterError('Cannot send a confirmation code: the user has no auto-verified email or phone_number');
    return target;
  }

  execute(command: ResendConfirmationCodeCommand): Promise<CodeDeliveryDetails> {
    return this.send(command);
  }
}

@CommandHandler(ForgotPasswordCommand)
export class ForgotPasswordHandler extends SendCodeHandler implements ICommandHandler<ForgotPasswordCommand> {
  protected readonly purpose = 'FORGOT_PASSWORD';

  constructor(clients: AppClients, users: Users, codes: Codes, @Inject(CLOCK) clock: Clock) {
    super(clients, users, codes, clock);
  }

  protected target(pool: ActivePool, user: ExistingUser): CodeTarget {
    return recoveryContact(user.attributes, pool.settings.accountRecovery);
  }

  execute(command: ForgotPasswordCommand): Promise<CodeDeliveryDetails> {
    return this.send(command);
  }
}
