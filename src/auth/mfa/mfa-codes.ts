import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../../crypto/secrets.js';
import { type MessageSender, maskDestination } from '../../messaging/message.js';
import { constantTimeEqual } from '../../shared/decider.js';
import { DELIVERY, SECRETS } from '../../shared/ports.js';
import { Codes, type MessageHook } from '../../user-pools/codes.js';
import { hookAttributes } from '../../user-pools/post-confirmation.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { poolFactors } from './pool-mfa-config.js';

/** How long a sign-in code counts (the challenge's session may be shorter). */
export const SIGN_IN_CODE_TTL_MS = 3 * 60_000;
const DEFAULT_MESSAGE = 'Your authentication code is {####}. ';
const DEFAULT_SUBJECT = 'Your authentication code';

export type CodeFactor = 'SMS_MFA' | 'EMAIL_OTP';

/** A code sent for one sign-in: only its keyed hash stays (in the challenge's sealed session). */
export interface SentSignInCode {
  hash: string;
  expiresAt: number;
  medium: 'SMS' | 'EMAIL';
  destination: string;
}

/**
 * Sign-in codes (SMS_MFA, EMAIL_OTP): six digits, hashed under the code key bound to the user,
 * the sign-in and the factor, sent in the words of the pool's templates (or of its custom message
 * hook, CustomMessage_Authentication) through the delivery module (the dev outbox in
 * development); a pool with a custom sender hook for the medium gets the code encrypted to send
 * itself.
 */
@Injectable()
export class MfaCodes {
  constructor(
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(DELIVERY) private readonly delivery: MessageSender,
    private readonly codes: Codes,
  ) {}

  async send(
    pool: ActivePool,
    user: ExistingUserState,
    factor: CodeFactor,
    signInId: string,
    now: Date,
    hook: Omit<MessageHook, 'source' | 'userAttributes'> = {},
  ): Promise<SentSignInCode> {
    const code = this.secrets.newCode();
    const medium = factor === 'SMS_MFA' ? 'SMS' : 'EMAIL';
    const to = medium === 'SMS' ? user.attributes.phone_number : user.attributes.email;
    const email = poolFactors(pool).email;
    const template = (medium === 'SMS' ? pool.settings.messageTemplates.smsAuthenticationMessage : email?.message) ?? DEFAULT_MESSAGE;
    const message = await this.codes.compose(
      pool,
      user.username,
      medium,
      code,
      'Authentication',
      { ...hook, userAttributes: hookAttributes(user) },
      { subject: email?.subject ?? DEFAULT_SUBJECT, body: template },
    );
    if (message) await this.delivery.send({ poolId: pool.poolId, username: user.username, medium, to, purpose: 'MFA', ...message });
    return {
      hash: this.hash(user.sub, factor, signInId, code),
      expiresAt: now.getTime() + SIGN_IN_CODE_TTL_MS,
      medium,
      destination: maskDestination(medium, to),
    };
  }

  matches(sub: string, factor: CodeFactor, signInId: string, presented: string, hash: string): boolean {
    return constantTimeEqual(this.hash(sub, factor, signInId, presented), hash);
  }

  private hash(sub: string, factor: CodeFactor, signInId: string, code: string): string {
    return this.secrets.hashCode(sub, `SIGN_IN:${factor}:${signInId}`, code);
  }
}
