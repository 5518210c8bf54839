import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import { type DeliveryMedium, type MessageSender, maskDestination } from '../messaging/message.js';
import { DELIVERY, SECRETS } from '../shared/ports.js';
import { CODE_TTL_MS, type CodeTarget, codeSubject } from './code-targets.js';
import type { PasswordPolicy } from './password-policy.js';
import type { CodeToSend } from './user.decider.js';
import type { CodePurpose, ContactAttribute } from './user.events.js';

export interface IssuedCode {
  /** Plaintext, only for delivery; never stored. */
  code: string;
  toSend: CodeToSend;
  to: string;
  medium: DeliveryMedium;
}

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: DeliveryMedium;
  AttributeName: ContactAttribute;
}

const SUBJECT: Record<CodePurpose, string> = {
  SIGN_UP: 'Your verification code',
  VERIFY_ATTRIBUTE: 'Your verification code',
  FORGOT_PASSWORD: 'Your password reset code',
};

export const details = (issued: IssuedCode): CodeDeliveryDetails => ({
  Destination: issued.toSend.destination,
  DeliveryMedium: issued.medium,
  AttributeName: issued.toSend.attribute,
});

/** One-time codes: made here, stored only as a keyed hash bound to the user and purpose, delivered once. */
@Injectable()
export class Codes {
  constructor(
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(DELIVERY) private readonly delivery: MessageSender,
  ) {}

  /** A new code for `sub`, hashed and bound to the user and purpose, ready for the decider. */
  issue(sub: string, purpose: CodePurpose, target: CodeTarget, now: Date): IssuedCode {
    const code = this.secrets.newCode();
    const medium: DeliveryMedium = target.attribute === 'email' ? 'EMAIL' : 'SMS';
    return {
      code,
      to: target.to,
      medium,
      toSend: {
        codeHash: this.hash(sub, purpose, target.attribute, code),
        expiresAt: new Date(now.getTime() + CODE_TTL_MS[purpose]).toISOString(),
        medium,
        destination: maskDestination(medium, target.to),
        attribute: target.attribute,
      },
    };
  }

  /** The keyed hash of a presented code (the decider compares it with the stored one). */
  hash(sub: string, purpose: CodePurpose, attribute: ContactAttribute | undefined, code: string): string {
    return this.secrets.hashCode(sub, codeSubject(purpose, attribute), code);
  }

  async deliver(poolId: string, username: string, purpose: CodePurpose, issued: IssuedCode): Promise<CodeDeliveryDetails> {
    await this.delivery.send({
      poolId,
      username,
      medium: issued.medium,
      to: issued.to,
      purpose,
      subject: SUBJECT[purpose],
      body: `${SUBJECT[purpose]} is ${issued.code}`,
    });
    return details(issued);
  }

  /** The invitation with the temporary password (the only message that carries a password). */
  async invite(poolId: string, username: string, to: { medium: DeliveryMedium; address: string }, password: string): Promise<void> {
    await this.delivery.send({
      poolId,
      username,
      medium: to.medium,
      to: to.address,
      purpose: 'INVITATION',
      subject: 'Your temporary password',
      body: `Your username is ${username} and temporary password is ${password}`,
    });
  }
}

/** A temporary password that satisfies the pool's policy (AdminCreateUser without one). */
export function temporaryPassword(policy: PasswordPolicy): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '^$*.[]{}()?!@#%&'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]);
  while (chars.length < Math.max(12, policy.minimumLength)) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
