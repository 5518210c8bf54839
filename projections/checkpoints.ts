import type { SqlExecutor } from '../src/db/sql.js';
import type { GlobalPosition } from '../src/event-store/event-store.port.js';

/**
 * Where each log consumer (projection, Kafka forwarder) has got to. A consumer moves its
 * checkpoint with a compare-and-set in the same transaction as its own writes, so two
 * processes can never both apply the same events.
 */
export const CHECKPOINT_SCHEMA = `
CREATE TABLE IF NOT EXISTS consumer_checkpoints (
  name        text PRIMARY KEY,
  version     integer NOT NULL DEFAULT 1,
  commit_pos  bigint,               -- NULL: nothing consumed yet
  prepare_pos bigint,
  rebuild_requested boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
`;

export interface Checkpoint {
  name: string;
  version: number;
  position: GlobalPosition | undefined;
  rebuildRequested: boolean;
}

interface Row {
  name: string;
  version: number;
  commit_pos: string | null;
  prepare_pos: string | null;
  rebuild_requested: boolean;
}

/** Thrown when another process moved a checkpoint first: this one must stop. */
export class CheckpointConflictError extends Error {
  readonly code = 'CheckpointConflict';
  constructor(readonly consumer: string) {
    super(`checkpoint of ${consumer} was moved by another process`);
    this.name = 'CheckpointConflictError';
  }
}

export async function ensureCheckpoint(db: SqlExecutor, name: string, version: number): Promise<Checkpoint> {
  await db.query(`INSERT INTO consumer_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, version]);
  const cp = await readCheckpoint(db, name);
  if (!cp) throw new Error(`checkpoint ${name} vanished`);
  return cp;
}

export async function readCheckpoint(db: SqlExecutor, name: string): Promise<Checkpoint | undefined> {
  const r = await db.query<Row>(`SELECT name, version, commit_pos::text, prepare_pos::text, rebuild_requested FROM consumer_checkpoints WHERE name = $1`, [
    name,
  ]);
  const row = r.rows[0];
  return row ? toCheckpoint(row) : undefined;
}

export async function listCheckpoints(db: SqlExecutor): Promise<Checkpoint[]> {
  const r = await db.query<Row>(`SELECT name, version, commit_pos::text, prepare_pos::text, rebuild_requested FROM consumer_checkpoints ORDER BY name`);
  return r.rows.map(toCheckpoint);
}

/** Moves `name` from `expected` to `next`; throws CheckpointConflictError when it was elsewhere. */
export async function advanceCheckpoint(tx: SqlExecutor, name: string, expected: GlobalPosition | undefined, next: GlobalPosition): Promise<void> {
  const r = expected
    ? await tx.query(
        `UPDATE consumer_checkpoints SET commit_pos = $2, prepare_pos = $3, updated_at = now()
          WHERE name = $1 AND commit_pos = $4 AND prepare_pos = $5`,
        [name, next.commit.toString(), next.prepare.toString(), expected.commit.toString(), expected.prepare.toString()],
      )
    : await tx.query(
        `UPDATE consumer_checkpoints SET commit_pos = $2, prepare_pos = $3, updated_at = now()
          WHERE name = $1 AND commit_pos IS NULL`,
        [name, next.commit.toString(), next.prepare.toString()],
      );
  if (r.rowCount !== 1) throw new CheckpointConflictError(name);
}

/** Back to the start of the log, at a (possibly new) version; clears a pending rebuild request. */
export async function resetCheckpoint(tx: SqlExecutor, name: string, version: number): Promise<void> {
  await tx.query(
    `INSERT INTO consumer_checkpoints (name, version, commit_pos, prepare_pos, rebuild_requested)
     VALUES ($1, $2, NULL, NULL, false)
     ON CONFLICT (name) DO UPDATE SET version = $2, commit_pos = NULL, prepare_pos = NULL,
       rebuild_requested = false, updated_at = now()`,
    [name, version],
  );
}

export async function requestRebuild(db: SqlExecutor, name: string): Promise<boolean> {
  const r = await db.query(`UPDATE consumer_checkpoints SET rebuild_requested = true WHERE name = $1`, [name]);
  return r.rowCount === 1;
}

function toCheckpoint(row: Row): Checkpoint {
  return {
    name: row.name,
    version: Number(row.version),
    position: row.commit_pos === null || row.prepare_pos === null ? undefined : { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) },
    rebuildRequested: row.rebuild_requested,
  };
}
