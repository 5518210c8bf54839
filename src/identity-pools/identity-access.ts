import { Inject, Injectable } from '@nestjs/common';
import { UniqueConstraintError } from '../event-store/errors.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { NotAuthorizedError, ResourceConflictError } from '../shared/domain-error.js';
import { STORE } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import type { ActiveIdentityPool } from './identity-pool.decider.js';
import type { ActiveIdentity } from './identity.decider.js';
import type { Login } from './identity.events.js';
import { Identities } from './identities.js';
import { loadIdentity, loadIdentityPool } from './identity-pools.repository.js';
import { LoginVerifier, type VerifiedLogin } from './logins.js';
import { COGNITO_IDENTITY_PROVIDER } from './openid-tokens.js';

export const LOGINS_DONT_MATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool.";
export const UNAUTHENTICATED_NOT_SUPPORTED = 'Unauthenticated access is not supported for this identity pool.';

export interface IdentityAccess {
  identity: ActiveIdentity;
  pool: ActiveIdentityPool;
  /** The verified logins the caller presented (none for a guest). */
  logins: VerifiedLogin[];
  authenticated: boolean;
}

const toLogin = (v: VerifiedLogin): Login => ({ provider: v.provider, subject: v.subject });

/**
 * Who may act as an identity (GetCredentialsForIdentity, GetOpenIdToken, UnlinkIdentity):
 * - with logins: every token must check out, and each must be this identity's (an identity
 *   token for it, or a login linked to it; a login linked nowhere yet is linked now, one linked
 *   to another identity is refused);
 * - without: only an identity that never had a login, in a pool that allows guests.
 */
@Injectable()
export class IdentityAccessCheck {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly verifier: LoginVerifier,
    private readonly identities: Identities,
  ) {}

  async check(identityId: string, logins: Record<string, string> | undefined, context: RequestContext): Promise<IdentityAccess> {
    let identity = await loadIdentity(this.store, identityId);
    const pool = await loadIdentityPool(this.store, identity.poolId);
    if (!logins || Object.keys(logins).length === 0) {
      if (identity.authenticated) throw new NotAuthorizedError(`Access to Identity '${identityId}' is forbidden.`);
      if (!pool.config.allowUnauthenticated) throw new NotAuthorizedError(UNAUTHENTICATED_NOT_SUPPORTED);
      return { identity, pool, logins: [], authenticated: false };
    }
    const verified = await this.verifier.verify(pool, logins, { allowIdentityTokens: true });
    const toLink: Login[] = [];
    for (const v of verified) {
      if (v.provider === COGNITO_IDENTITY_PROVIDER) {
        if (v.subject !== identityId) throw new NotAuthorizedError(LOGINS_DONT_MATCH);
        continue;
      }
      const login = toLogin(v);
      if (identity.logins.some((l) => l.provider === login.provider && l.subject === login.subject)) continue;
      const holder = await this.identities.holderOf(pool.poolId, login);
      if (holder && holder !== identityId) throw new NotAuthorizedError(LOGINS_DONT_MATCH);
      toLink.push(login);
    }
    if (toLink.length > 0) {
      try {
        identity = (await this.identities.run(identityId, pool.poolId, (now) => ({ type: 'LinkLogins', logins: toLink, now }), context)) ?? identity;
      } catch (error) {
        if (error instanceof UniqueConstraintError) throw new ResourceConflictError(LOGINS_DONT_MATCH);
        throw error;
      }
    }
    return { identity, pool, logins: verified, authenticated: true };
  }
}
