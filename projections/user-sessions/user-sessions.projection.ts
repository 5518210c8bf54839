import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { RefreshTokenEvent } from '../../src/auth/refresh-token.events.js';
import { USER_SESSIONS_PROJECTION, USER_SESSIONS_TABLE } from '../../src/auth/sessions/sessions-table.js';
import type { Projection } from '../projection.js';

export { USER_SESSIONS_TABLE };

/**
 * Which refresh-token families each user has (ListUserSessions, AdminListUserSessions): a
 * family's stream is named by its id alone, so finding a user's families needs this index. A row
 * is written when a family starts and removed when it is revoked; everything a session shows
 * (client, dates, last address and agent, rotation) is read from the family's own stream.
 *
 * Why a projection rather than a unique claim per family: the port finds the holder of one known
 * value, it cannot list the values of a scope, and a claim per sign-in would add a row to the
 * unique table of every sign-in's transaction. The index may trail the log by a batch: a listing
 * waits until it has reached the head of the log (read-your-writes for sign-ins before the call)
 * and decides each family on its own stream, so a revocation shows at once.
 */
export const userSessionsProjection: Projection = {
  name: USER_SESSIONS_PROJECTION,
  version: 1,
  handles: new Set(['RefreshTokenIssued', 'RefreshTokenFamilyRevoked']),
  // Session listings wait for the index to reach the head: within the 200 ms poll, so a sign-in's append needs no NOTIFY.
  wakesOn: new Set(),

  async setup(db) {
    await db.query(`CREATE TABLE IF NOT EXISTS ${USER_SESSIONS_TABLE} (
      family_id text PRIMARY KEY,
      pool_id text NOT NULL,
      sub text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${USER_SESSIONS_TABLE}_user ON ${USER_SESSIONS_TABLE} (pool_id, sub)`);
  },

  async drop(db) {
    await db.query(`DROP TABLE IF EXISTS ${USER_SESSIONS_TABLE}`);
  },

  async apply(tx, events) {
    // The batch folded in order: a family issued and revoked in the same batch writes nothing.
    const issued = new Map<string, { poolId: string; sub: string; createdAt: string; expiresAt: string }>();
    const revoked = new Set<string>();
    for (const event of events as ReadonlyArray<RecordedEvent<RefreshTokenEvent>>) {
      if (event.type === 'RefreshTokenIssued') {
        const d = event.data;
        issued.set(d.familyId, { poolId: d.poolId, sub: d.sub, createdAt: d.issuedAt, expiresAt: d.expiresAt });
        revoked.delete(d.familyId);
      } else if (event.type === 'RefreshTokenFamilyRevoked') {
        const familyId = event.streamId.slice('refresh-'.length);
        issued.delete(familyId);
        revoked.add(familyId);
      }
    }
    if (revoked.size > 0) await tx.query(`DELETE FROM ${USER_SESSIONS_TABLE} WHERE family_id = ANY($1::text[])`, [[...revoked]]);
    if (issued.size === 0) return;
    const rows = [...issued.entries()];
    await tx.query(
      `INSERT INTO ${USER_SESSIONS_TABLE} (family_id, pool_id, sub, created_at, expires_at)
       SELECT r.family_id, r.pool_id, r.sub, r.created_at::timestamptz, r.expires_at::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(family_id, pool_id, sub, created_at, expires_at)
       ON CONFLICT (family_id) DO NOTHING`,
      [rows.map(([id]) => id), rows.map(([, r]) => r.poolId), rows.map(([, r]) => r.sub), rows.map(([, r]) => r.createdAt), rows.map(([, r]) => r.expiresAt)],
    );
  },
};
