import type { Secrets } from '../crypto/secrets.js';
import { maskDestination } from '../messaging/message.js';
import type { CodeDeliveryDetails } from './codes.js';
import type { ActivePool } from './pools.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * What a name that matches no user (or a user whose state must not show) is told when the client
 * prevents user-existence errors: a delivery shaped exactly like a real one, stable for the name
 * (asking twice gives the same answer, as it would for a real user), derived from a keyed hash so
 * nothing about it can be computed from outside. (Cognito is documented to answer some unknown
 * names as a user without a verified contact instead; clients and tests written against it expect
 * a delivery, so every unknown name gets one here: see the README's compatibility notes.)
 */
export function simulatedDelivery(
  secrets: Pick<Secrets, 'uniqueValue'>,
  pool: ActivePool,
  name: string,
  purpose: 'SIGN_UP' | 'FORGOT_PASSWORD',
): CodeDeliveryDetails {
  const digest = Buffer.from(secrets.uniqueValue(`simulated-delivery:${purpose}`, `${pool.poolId}\u0000${name.toLowerCase()}`), 'base64url');
  const phoneFirst =
    purpose === 'SIGN_UP'
      ? pool.settings.autoVerifiedAttributes.includes('phone_number') && !pool.settings.autoVerifiedAttributes.includes('email')
      : prefersPhone(pool);
  if (phoneFirst) {
    const digits = [...digest.subarray(1, 11)].map((b) => String(b % 10)).join('');
    return { Destination: maskDestination('SMS', `+1${digits}`), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  // An email-shaped name is its own plausible address; otherwise letters from the digest.
  const address = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(name)
    ? name
    : `${LETTERS[digest[1] % 26]}${LETTERS[digest[2] % 26]}@${LETTERS[digest[3] % 26]}${LETTERS[digest[4] % 26]}.com`;
  return { Destination: maskDestination('EMAIL', address), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

/** The pool's recovery order puts a phone first (Cognito's legacy order without a setting does). */
function prefersPhone(pool: ActivePool): boolean {
  const order = pool.settings.accountRecovery;
  if (!order || order.length === 0) return false;
  return [...order].sort((a, b) => a.priority - b.priority)[0].name === 'verified_phone_number';
}
