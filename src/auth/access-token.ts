import { decodeJwt } from 'jose';
import type { Platform } from '../platform/platform.js';
import { fold } from '../shared/decider.js';
import { NotAuthorizedError } from '../shared/domain-error.js';
import { USER_POOL_ID } from '../user-pools/user-pool-id.js';
import { userDecider, type UserState } from '../user-pools/user.decider.js';
import { type UserEvent, userStream } from '../user-pools/user.events.js';
import { refreshTokenDecider } from './refresh-token.decider.js';
import { refreshFamilyStream } from './refresh-token.events.js';

export interface AccessTokenOwner {
  poolId: string;
  sub: string;
  clientId: string;
  user: Extract<UserState, { exists: true }>;
  streamId: string;
}

const invalid = () => new NotAuthorizedError('Invalid Access Token');

/**
 * Accepts an access token only if its signature, issuer and expiry check out AND it was not
 * revoked since: the user signed out globally after it was issued, or its sign-in's refresh
 * family was revoked (RevokeToken, reuse detection), or the user is gone or disabled.
 */
export async function authenticateAccessToken(platform: Platform, token: string | undefined): Promise<AccessTokenOwner> {
  if (!token) throw invalid();
  let unverified;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw invalid();
  }
  const poolId = typeof unverified.iss === 'string' ? unverified.iss.slice(unverified.iss.lastIndexOf('/') + 1) : '';
  if (!USER_POOL_ID.test(poolId)) throw invalid();
  const claims = await platform.keyRing.verify(poolId, token, { tokenUse: 'access' }).catch((e: unknown) => {
    throw e instanceof NotAuthorizedError && e.message === 'Token expired' ? new NotAuthorizedError('Access Token has expired') : invalid();
  });
  const sub = String(claims.sub);
  const streamId = userStream(poolId, sub);
  const user = fold(userDecider, (await platform.store.readStream(streamId)) as never as UserEvent[]);
  if (!user.exists) throw new NotAuthorizedError('User does not exist.');
  if (!user.enabled) throw new NotAuthorizedError('User is disabled.');
  // Every access token belongs to a sign-in (its refresh family, `origin_jti`), whose start
  // is known to the millisecond: tokens of sign-ins before a global sign-out are revoked.
  const family = typeof claims.origin_jti === 'string'
    ? fold(refreshTokenDecider, (await platform.store.readStream(refreshFamilyStream(claims.origin_jti))) as never)
    : undefined;
  if (!family?.exists) throw invalid();
  if (family.revoked || (user.signedOutAt && user.signedOutAt >= family.authTime)) throw new NotAuthorizedError('Access Token has been revoked');
  return { poolId, sub, clientId: String(claims.client_id), user, streamId };
}
