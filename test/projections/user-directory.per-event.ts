import type { SqlExecutor } from '../../src/db/sql.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { normalizeUsername } from '../../src/user-pools/username.js';
import {
  CLIENTS_TABLE,
  type DirectoryEvent,
  POOLS_TABLE,
  USERS_TABLE,
  applyPoolEvent,
  isPoolEvent,
  parseUserStream,
} from '../../projections/user-directory/user-directory.projection.js';

/**
 * The user directory's apply as it was before it became set-based: one statement per event.
 * Kept as the oracle the set-based apply is compared with (user-directory.int.spec.ts).
 */
export async function applyPerEvent(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  for (const event of events) await applyOne(tx, event as RecordedEvent<DirectoryEvent>);
}

async function applyOne(tx: SqlExecutor, event: RecordedEvent<DirectoryEvent>): Promise<void> {
  // Pool events were and are one statement each: the projection's own code.
  if (isPoolEvent(event)) return applyPoolEvent(tx, event);
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'UserSignedUp':
    case 'UserCreatedByAdmin': {
      const d = event.data;
      const pool = await tx.query<{ username_case_sensitive: boolean }>(`SELECT username_case_sensitive FROM ${POOLS_TABLE} WHERE pool_id = $1`, [d.poolId]);
      const caseSensitive = pool.rows[0]?.username_case_sensitive ?? false;
      const email = d.attributes.email;
      const createdAt = event.type === 'UserSignedUp' ? event.data.signedUpAt : event.data.createdAt;
      await tx.query(
        `INSERT INTO ${USERS_TABLE} (pool_id, sub, username, username_key, email_key, status, enabled, attributes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $8, true, $6::jsonb, $7, $7)
         ON CONFLICT (pool_id, sub) DO UPDATE SET username = EXCLUDED.username, username_key = EXCLUDED.username_key,
           email_key = EXCLUDED.email_key, status = EXCLUDED.status, enabled = EXCLUDED.enabled,
           attributes = EXCLUDED.attributes, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [
          d.poolId,
          d.sub,
          d.username,
          normalizeUsername(d.username, caseSensitive),
          email ? email.toLowerCase() : null,
          JSON.stringify({ ...d.attributes, sub: d.sub }),
          createdAt,
          event.type === 'UserSignedUp' ? 'UNCONFIRMED' : 'FORCE_CHANGE_PASSWORD',
        ],
      );
      return;
    }
    case 'UserAttributesUpdated':
    case 'UserAttributeVerified': {
      const { poolId, sub } = parseUserStream(event.streamId);
      const set =
        event.type === 'UserAttributesUpdated'
          ? event.data.attributes
          : { [event.data.attribute]: event.data.value, [`${event.data.attribute}_verified`]: 'true' };
      await tx.query(
        `UPDATE ${USERS_TABLE} SET attributes = attributes || $3::jsonb, updated_at = $4,
           email_key = lower(COALESCE((attributes || $3::jsonb) ->> 'email', NULL))
         WHERE pool_id = $1 AND sub = $2`,
        [poolId, sub, JSON.stringify(set), event.data.at],
      );
      return;
    }
    case 'UserAttributesDeleted': {
      const { poolId, sub } = parseUserStream(event.streamId);
      const names = event.data.names.flatMap((n) => (n === 'email' || n === 'phone_number' ? [n, `${n}_verified`] : [n]));
      await tx.query(
        `UPDATE ${USERS_TABLE} SET attributes = attributes - $3::text[], updated_at = $4,
           email_key = lower((attributes - $3::text[]) ->> 'email')
         WHERE pool_id = $1 AND sub = $2`,
        [poolId, sub, names, event.data.at],
      );
      return;
    }
    case 'PasswordResetRequired': {
      const { poolId, sub } = parseUserStream(event.streamId);
      await tx.query(`UPDATE ${USERS_TABLE} SET status = 'RESET_REQUIRED', updated_at = $3 WHERE pool_id = $1 AND sub = $2`, [poolId, sub, event.data.at]);
      return;
    }
    case 'UserDeleted': {
      const { poolId, sub } = parseUserStream(event.streamId);
      await tx.query(`DELETE FROM ${USERS_TABLE} WHERE pool_id = $1 AND sub = $2`, [poolId, sub]);
      return;
    }
    case 'UserConfirmed': {
      const { poolId, sub } = parseUserStream(event.streamId);
      const verified = event.data.verifiedAttribute;
      await tx.query(
        `UPDATE ${USERS_TABLE} SET status = 'CONFIRMED', updated_at = $3,
           attributes = CASE WHEN $4::text IS NULL THEN attributes
                             ELSE attributes || jsonb_build_object($4::text || '_verified', 'true') END
         WHERE pool_id = $1 AND sub = $2`,
        [poolId, sub, at, verified ?? null],
      );
      return;
    }
    case 'PasswordChanged': {
      const { poolId, sub } = parseUserStream(event.streamId);
      await tx.query(
        `UPDATE ${USERS_TABLE} SET updated_at = $3, status = CASE WHEN NOT $4::boolean THEN 'FORCE_CHANGE_PASSWORD'
           WHEN status = 'UNCONFIRMED' AND $5 <> 'ADMIN_SET' THEN 'UNCONFIRMED' ELSE 'CONFIRMED' END
         WHERE pool_id = $1 AND sub = $2`,
        [poolId, sub, event.data.changedAt, event.data.permanent, event.data.reason],
      );
      return;
    }
    case 'UserDisabled':
    case 'UserEnabled': {
      const { poolId, sub } = parseUserStream(event.streamId);
      await tx.query(`UPDATE ${USERS_TABLE} SET enabled = $3, updated_at = $4 WHERE pool_id = $1 AND sub = $2`, [
        poolId,
        sub,
        event.type === 'UserEnabled',
        event.data.at,
      ]);
      return;
    }
    case 'UserPoolClientCreated':
      await tx.query(
        `INSERT INTO ${CLIENTS_TABLE} (client_id, pool_id, client_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (client_id) DO UPDATE SET pool_id = EXCLUDED.pool_id, client_name = EXCLUDED.client_name,
           created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [event.data.clientId, event.data.poolId, event.data.clientName, event.data.createdAt],
      );
      return;
    case 'UserPoolClientUpdated':
      await tx.query(`UPDATE ${CLIENTS_TABLE} SET client_name = $2, updated_at = $3 WHERE client_id = $1`, [
        event.streamId.slice('client-'.length),
        event.data.clientName,
        event.data.updatedAt,
      ]);
      return;
    case 'UserPoolClientDeleted':
      await tx.query(`DELETE FROM ${CLIENTS_TABLE} WHERE client_id = $1`, [event.streamId.slice('client-'.length)]);
      return;
    default:
      return; // events this read model does not show
  }
}
