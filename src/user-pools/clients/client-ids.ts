import { createHmac, randomInt } from 'node:crypto';
import { safeEqual } from '../../crypto/secrets.js';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function random(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += LOWER_ALNUM[randomInt(LOWER_ALNUM.length)];
  return out;
}

/** Cognito-shaped app client id: 26 lowercase letters and digits. */
export const newClientId = () => random(26);
/** Cognito-shaped client secret (51 characters). */
export const newClientSecret = () => random(51);

export const CLIENT_ID = /^[\w+]{1,128}$/;

/** Cognito's SECRET_HASH: Base64(HMAC-SHA256(client secret, username + client id)). */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

export function secretHashMatches(clientSecret: string, username: string, clientId: string, presented: string | undefined): boolean {
  return presented !== undefined && safeEqual(secretHash(clientSecret, username, clientId), presented);
}
