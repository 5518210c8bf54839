import type { Platform } from '../platform/platform.js';
import { InvalidParameterError, NotAuthorizedError } from '../shared/domain-error.js';
import type { AuthFlow } from '../user-pools/clients/client.events.js';
import { secretHashMatches } from '../user-pools/clients/client-ids.js';
import { type ActiveClient, loadClient } from '../user-pools/clients/client.repository.js';
import { type ActivePool, loadPool } from '../user-pools/user-pool.repository.js';

/** The app client a public call names, with its pool; unknown clients are ResourceNotFound. */
export async function clientAndPool(platform: Platform, clientId: string | undefined, poolId?: string): Promise<{ client: ActiveClient; pool: ActivePool }> {
  if (!clientId) throw new InvalidParameterError("1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null");
  const client = await loadClient(platform.store, clientId, poolId);
  const pool = await loadPool(platform.store, client.poolId);
  return { client, pool };
}

export function requireFlow(client: ActiveClient, flow: AuthFlow, name: string): void {
  if (!client.settings.explicitAuthFlows.includes(flow)) {
    throw new InvalidParameterError(`${name} flow not enabled for this client`);
  }
}

/** Cognito's SECRET_HASH check for clients with a secret (any of `usernames` may be the hashed one). */
export function checkSecretHash(platform: Platform, client: ActiveClient, usernames: string[], presented: string | undefined): void {
  if (!client.encryptedSecret) return;
  if (!presented) {
    throw new NotAuthorizedError(`Client ${client.clientId} is configured with secret but SECRET_HASH was not received`);
  }
  const secret = platform.secrets.decrypt(client.encryptedSecret, `client-secret:${client.clientId}`);
  if (!usernames.some((u) => secretHashMatches(secret, u, client.clientId, presented))) {
    throw new NotAuthorizedError(`Unable to verify secret hash for client ${client.clientId}`);
  }
}

/** For calls that carry the secret itself (GetTokensFromRefreshToken, RevokeToken). */
export function checkClientSecret(platform: Platform, client: ActiveClient, presented: string | undefined): void {
  if (!client.encryptedSecret) return;
  const secret = platform.secrets.decrypt(client.encryptedSecret, `client-secret:${client.clientId}`);
  const a = Buffer.from(secret);
  const b = Buffer.from(presented ?? '');
  if (a.length !== b.length || !a.equals(b)) throw new NotAuthorizedError(`Unable to verify secret for client ${client.clientId}`);
}
