import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { maskDestination } from '../../messaging/message.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import { InvalidPasswordError, NotAuthorizedError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { claimChanges, claimConflict, userClaims } from '../aliases.js';
import { signUpIdentity, validateAttributes, validateUsername } from '../attributes.js';
import { passwordViolations } from '../password-policy.js';
import { effectiveSchema } from '../schema.js';
import { loadPool } from '../user-pool.repository.js';
import { userDecider } from '../user.decider.js';
import { type DeliveryMedium, userStream } from '../user.events.js';
import { waitForReadModels } from './consistency.js';

/** Cognito: sign-up codes live 24 hours. */
export const SIGN_UP_CODE_TTL_MS = 24 * 60 * 60 * 1000;

export interface SignUpInput {
  poolId: string;
  username: string;
  password: string;
  attributes: Record<string, string>;
}

export interface SignUpResult {
  userSub: string;
  userConfirmed: boolean;
  codeDeliveryDetails?: { destination: string; deliveryMedium: DeliveryMedium; attributeName: string };
}

export class SignUpCommand extends Command<SignUpResult> {
  constructor(
    readonly input: SignUpInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(SignUpCommand)
export class SignUpHandler implements ICommandHandler<SignUpCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: SignUpCommand): Promise<SignUpResult> {
    const { store, secrets, hasher, delivery } = this.platform;
    // 1. Validate against the pool before any costly work.
    const pool = await loadPool(store, input.poolId);
    if (pool.settings.allowAdminCreateUserOnly) throw new NotAuthorizedError('SignUp is not permitted for this user pool.');
    validateUsername(input.username);
    // In email/phone-as-username pools the stored username is the sub, so it is chosen first.
    const sub = randomUUID();
    const identity = signUpIdentity(pool.settings, input.username, input.attributes, sub);
    const attributes = validateAttributes(identity.attributes, effectiveSchema(pool.settings.schema));
    const violations = passwordViolations(input.password, pool.settings.passwordPolicy);
    if (violations.length > 0) throw new InvalidPasswordError(`Password did not conform with policy: ${violations[0]}`);

    // 2. Slow and secret work happens here, not in the decider.
    const passwordHash = await hasher.hash(input.password);
    const now = new Date();
    const target = pickCodeTarget(pool.settings.autoVerifiedAttributes, attributes);
    const code = target ? secrets.newCode() : undefined;

    // 3. Decide and append; the username (and any sign-in name or alias) is claimed in the same transaction.
    const claims = claimChanges([], userClaims(pool, { username: identity.username, attributes }), (scope, value) => secrets.uniqueValue(scope, value));
    let result;
    try {
      result = await handleCommand({
        store,
        streamId: userStream(pool.poolId, sub),
        newStream: true,
        decider: userDecider,
        context,
        now,
        unique: () => claims,
        command: () => ({
          type: 'SignUp' as const,
          poolId: pool.poolId,
          sub,
          username: identity.username,
          attributes,
          passwordHash,
          now: now.toISOString(),
          code:
            target && code
              ? {
                  codeHash: secrets.hashCode(sub, 'SIGN_UP', code),
                  expiresAt: new Date(now.getTime() + SIGN_UP_CODE_TTL_MS).toISOString(),
                  medium: target.medium,
                  destination: maskDestination(target.medium, target.to),
                  attribute: target.attribute,
                }
              : undefined,
        }),
      });
    } catch (error) {
      throw claimConflict(error, pool);
    }

    // 4. Deliver the code before answering (a failure leaves an unconfirmed user who can ask again).
    if (target && code) {
      await delivery.send({
        poolId: pool.poolId,
        username: identity.username,
        medium: target.medium,
        to: target.to,
        purpose: 'SIGN_UP',
        subject: 'Your verification code',
        body: `Your verification code is ${code}`,
      });
    }
    // 5. Read-your-writes for the user directory.
    await waitForReadModels(this.platform, result.append?.position);
    return {
      userSub: sub,
      userConfirmed: false,
      ...(target
        ? { codeDeliveryDetails: { destination: maskDestination(target.medium, target.to), deliveryMedium: target.medium, attributeName: target.attribute } }
        : {}),
    };
  }
}

function pickCodeTarget(
  autoVerified: readonly string[],
  attributes: Record<string, string>,
): { medium: DeliveryMedium; to: string; attribute: 'email' | 'phone_number' } | undefined {
  // Cognito prefers SMS when both are auto-verified and present.
  if (autoVerified.includes('phone_number') && attributes.phone_number) {
    return { medium: 'SMS', to: attributes.phone_number, attribute: 'phone_number' };
  }
  if (autoVerified.includes('email') && attributes.email) return { medium: 'EMAIL', to: attributes.email, attribute: 'email' };
  return undefined;
}
