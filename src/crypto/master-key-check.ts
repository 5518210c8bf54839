import type { SqlDatabase } from '../db/sql.js';
import { MasterKeyError } from './master-key.js';
import { safeEqual } from './secrets.js';

export const MASTER_KEY_TABLE = 'platform_master_key_v1';

/**
 * Every process of a deployment must hold the same master key: codes, uniqueness claims and
 * wrapped secrets are keyed with it, and a process with another key would find no user by name,
 * let a taken username be claimed twice and fail every secret it unwraps. The database keeps the
 * fingerprint of the first key it was used with; a process whose key does not match refuses to
 * start instead of writing anything.
 */
export async function checkMasterKey(db: SqlDatabase, keyCheck: string, now: Date): Promise<void> {
  await db.exec(`CREATE TABLE IF NOT EXISTS ${MASTER_KEY_TABLE} (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    key_check text NOT NULL,
    first_seen_at timestamptz NOT NULL
  )`);
  await db.query(`INSERT INTO ${MASTER_KEY_TABLE} (id, key_check, first_seen_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`, [
    keyCheck,
    now.toISOString(),
  ]);
  const rows = await db.query<{ key_check: string }>(`SELECT key_check FROM ${MASTER_KEY_TABLE} WHERE id = 1`);
  const stored = rows.rows[0]?.key_check;
  if (stored === undefined || !safeEqual(stored, keyCheck)) {
    throw new MasterKeyError(
      'MASTER_KEY is not the key this database was first used with: every instance of a deployment must have the same MASTER_KEY (docs/operations.md, "Scaling out"). Nothing was written.',
    );
  }
}
