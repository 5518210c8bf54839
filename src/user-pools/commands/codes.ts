import { randomInt } from 'node:crypto';
import { maskDestination } from '../../messaging/message.js';
import type { Platform } from '../../platform/platform.js';
import { InvalidParameterError, NotAuthorizedError } from '../../shared/domain-error.js';
import type { CodeToSend } from '../user.decider.js';
import type { CodePurpose, ContactAttribute, DeliveryMedium } from '../user.events.js';
import type { PasswordPolicy } from '../password-policy.js';

/** Cognito's code lifetimes: 24 h for sign-up and attribute codes, 1 h for forgot-password. */
export const CODE_TTL_MS: Record<CodePurpose, number> = { SIGN_UP: 86_400_000, VERIFY_ATTRIBUTE: 86_400_000, FORGOT_PASSWORD: 3_600_000 };

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

/** A new code for `sub`, hashed and bound to the user and purpose, ready for the decider. */
export function issueCode(platform: Platform, sub: string, purpose: CodePurpose, attribute: ContactAttribute, to: string, now: Date): IssuedCode {
  const code = platform.secrets.newCode();
  const medium: DeliveryMedium = attribute === 'email' ? 'EMAIL' : 'SMS';
  return {
    code,
    to,
    medium,
    toSend: {
      codeHash: platform.secrets.hashCode(sub, codeSubject(purpose, attribute), code),
      expiresAt: new Date(now.getTime() + CODE_TTL_MS[purpose]).toISOString(),
      medium,
      destination: maskDestination(medium, to),
      attribute,
    },
  };
}

/** What the code hash is bound to (attribute codes per attribute). */
export const codeSubject = (purpose: CodePurpose, attribute?: ContactAttribute) =>
  purpose === 'VERIFY_ATTRIBUTE' ? `VERIFY_ATTRIBUTE:${attribute}` : purpose;

export async function deliverCode(platform: Platform, poolId: string, username: string, purpose: CodePurpose, issued: IssuedCode): Promise<CodeDeliveryDetails> {
  await platform.delivery.send({
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

export const details = (issued: IssuedCode): CodeDeliveryDetails => ({
  Destination: issued.toSend.destination,
  DeliveryMedium: issued.medium,
  AttributeName: issued.toSend.attribute,
});

/** Where a sign-up code goes: an auto-verified contact, SMS first when both are (as Cognito). */
export function signUpCodeTarget(autoVerified: readonly string[], attributes: Record<string, string>): { attribute: ContactAttribute; to: string } | undefined {
  if (autoVerified.includes('phone_number') && attributes.phone_number) return { attribute: 'phone_number', to: attributes.phone_number };
  if (autoVerified.includes('email') && attributes.email) return { attribute: 'email', to: attributes.email };
  return undefined;
}

/**
 * The verified contact a recovery code goes to, in the pool's AccountRecoverySetting order
 * (without one: Cognito's legacy order, a verified phone before a verified email).
 * `admin_only` pools refuse self-service recovery.
 */
export function recoveryContact(
  attributes: Record<string, string>,
  recovery: ReadonlyArray<{ name: string; priority: number }> | undefined,
): { attribute: ContactAttribute; to: string } {
  const order = recovery ? [...recovery].sort((a, b) => a.priority - b.priority).map((r) => r.name) : ['verified_phone_number', 'verified_email'];
  if (order.includes('admin_only')) throw new NotAuthorizedError('Cannot reset password for the user as the user pool allows only administrators to reset passwords');
  for (const name of order) {
    const attribute: ContactAttribute = name === 'verified_email' ? 'email' : 'phone_number';
    if (attributes[attribute] && attributes[`${attribute}_verified`] === 'true') return { attribute, to: attributes[attribute] };
  }
  throw new InvalidParameterError('Cannot reset password for the user as there is no registered/verified email or phone_number');
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
