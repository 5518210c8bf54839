import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { SqlDatabase } from '../db/sql.js';
import { READ_DB, SECRETS } from '../shared/ports.js';

/**
 * The protocol state node-oidc-provider keeps between requests (login sessions, interactions,
 * grants, authorization codes), as its adapter stores it: one operational table, like the
 * sign-in guard's. It is not a read model (nothing here is rebuilt from the log) and not the
 * log either: these records live minutes to an hour, most are made by anonymous requests (an
 * interaction per visit of the authorization endpoint, which must not grow the log), and the
 * lasting facts are recorded as events by the use cases (sign-ins and their failures, the
 * refresh-token family and scopes of every code exchange, revocations). Ids (codes, session
 * cookies) are stored as keyed hashes only; losing the table signs everyone out of the hosted
 * pages and voids codes not yet exchanged.
 */
const TABLE = 'oauth_artifacts_v1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${TABLE} (
  kind text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  expires_at timestamptz,
  PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS ${TABLE}_grant ON ${TABLE} (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${TABLE}_uid ON ${TABLE} (kind, uid) WHERE uid IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${TABLE}_expiry ON ${TABLE} (expires_at);
`;

export type ArtifactPayload = Record<string, unknown> & { grantId?: string; uid?: string; consumed?: number };

@Injectable()
export class OAuthArtifacts {
  private ready: Promise<void> | undefined;
  private writes = 0;

  constructor(
    @Inject(READ_DB) private readonly db: SqlDatabase,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  private setup(): Promise<void> {
    this.ready ??= this.db.exec(SCHEMA).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private key(kind: string, id: string): string {
    return this.secrets.uniqueValue(`oauth-artifact:${kind}`, id);
  }

  async upsert(kind: string, id: string, payload: ArtifactPayload, expiresInSeconds: number | undefined): Promise<void> {
    await this.setup();
    const expires = expiresInSeconds === undefined ? null : new Date(Date.now() + expiresInSeconds * 1000).toISOString();
    await this.db.query(
      `INSERT INTO ${TABLE} (kind, id, payload, grant_id, uid, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
      [kind, this.key(kind, id), JSON.stringify(payload), payload.grantId ?? null, payload.uid ?? null, expires],
    );
    // Expired records are swept now and then by the writers (no timer to stop).
    if (++this.writes % 200 === 0) await this.db.query(`DELETE FROM ${TABLE} WHERE expires_at < now() - interval '1 hour'`);
  }

  async find(kind: string, id: string): Promise<ArtifactPayload | undefined> {
    await this.setup();
    const { rows } = await this.db.query<{ payload: ArtifactPayload }>(
      `SELECT payload FROM ${TABLE} WHERE kind = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [kind, this.key(kind, id)],
    );
    return rows[0]?.payload;
  }

  async findByUid(kind: string, uid: string): Promise<ArtifactPayload | undefined> {
    await this.setup();
    const { rows } = await this.db.query<{ payload: ArtifactPayload }>(
      `SELECT payload FROM ${TABLE} WHERE kind = $1 AND uid = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [kind, uid],
    );
    return rows[0]?.payload;
  }

  /** Marks the record consumed; true only for the one caller that consumed it (a concurrent second use gets false). */
  async consume(kind: string, id: string): Promise<boolean> {
    await this.setup();
    const { rowCount } = await this.db.query(
      `UPDATE ${TABLE} SET payload = payload || jsonb_build_object('consumed', $3::bigint) WHERE kind = $1 AND id = $2 AND NOT (payload ? 'consumed')`,
      [kind, this.key(kind, id), Math.floor(Date.now() / 1000)],
    );
    return rowCount > 0;
  }

  /** Adds members to a stored record (the families an exchanged code produced). */
  async annotate(kind: string, id: string, members: Record<string, unknown>): Promise<void> {
    await this.setup();
    await this.db.query(`UPDATE ${TABLE} SET payload = payload || $3::jsonb WHERE kind = $1 AND id = $2`, [kind, this.key(kind, id), JSON.stringify(members)]);
  }

  async destroy(kind: string, id: string): Promise<void> {
    await this.setup();
    await this.db.query(`DELETE FROM ${TABLE} WHERE kind = $1 AND id = $2`, [kind, this.key(kind, id)]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.setup();
    await this.db.query(`DELETE FROM ${TABLE} WHERE grant_id = $1`, [grantId]);
  }

  /** node-oidc-provider's adapter interface over this table, for one model. */
  adapterFor(kind: string) {
    return {
      upsert: (id: string, payload: ArtifactPayload, expiresIn?: number) => this.upsert(kind, id, payload, expiresIn),
      find: (id: string) => this.find(kind, id),
      findByUid: (uid: string) => this.findByUid(kind, uid),
      findByUserCode: async () => undefined,
      consume: async (id: string) => void (await this.consume(kind, id)),
      destroy: (id: string) => this.destroy(kind, id),
      revokeByGrantId: (grantId: string) => this.revokeByGrantId(grantId),
    };
  }
}
