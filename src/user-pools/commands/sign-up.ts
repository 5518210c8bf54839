import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import { NotAuthorizedError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { claimChanges, claimConflict, userClaims } from '../aliases.js';
import { signUpIdentity, validateAttributes, validateUsername } from '../attributes.js';
import { assertPasswordPolicy } from '../password-policy.js';
import { effectiveSchema } from '../schema.js';
import { loadPool } from '../user-pool.repository.js';
import { userDecider } from '../user.decider.js';
import { type DeliveryMedium, userStream } from '../user.events.js';
import { deliverCode, issueCode, signUpCodeTarget } from './codes.js';
import { waitForReadModels } from './consistency.js';

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
    const { store, secrets, hasher } = this.platform;
    // 1. Validate against the pool before any costly work.
    const pool = await loadPool(store, input.poolId);
    if (pool.settings.allowAdminCreateUserOnly) throw new NotAuthorizedError('SignUp is not permitted for this user pool.');
    validateUsername(input.username);
    // In email/phone-as-username pools the stored username is the sub, so it is chosen first.
    const sub = randomUUID();
    const identity = signUpIdentity(pool.settings, input.username, input.attributes, sub);
    const attributes = validateAttributes(identity.attributes, effectiveSchema(pool.settings.schema));
    assertPasswordPolicy(input.password, pool.settings.passwordPolicy);

    // 2. Slow and secret work happens here, not in the decider.
    const passwordHash = await hasher.hash(input.password);
    const now = new Date();
    const target = signUpCodeTarget(pool.settings.autoVerifiedAttributes, attributes);
    const issued = target ? issueCode(this.platform, sub, 'SIGN_UP', target.attribute, target.to, now) : undefined;

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
          code: issued?.toSend,
        }),
      });
    } catch (error) {
      throw claimConflict(error, pool);
    }

    // 4. Deliver the code before answering (a failure leaves an unconfirmed user who can ask again).
    const delivered = issued ? await deliverCode(this.platform, pool.poolId, identity.username, 'SIGN_UP', issued) : undefined;
    // 5. Read-your-writes for the user directory.
    await waitForReadModels(this.platform, result.append?.position);
    return {
      userSub: sub,
      userConfirmed: false,
      ...(delivered
        ? { codeDeliveryDetails: { destination: delivered.Destination, deliveryMedium: delivered.DeliveryMedium, attributeName: delivered.AttributeName } }
        : {}),
    };
  }
}
