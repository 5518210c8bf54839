import { InvalidParameterError, NotAuthorizedError } from '../shared/domain-error.js';
import type { CodePurpose, ContactAttribute } from './user.events.js';

/** Cognito's code lifetimes: 24 h for sign-up and attribute codes, 1 h for forgot-password. */
export const CODE_TTL_MS: Record<CodePurpose, number> = { SIGN_UP: 86_400_000, VERIFY_ATTRIBUTE: 86_400_000, FORGOT_PASSWORD: 3_600_000 };

/** What a code hash is bound to (attribute codes per attribute). */
export const codeSubject = (purpose: CodePurpose, attribute?: ContactAttribute) => (purpose === 'VERIFY_ATTRIBUTE' ? `VERIFY_ATTRIBUTE:${attribute}` : purpose);

export interface CodeTarget {
  attribute: ContactAttribute;
  to: string;
}

/** Where a sign-up code goes: an auto-verified contact, SMS first when both are (as Cognito). */
export function signUpCodeTarget(autoVerified: readonly string[], attributes: Record<string, string>): CodeTarget | undefined {
  if (autoVerified.includes('phone_number') && attributes.phone_number) return { attribute: 'phone_number', to: attributes.phone_number };
  if (autoVerified.includes('email') && attributes.email) return { attribute: 'email', to: attributes.email };
  return undefined;
}

/**
 * The verified contact a recovery code goes to, in the pool's AccountRecoverySetting order
 * (without one: Cognito's legacy order, a verified phone before a verified email).
 * `admin_only` pools refuse self-service recovery.
 */
export function recoveryContact(attributes: Record<string, string>, recovery: ReadonlyArray<{ name: string; priority: number }> | undefined): CodeTarget {
  const order = recovery ? [...recovery].sort((a, b) => a.priority - b.priority).map((r) => r.name) : ['verified_phone_number', 'verified_email'];
  // Cognito's words for a pool that lets only administrators reset passwords.
  if (order.includes('admin_only')) throw new NotAuthorizedError('Contact administrator to reset password.');
  for (const name of order) {
    const attribute: ContactAttribute = name === 'verified_email' ? 'email' : 'phone_number';
    if (attributes[attribute] && attributes[`${attribute}_verified`] === 'true') return { attribute, to: attributes[attribute] };
  }
  throw new InvalidParameterError('Cannot reset password for the user as there is no registered/verified email or phone_number');
}
