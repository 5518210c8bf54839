import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError, UserNotFoundError } from '../../shared/domain-error.js';
import type { Secrets } from '../../crypto/secrets.js';
import { Pacer } from '../../shared/pacing.js';
import { CLOCK, SECRETS } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients, type ViaClient } from '../clients/app-clients.js';
import { type CodeTarget, recoveryContact, signUpCodeTarget } from '../code-targets.js';
import { type CodeDeliveryDetails, Codes, type IssuedCode } from '../codes.js';
import type { ActivePool } from '../pools.js';
import type { ExistingUser } from '../users.js';
import { Users } from '../users.js';
import { simulatedDelivery } from '../simulated-delivery.js';
import type { MessageSource } from '../codes.js';
import { UserMigration } from '../user-migration.js';
import { hookAttributes } from '../post-confirmation.js';

export interface SendCodeInput {
  via: ViaClient;
  username: string;
  clientMetadata?: Record<string, string>;
}

/** ResendConfirmationCode: a new sign-up code for an unconfirmed user. */
export class ResendConfirmationCodeCommand extends UseCaseCommand<SendCodeInput, CodeDeliveryDetails> {}

/** ForgotPassword: a reset code to the user's verified email or phone, in the pool's recovery order. */
export class ForgotPasswordCommand extends UseCaseCommand<SendCodeInput, CodeDeliveryDetails> {}

/**
 * Sends a code to a user. With PreventUserExistenceErrors, a name that matches no user (and, for
 * ResendConfirmationCode, a user already confirmed, whose answer would say so) gets a simulated
 * delivery: shaped like a real one, stable per name, answered after about as long as a real
 * delivery takes (Pacer).
 */
abstract class SendCodeHandler {
  private readonly pacer = new Pacer();

  constructor(
    private readonly clients: AppClients,
    private readonly users: Users,
    private readonly codes: Codes,
    private readonly clock: Clock,
    private readonly secrets: Secrets,
  ) {}

  protected abstract readonly purpose: 'SIGN_UP' | 'FORGOT_PASSWORD';
  /** The custom message hooks' trigger source for this code. */
  protected abstract readonly source: MessageSource;
  /** A name that matches no user: a user found some other way (the user migration hook), if any. */
  protected async unknown(_pool: ActivePool, _input: SendCodeInput, _clientId: string | undefined, _context: ResendConfirmationCodeCommand['context']) {
    return undefined as { streamId: string; user: ExistingUser } | undefined;
  }
  /** Where the code goes, chosen on the user as it is at the moment of the write. */
  protected abstract target(pool: ActivePool, user: ExistingUser): CodeTarget;
  /** A user whose state the answer must not reveal when existence is hidden. */
  protected hidden(_user: ExistingUser): boolean {
    return false;
  }

  async send({ input, context }: { input: SendCodeInput; context: ResendConfirmationCodeCommand['context'] }): Promise<CodeDeliveryDetails> {
    const started = Pacer.start();
    const { pool, caller } = await this.clients.forUser(input.via, input.username);
    const found = (await this.users.find(pool, input.username)) ?? (await this.unknown(pool, input, caller?.clientId, context));
    if (!found || (caller?.hidesUserExistence && this.hidden(found.user))) {
      if (!caller?.hidesUserExistence) throw new UserNotFoundError('User does not exist.');
      try {
        return simulatedDelivery(this.secrets, pool, input.username, this.purpose);
      } finally {
        await this.pacer.padFrom(started);
      }
    }
    const delivered = await this.deliver(pool, found.streamId, context, { clientId: caller?.clientId, clientMetadata: input.clientMetadata });
    this.pacer.observe(Pacer.since(started));
    return delivered;
  }

  private async deliver(
    pool: ActivePool,
    streamId: string,
    context: ResendConfirmationCodeCommand['context'],
    by: { clientId?: string; clientMetadata?: Record<string, string> },
  ): Promise<CodeDeliveryDetails> {
    const now = this.clock.now();
    let issued: IssuedCode | undefined;
    const { state } = await this.users.run({
      pool,
      streamId,
      context,
      now,
      command: (user) => {
        if (!user.exists) throw new UserNotFoundError('User does not exist.');
        issued = this.codes.issue(user.sub, this.purpose, this.target(pool, user), now);
        return { type: 'SendCode', purpose: this.purpose, code: issued.toSend, now: now.toISOString() };
      },
    });
    if (!issued || !state.exists) throw new Error('code not recorded');
    return this.codes.deliver(pool, state.username, this.purpose, issued, {
      source: this.source,
      userAttributes: hookAttributes(state),
      ...(by.clientId ? { clientId: by.clientId } : {}),
      clientMetadata: by.clientMetadata ?? {},
      context,
    });
  }
}

@CommandHandler(ResendConfirmationCodeCommand)
export class ResendConfirmationCodeHandler extends SendCodeHandler implements ICommandHandler<ResendConfirmationCodeCommand> {
  protected readonly purpose = 'SIGN_UP';
  protected readonly source = 'ResendCode';

  constructor(clients: AppClients, users: Users, codes: Codes, @Inject(CLOCK) clock: Clock, @Inject(SECRETS) secrets: Secrets) {
    super(clients, users, codes, clock, secrets);
  }

  /** "User is already confirmed." would tell that the account exists. */
  protected override hidden(user: ExistingUser): boolean {
    return user.status !== 'UNCONFIRMED';
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
  protected readonly source = 'ForgotPassword';

  constructor(
    clients: AppClients,
    users: Users,
    codes: Codes,
    @Inject(CLOCK) clock: Clock,
    @Inject(SECRETS) secrets: Secrets,
    private readonly migration: UserMigration,
  ) {
    super(clients, users, codes, clock, secrets);
  }

  /** UserMigration_ForgotPassword: the hook may know the name; the user is created, a reset pending, and gets the code. */
  protected override async unknown(pool: ActivePool, input: SendCodeInput, clientId: string | undefined, context: ForgotPasswordCommand['context']) {
    return this.migration.migrate({
      pool,
      username: input.username,
      source: 'UserMigration_ForgotPassword',
      ...(clientId ? { clientId } : {}),
      clientMetadata: input.clientMetadata ?? {},
      context,
    });
  }

  protected target(pool: ActivePool, user: ExistingUser): CodeTarget {
    return recoveryContact(user.attributes, pool.settings.accountRecovery);
  }

  execute(command: ForgotPasswordCommand): Promise<CodeDeliveryDetails> {
    return this.send(command);
  }
}
