import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { EventStore } from '../event-store/event-store.port.js';
import { fold } from '../shared/decider.js';
import { NotAuthorizedError } from '../shared/domain-error.js';
import { STORE } from '../shared/ports.js';
import { KeyRing } from '../tokens/key-ring.js';
import type { AccessTokenVerifier, TokenOwner } from '../user-pools/access-token.port.js';
import { USER_POOL_ID } from '../user-pools/user-pool-id.js';
import { userDecider } from '../user-pools/user.decider.js';
import { type UserEvent, userStream } from '../user-pools/user.events.js';
import { refreshTokenDecider } from './refresh-token.decider.js';
import { refreshFamilyStream } from './refresh-token.events.js';

const invalid = () => new NotAuthorizedError('Invalid Access Token');

/**
 * Accepts an access token only if its signature, issuer and expiry check out AND it was not
 * revoked since: the user signed out globally after it was issued, or its sign-in's refresh
 * family was revoked (RevokeToken, reuse detection), or the user is gone or disabled.
 */
@Injectable()
export class AccessTokens implements AccessTokenVerifier {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly keyRing: KeyRing,
  ) {}

  async verify(token: string | undefined): Promise<TokenOwner> {
    if (!token) throw invalid();
    let unverified;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw invalid();
    }
    const poolId = typeof unverified.iss === 'string' ? unverified.iss.slice(unverified.iss.lastIndexOf('/') + 1) : '';
    if (!USER_POOL_ID.test(poolId)) throw invalid();
    const claims = await this.keyRing.verify(poolId, token, { tokenUse: 'access' }).catch((e: unknown) => {
      throw e instanceof NotAuthorizedError && e.message === 'Token expired' ? new NotAuthorizedError('Access Token has expired') : invalid();
    });
    const sub = String(claims.sub);
    const streamId = userStream(poolId, sub);
    // Every access token belongs to a sign-in (its refresh family, `origin_jti`), whose start is
    // known to the millisecond: tokens of sign-ins before a global sign-out are revoked.
    const familyId = typeof claims.origin_jti === 'string' ? claims.origin_jti : undefined;
    const [userEvents, familyEvents] = await this.store.readStreams([
      { streamId },
      { streamId: familyId ? refreshFamilyStream(familyId) : `refresh-none-${sub}` },
    ]);
    const user = fold(userDecider, userEvents as never as UserEvent[]);
    if (!user.exists) throw new NotAuthorizedError('User does not exist.');
    if (!user.enabled) throw new NotAuthorizedError('User is disabled.');
    const family = familyId ? fold(refreshTokenDecider, familyEvents as never) : undefined;
    if (!family?.exists) throw invalid();
    if (family.revoked || (user.signedOutAt && user.signedOutAt >= family.authTime)) throw new NotAuthorizedError('Access Token has been revoked');
    const revision = userEvents.at(-1)?.revision;
    return { poolId, clientId: String(claims.client_id), user, streamId, ...(revision !== undefined ? { revision } : {}) };
  }
}
