import { safeEqual } from '../../crypto/secrets.js';
import type { Secrets } from '../../crypto/secrets.js';
import { InvalidParameterError, NotAuthorizedError } from '../../shared/domain-error.js';
import type { ActivePool } from '../user-pool.repository.js';
import type { AuthFlow } from './client.events.js';
import { secretHash } from './client-ids.js';
import type { ActiveClient } from './client.repository.js';

/**
 * A call made through an app client, resolved once per use case: the client, its pool and the
 * client's rules (Cognito applies them wherever the client is named). Use cases ask this object;
 * no API surface applies a client rule itself.
 */
export class ClientCaller {
  constructor(
    readonly client: ActiveClient,
    readonly pool: ActivePool,
    private readonly cipher: Pick<Secrets, 'decrypt'>,
  ) {}

  get clientId(): string {
    return this.client.clientId;
  }

  /** PreventUserExistenceErrors = ENABLED: unknown users get the answers known ones would. */
  get hidesUserExistence(): boolean {
    return this.client.settings.preventUserExistenceErrors === 'ENABLED';
  }

  /** ExplicitAuthFlows: the flow must be allowed for this client. */
  requireFlow(flow: AuthFlow, name: string): void {
    if (!this.client.settings.explicitAuthFlows.includes(flow)) throw new InvalidParameterError(`${name} flow not enabled for this client`);
  }

  /**
   * Cognito's SECRET_HASH for clients with a secret (any of `usernames` may be the hashed one).
   * During a rotation the client has two secrets; a hash under either is accepted.
   */
  checkSecretHash(usernames: readonly string[], presented: string | undefined): void {
    const secrets = this.secrets();
    if (secrets.length === 0) return;
    const { clientId } = this.client;
    if (!presented) throw new NotAuthorizedError(`Client ${clientId} is configured with secret but SECRET_HASH was not received`);
    // Every candidate is compared (no early exit): the time does not tell which name or secret matched.
    const names = usernames.filter((u) => u.length > 0);
    const matches = secrets.flatMap((secret) => names.map((u) => safeEqual(secretHash(secret, u, clientId), presented)));
    if (!matches.includes(true)) throw new NotAuthorizedError(`Unable to verify secret hash for client ${clientId}`);
  }

  /** For calls that carry the secret itself (GetTokensFromRefreshToken, RevokeToken): any active secret. */
  checkClientSecret(presented: string | undefined): void {
    const secrets = this.secrets();
    if (secrets.length === 0) return;
    const matches = secrets.map((secret) => safeEqual(secret, presented ?? ''));
    if (!matches.includes(true)) throw new NotAuthorizedError(`Unable to verify secret for client ${this.client.clientId}`);
  }

  /** ReadAttributes: a client with a list sees only those (and the sub). */
  readable<A extends { Name: string }>(attributes: readonly A[]): A[] {
    const readable = this.client.settings.readAttributes;
    return attributes.filter((a) => readable.length === 0 || a.Name === 'sub' || readable.includes(a.Name));
  }

  /** WriteAttributes: a client with a list may change only those (Cognito: NotAuthorizedException). */
  assertWritable(names: readonly string[]): void {
    const writable = this.client.settings.writeAttributes;
    const refused = writable.length === 0 ? undefined : names.find((n) => !writable.includes(n));
    if (refused !== undefined) throw new NotAuthorizedError(`A client attempted to write unauthorized attribute ${refused}`);
  }

  /** AuthSessionValidity: how long a challenge's Session stays valid, in minutes (Cognito: 3-15, default 3). */
  get authSessionMinutes(): number {
    return this.client.settings.authSessionValidity;
  }

  /** Every active secret in clear (at most two: AddUserPoolClientSecret). */
  private secrets(): string[] {
    const { secrets, clientId } = this.client;
    return secrets.map((s) => this.cipher.decrypt(s.encryptedSecret, `client-secret:${clientId}`));
  }
}
