import { randomBytes } from 'node:crypto';
import type { Secrets } from '../../crypto/secrets.js';
import { REFRESH_TOKEN_SCOPE } from '../refresh-token.events.js';

/** What a refresh token names in clear: its family and the family's user (no secret). */
export interface RefreshTokenRef {
  familyId: string;
  poolId: string;
  sub: string;
}

/**
 * A new refresh token and the keyed hash under which its family knows it. The token is
 * `<base64url(familyId:poolId:sub)>.<48 random bytes, base64url>`: the prefix lets a refresh read
 * the family and the user in one go; only the whole token's keyed hash proves anything (the
 * family must hold that hash), so the prefix grants nothing by itself.
 */
export function newRefreshToken(secrets: Pick<Secrets, 'uniqueValue'>, ref: RefreshTokenRef): { token: string; hash: string } {
  const prefix = Buffer.from(`${ref.familyId}:${ref.poolId}:${ref.sub}`).toString('base64url');
  const token = `${prefix}.${randomBytes(48).toString('base64url')}`;
  return { token, hash: refreshTokenHash(secrets, token) };
}

/** The family and user a refresh token names, or undefined (an older bare token, or garbage). */
export function parseRefreshToken(token: string): RefreshTokenRef | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 200) return undefined;
  const parts = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8').split(':');
  if (parts.length !== 3 || parts.some((p) => p.length === 0 || p.length > 128)) return undefined;
  const [familyId, poolId, sub] = parts;
  return { familyId, poolId, sub };
}

export function refreshTokenHash(secrets: Pick<Secrets, 'uniqueValue'>, token: string): string {
  return secrets.uniqueValue(REFRESH_TOKEN_SCOPE, token);
}
