import type { Platform } from '../platform/platform.js';
import { NotAuthorizedError } from '../shared/domain-error.js';

export interface ChallengeSession {
  poolId: string;
  clientId: string;
  sub: string;
  challenge: 'NEW_PASSWORD_REQUIRED';
}

/**
 * The `Session` of a challenge: the pending sign-in, encrypted and authenticated under the
 * master key, valid for the client's AuthSessionValidity (default 3 minutes). Stateless, so
 * any API instance can continue the sign-in.
 */
export function newChallengeSession(platform: Platform, session: ChallengeSession, validityMinutes = 3): string {
  const body = JSON.stringify({ ...session, exp: Date.now() + validityMinutes * 60_000 });
  return platform.secrets.encrypt(body, 'challenge-session');
}

export function openChallengeSession(platform: Platform, token: string | undefined): ChallengeSession {
  if (!token) throw new NotAuthorizedError('Invalid session for the user.');
  let value: ChallengeSession & { exp: number };
  try {
    value = JSON.parse(platform.secrets.decrypt(token, 'challenge-session')) as ChallengeSession & { exp: number };
  } catch {
    throw new NotAuthorizedError('Invalid session for the user.');
  }
  if (Date.now() > value.exp) throw new NotAuthorizedError('Invalid session for the user, session is expired.');
  return { poolId: value.poolId, clientId: value.clientId, sub: value.sub, challenge: value.challenge };
}
