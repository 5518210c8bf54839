import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError, UserNotFoundError } from '../../shared/domain-error.js';
import { CLOCK } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { type CodeDeliveryDetails, Codes, type IssuedCode } from '../codes.js';
import { hookAttributes } from '../post-confirmation.js';
import type { ContactAttribute } from '../user.events.js';
import { TokenCallers } from '../self-service.js';
import { Users } from '../users.js';

const CONTACTS: readonly string[] = ['email', 'phone_number'];

/** GetUserAttributeVerificationCode (access token): a code to the attribute's current (or pending) value. */
export class GetUserAttributeVerificationCodeCommand extends UseCaseCommand<
  { accessToken: string; attribute: string; clientMetadata?: Record<string, string> },
  CodeDeliveryDetails
> {}

@CommandHandler(GetUserAttributeVerificationCodeCommand)
export class GetUserAttributeVerificationCodeHandler implements ICommandHandler<GetUserAttributeVerificationCodeCommand> {
  constructor(
    private readonly callers: TokenCallers,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: GetUserAttributeVerificationCodeCommand): Promise<CodeDeliveryDetails> {
    if (!CONTACTS.includes(input.attribute)) throw new InvalidParameterError(`Attribute ${input.attribute} cannot be verified`);
    const attribute = input.attribute as ContactAttribute;
    const t = await this.callers.resolve(input.accessToken, context);
    const now = this.clock.now();
    let issued: IssuedCode | undefined;
    const { state } = await this.users.run({
      pool: t.caller.pool,
      streamId: t.streamId,
      context: t.context,
      now,
      command: (user) => {
        if (!user.exists) throw new UserNotFoundError('User does not exist.');
        const to = user.pending[attribute] ?? user.attributes[attribute];
        if (!to) throw new InvalidParameterError(`User has no ${attribute}`);
        issued = this.codes.issue(user.sub, 'VERIFY_ATTRIBUTE', { attribute, to }, now);
        return { type: 'SendCode', purpose: 'VERIFY_ATTRIBUTE', code: issued.toSend, now: now.toISOString() };
      },
    });
    if (!issued || !state.exists) throw new Error('code not recorded');
    return this.codes.deliver(t.caller.pool, state.username, 'VERIFY_ATTRIBUTE', issued, {
      userAttributes: hookAttributes(state),
      clientId: t.caller.clientId,
      context: t.context,
    });
  }
}

/** VerifyUserAttribute (access token): the code sent to the (pending) email / phone. */
export class VerifyUserAttributeCommand extends UseCaseCommand<{ accessToken: string; attribute: ContactAttribute; code: string }, void> {}

@CommandHandler(VerifyUserAttributeCommand)
export class VerifyUserAttributeHandler implements ICommandHandler<VerifyUserAttributeCommand> {
  constructor(
    private readonly callers: TokenCallers,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: VerifyUserAttributeCommand): Promise<void> {
    const t = await this.callers.resolve(input.accessToken, context);
    const now = this.clock.now();
    await this.users.run({
      pool: t.caller.pool,
      streamId: t.streamId,
      context: t.context,
      now,
      command: () => ({
        type: 'VerifyAttribute',
        attribute: input.attribute,
        presentedCodeHash: this.codes.hash(t.user.sub, 'VERIFY_ATTRIBUTE', input.attribute, input.code),
        now: now.toISOString(),
      }),
    });
  }
}
