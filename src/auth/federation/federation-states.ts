import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../../crypto/secrets.js';
import type { SqlDatabase } from '../../db/sql.js';
import { READ_DB, SECRETS } from '../../shared/ports.js';

/**
 * The round trips to external IdPs in flight: `state` → which pool, provider, client and pending
 * authorization request (interaction) it belongs to. Operational state like the OAuth artifacts
 * (minutes long, made by anonymous requests, so not the log); the row is keyed by a keyed hash
 * of `state`, holds no secret (the PKCE verifier and the nonce are derived from `state` with a
 * key, never stored) and is taken once: a replayed IdP response finds nothing.
 */
const TABLE = 'federation_states_v1';

export interface FederationState {
  poolId: string;
  providerName: string;
  clientId: string;
  /** The pending authorization request (node-oidc-provider's interaction uid). */
  uid: string;
  /** The redirect_uri sent to the IdP (the domain's /oauth2/idpresponse). */
  redirectUri: string;
}

@Injectable()
export class FederationStates {
  private ready: Promise<void> | undefined;
  private writes = 0;

  constructor(
    @Inject(READ_DB) private readonly db: SqlDatabase,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  private setup(): Promise<void> {
    this.ready ??= this.db
      .exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (id text PRIMARY KEY, payload jsonb NOT NULL, expires_at timestamptz NOT NULL)`)
      .catch((error: unknown) => {
        this.ready = undefined;
        throw error;
      });
    return this.ready;
  }

  private key(state: string): string {
    return this.secrets.uniqueValue('federation-state', state);
  }

  /** The PKCE code_verifier and the nonce of a round trip, derived from its state (43 base64url characters each). */
  derived(state: string): { codeVerifier: string; nonce: string } {
    return { codeVerifier: this.secrets.uniqueValue('federation-pkce', state), nonce: this.secrets.uniqueValue('federation-nonce', state) };
  }

  async save(state: string, value: FederationState, expiresAt: Date): Promise<void> {
    await this.setup();
    await this.db.query(`INSERT INTO ${TABLE} (id, payload, expires_at) VALUES ($1, $2, $3)`, [
      this.key(state),
      JSON.stringify(value),
      expiresAt.toISOString(),
    ]);
    if (++this.writes % 200 === 0) await this.db.query(`DELETE FROM ${TABLE} WHERE expires_at < now() - interval '1 hour'`);
  }

  /** The round trip of `state`, removed as it is read (once only), or undefined when unknown, used or expired at `now`. */
  async take(state: string, now: Date): Promise<FederationState | undefined> {
    await this.setup();
    const { rows } = await this.db.query<{ payload: FederationState | string; expires_at: Date | string }>(
      `DELETE FROM ${TABLE} WHERE id = $1 RETURNING payload, expires_at`,
      [this.key(state)],
    );
    const row = rows[0];
    if (!row || new Date(row.expires_at).getTime() <= now.getTime()) return undefined;
    return typeof row.payload === 'string' ? (JSON.parse(row.payload) as FederationState) : row.payload;
  }
}
