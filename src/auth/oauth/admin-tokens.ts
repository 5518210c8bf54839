import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { EventStore } from '../../event-store/event-store.port.js';
import { NotAuthorizedError, ResourceNotFoundError, UnauthenticatedError } from '../../shared/domain-error.js';
import { SETTINGS, type ServiceSettings, STORE } from '../../shared/ports.js';
import { KeyRing } from '../../tokens/key-ring.js';
import { loadClient } from '../../user-pools/clients/client.repository.js';

/** The resource server an admin pool declares; its scopes are the admin rights. */
export const ADMIN_RESOURCE_SERVER = 'cairn';
/** Every admin route. */
export const ADMIN_SCOPE = `${ADMIN_RESOURCE_SERVER}/admin`;
/** Reads only (GET and HEAD on the REST surface). */
export const ADMIN_READ_SCOPE = `${ADMIN_RESOURCE_SERVER}/admin.read`;

/**
 * Access tokens as admin credentials: a client_credentials access token issued by the
 * deployment's admin pool (ADMIN_TOKEN_POOL) to one of its app clients, carrying `cairn/admin`
 * (or `cairn/admin.read` for a read). Its signature, issuer, expiry and use are checked by the
 * pool's key ring; a user's token (its subject is not its client) or a token of another pool is
 * never admin; a deleted app client's tokens stop working at once.
 */
@Injectable()
export class AdminTokens {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly keyRing: KeyRing,
  ) {}

  /** The admin actor the token stands for (`client/<clientId>`), or why it is not one. */
  async verify(token: string, access: 'read' | 'write'): Promise<string> {
    const pool = this.settings.adminTokenPool;
    if (!pool) throw new UnauthenticatedError('access tokens are not admin credentials here: no admin token pool is configured (ADMIN_TOKEN_POOL)');
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new UnauthenticatedError('invalid access token');
    }
    if (issuer !== `${this.settings.publicBaseUrl}/${pool}`) throw new UnauthenticatedError('the access token is not from the admin token pool');
    const claims = await this.keyRing.verify(pool, token, { tokenUse: 'access' }).catch((e: unknown) => {
      throw new UnauthenticatedError(e instanceof Error && e.message === 'Token expired' ? 'the access token has expired' : 'invalid access token');
    });
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : '';
    if (!clientId || claims.sub !== clientId) throw new NotAuthorizedError("a user's access token is not an admin credential (use a client_credentials grant)");
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    const allowed = scopes.includes(ADMIN_SCOPE) || (access === 'read' && scopes.includes(ADMIN_READ_SCOPE));
    if (!allowed) throw new NotAuthorizedError(`the access token lacks the scope ${access === 'read' ? `${ADMIN_SCOPE} or ${ADMIN_READ_SCOPE}` : ADMIN_SCOPE}`);
    try {
      await loadClient(this.store, clientId, pool);
    } catch (error) {
      if (error instanceof ResourceNotFoundError) throw new UnauthenticatedError('the access token’s app client no longer exists');
      throw error;
    }
    return `client/${clientId}`;
  }
}
