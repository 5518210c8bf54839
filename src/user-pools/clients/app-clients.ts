import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { SECRETS, STORE } from '../../shared/ports.js';
import { type ActivePool, loadPool } from '../user-pool.repository.js';
import { ClientCaller } from './client-rules.js';
import { type ActiveClient, loadClient } from './client.repository.js';

/** How a public call reaches its pool: an app client (with its SECRET_HASH), or the pool itself (REST). */
export type ViaClient = { clientId: string; secretHash?: string } | { poolId: string };

/** App clients from their own streams, and the caller a public call makes through one. */
@Injectable()
export class AppClients {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  /** An existing client (of `poolId` when given), or ResourceNotFoundException. */
  load(clientId: string, poolId?: string): Promise<ActiveClient> {
    return loadClient(this.store, clientId, poolId);
  }

  /** The app client a call names, with its pool and rules; unknown clients are ResourceNotFound. */
  async caller(clientId: string | undefined, poolId?: string): Promise<ClientCaller> {
    if (!clientId)
      throw new InvalidParameterError("1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null");
    const client = await this.load(clientId, poolId);
    const pool = await loadPool(this.store, client.poolId);
    return new ClientCaller(client, pool, this.secrets);
  }

  /**
   * The pool of a public call that names a user: through an app client (Cognito: the client's
   * SECRET_HASH is checked against the username) or, on the REST surface, the pool directly.
   */
  async forUser(via: ViaClient, username: string): Promise<{ pool: ActivePool; caller?: ClientCaller }> {
    if ('poolId' in via) return { pool: await loadPool(this.store, via.poolId) };
    const caller = await this.caller(via.clientId);
    caller.checkSecretHash([username], via.secretHash);
    return { pool: caller.pool, caller };
  }

  /** The client's secret in clear (DescribeUserPoolClient returns it, as Cognito does). */
  revealSecret(client: ActiveClient): string | undefined {
    return client.encryptedSecret ? this.secrets.decrypt(client.encryptedSecret, `client-secret:${client.clientId}`) : undefined;
  }
}
