import { passwordCredentials } from '../credentials.js';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError, NotAuthorizedError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, HASHER, IDS, type PasswordHashing } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { TRIGGERS, type Triggers } from '../../triggers/trigger.port.js';
import { signUpIdentity, validateAttributes, validateUsername } from '../attributes.js';
import { AppClients, type ViaClient } from '../clients/app-clients.js';
import { signUpCodeTarget } from '../code-targets.js';
import { type CodeDeliveryDetails, Codes } from '../codes.js';
import { assertPasswordPolicy } from '../password-policy.js';
import { CompromisedPasswordCheck } from '../risk/password-check.js';
import { effectiveSchema } from '../schema.js';
import { userStream } from '../user.events.js';
import { SignUpSessions } from '../sign-up-sessions.js';
import { Users } from '../users.js';

export interface SignUpInput {
  via: ViaClient;
  username: string;
  password: string;
  attributes: Record<string, string>;
  clientMetadata?: Record<string, string>;
  /** SignUp's ValidationData: given to the pre sign-up hook only, never stored. */
  validationData?: Record<string, string>;
}

export interface SignUpResult {
  userSub: string;
  userConfirmed: boolean;
  codeDeliveryDetails?: CodeDeliveryDetails;
  /** Handed to ConfirmSignUp to sign the user in after confirmation (USER_AUTH). */
  session?: string;
}

/** SignUp: a new UNCONFIRMED user; its sign-in names are claimed in the same append; the code is sent before answering. */
export class SignUpCommand extends UseCaseCommand<SignUpInput, SignUpResult> {}

@CommandHandler(SignUpCommand)
export class SignUpHandler implements ICommandHandler<SignUpCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly users: Users,
    private readonly codes: Codes,
    @Inject(HASHER) private readonly hasher: PasswordHashing,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
    private readonly signUpSessions: SignUpSessions,
    private readonly compromised: CompromisedPasswordCheck,
  ) {}

  async execute({ input, context }: SignUpCommand): Promise<SignUpResult> {
    // 1. The caller and the pool; everything checked before any costly work.
    const { pool, caller } = await this.clients.forUser(input.via, input.username);
    if (pool.settings.allowAdminCreateUserOnly) throw new NotAuthorizedError('SignUp is not permitted for this user pool.');
    validateUsername(input.username);
    // In email/phone-as-username pools the stored username is the sub, so it is chosen first.
    const sub = this.ids.uuid();
    const identity = signUpIdentity(pool.settings, input.username, input.attributes, sub);
    const attributes = validateAttributes(identity.attributes, effectiveSchema(pool.settings.schema));
    assertPasswordPolicy(input.password, pool.settings.passwordPolicy);
    await this.compromised.refuseCompromised(pool, caller?.clientId, 'SIGN_UP', input.password);

    // 2. The pre sign-up hook may refuse (nothing is written), confirm the user and verify contacts.
    const hook = await this.triggers.invoke({
      kind: 'PreSignUp',
      triggerSource: 'PreSignUp_SignUp',
      poolId: pool.poolId,
      region: pool.region,
      lambdaConfig: pool.settings.lambdaConfig,
      userName: identity.username,
      ...(caller ? { clientId: caller.clientId } : {}),
      request: { userAttributes: attributes, validationData: input.validationData ?? {}, clientMetadata: input.clientMetadata ?? {} },
      context,
    });
    const decided = preSignUpDecision(hook, attributes);

    // 3. Slow and secret work happens here, not in the decider.
    const { passwordHash, srp } = await passwordCredentials(this.hasher, pool.poolId, identity.username, input.password);
    const now = this.clock.now();
    const target = decided.autoConfirm ? undefined : signUpCodeTarget(pool.settings.autoVerifiedAttributes, decided.attributes);
    const issued = target ? this.codes.issue(sub, 'SIGN_UP', target, now) : undefined;

    // 4. Decide and append; the username (and any sign-in name or alias) is claimed in the same write.
    await this.users.run({
      pool,
      streamId: userStream(pool.poolId, sub),
      newStream: true,
      context,
      now,
      command: () => ({
        type: 'SignUp',
        poolId: pool.poolId,
        sub,
        username: identity.username,
        attributes: decided.attributes,
        passwordHash,
        srp,
        now: now.toISOString(),
        code: issued?.toSend,
        ...(decided.autoConfirm ? { confirmedBy: 'PRE_SIGN_UP' as const } : {}),
      }),
    });

    // 5. Deliver the code before answering (a failure leaves an unconfirmed user who can ask again).
    const delivered = issued
      ? await this.codes.deliver(pool, identity.username, 'SIGN_UP', issued, {
          userAttributes: { ...decided.attributes, sub },
          ...(caller ? { clientId: caller.clientId } : {}),
          clientMetadata: input.clientMetadata ?? {},
          context,
        })
      : undefined;
    return {
      userSub: sub,
      userConfirmed: decided.autoConfirm,
      ...(delivered ? { codeDeliveryDetails: delivered } : {}),
      ...(caller ? { session: this.signUpSessions.signedUp(caller, sub) } : {}),
    };
  }
}

/**
 * What a pre sign-up hook's answer does (Cognito's rules): autoConfirmUser confirms the user at
 * once (no code is sent); autoVerifyEmail / autoVerifyPhone mark the email / phone number verified,
 * which needs the attribute to be there.
 */
export function preSignUpDecision(
  response: Record<string, unknown> | undefined,
  attributes: Record<string, string>,
): { autoConfirm: boolean; attributes: Record<string, string> } {
  const verified = { ...attributes };
  if (response?.autoVerifyEmail === true) {
    if (!attributes.email) throw new InvalidParameterError('Invalid lambda response: autoVerifyEmail needs an email attribute.');
    verified.email_verified = 'true';
  }
  if (response?.autoVerifyPhone === true) {
    if (!attributes.phone_number) throw new InvalidParameterError('Invalid lambda response: autoVerifyPhone needs a phone_number attribute.');
    verified.phone_number_verified = 'true';
  }
  return { autoConfirm: response?.autoConfirmUser === true, attributes: verified };
}
