import type { SqlExecutor } from '../db/sql.js';
import { eventDigest } from '../event-store/event-hash.js';
import type { GlobalPosition, RecordedEvent } from '../event-store/event-store.port.js';
import { comparePositions } from '../event-store/positions.js';
import { checkpointHash, type CheckpointRecord, FIRST_CHECKPOINT_PREV, leafHash, positionText, SEGMENT_EVENTS } from './verify/checkpoint-hash.js';

/**
 * Checkpoints over the committed global order, written by the log_checkpoints projection
 * (projections/history/log-checkpoints.projection.ts) in the read-model database. They are
 * evidence, not a view: nothing ever drops or rewrites a sealed row, and a replay of the log
 * (a rebuild, a version bump) skips every event already covered.
 */
export const CHECKPOINTS_TABLE = 'log_checkpoints_v1';
export const LOG_CHECKPOINTS = 'log_checkpoints';

export const CHECKPOINTS_DDL = `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (
  seq           bigint PRIMARY KEY,
  first_commit  bigint NOT NULL,
  first_prepare bigint NOT NULL,
  last_commit   bigint NOT NULL,
  last_prepare  bigint NOT NULL,
  event_count   integer NOT NULL,
  leaves        bytea NOT NULL,
  prev_hash     bytea NOT NULL,
  hash          bytea,          -- NULL while the segment is open
  sealed_at     timestamptz
)`;

interface Row {
  seq: string;
  first_commit: string;
  first_prepare: string;
  last_commit: string;
  last_prepare: string;
  event_count: number;
  leaves: string;
  prev_hash: string;
  hash: string | null;
  sealed_at: string | null;
}

const SELECT = `SELECT seq::text, first_commit::text, first_prepare::text, last_commit::text, last_prepare::text, event_count,
  encode(leaves, 'hex') AS leaves, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash, to_json(sealed_at) #>> '{}' AS sealed_at
  FROM ${CHECKPOINTS_TABLE}`;

const toRecord = (r: Row): CheckpointRecord => ({
  seq: Number(r.seq),
  first: `${r.first_commit}/${r.first_prepare}`,
  last: `${r.last_commit}/${r.last_prepare}`,
  count: r.event_count,
  leaves: r.leaves,
  prevHash: r.prev_hash,
  hash: r.hash,
  sealedAt: r.sealed_at,
});

/** Every checkpoint in seq order; [] when the table does not exist (the projection never ran). */
export async function readCheckpoints(db: SqlExecutor): Promise<CheckpointRecord[]> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [CHECKPOINTS_TABLE]);
  if (!exists.rows[0]?.t) return [];
  return (await db.query<Row>(`${SELECT} ORDER BY seq`)).rows.map(toRecord);
}

interface OpenSegment {
  seq: number;
  first?: GlobalPosition;
  last?: GlobalPosition;
  leaves: string[];
  prevHash: string;
  hash: string | null;
}

/**
 * Adds a batch (global order) to the open segment, sealing it every `segmentEvents` events.
 * Events at or before the last covered position are skipped, so replays change nothing.
 */
export async function applyCheckpoints(tx: SqlExecutor, events: readonly RecordedEvent[], segmentEvents = SEGMENT_EVENTS): Promise<void> {
  const latest = (await tx.query<Row>(`${SELECT} ORDER BY seq DESC LIMIT 1`)).rows[0];
  const covered = latest ? { commit: BigInt(latest.last_commit), prepare: BigInt(latest.last_prepare) } : undefined;
  let segment: OpenSegment =
    latest && latest.hash === null
      ? { seq: Number(latest.seq), first: { commit: BigInt(latest.first_commit), prepare: BigInt(latest.first_prepare) }, last: covered, leaves: [latest.leaves], prevHash: latest.prev_hash, hash: null }
      : { seq: latest ? Number(latest.seq) + 1 : 1, leaves: [], prevHash: latest?.hash ?? FIRST_CHECKPOINT_PREV, hash: null };
  let count = latest && latest.hash === null ? latest.event_count : 0;
  const touched: Array<OpenSegment & { count: number }> = [];
  let dirty = false;
  for (const event of events) {
    if (covered && comparePositions(event.position, covered) <= 0) continue;
    const digest = eventDigest({ streamId: event.streamId, eventId: event.metadata.eventId, type: event.type, data: event.data, metadata: event.metadata });
    segment.first ??= event.position;
    segment.last = event.position;
    segment.leaves.push(leafHash({ streamId: event.streamId, revision: event.revision, digest }));
    count++;
    dirty = true;
    if (count === segmentEvents) {
      const sealed = { ...segment, count };
      sealed.hash = checkpointHash(recordOf(sealed));
      touched.push(sealed);
      segment = { seq: segment.seq + 1, leaves: [], prevHash: sealed.hash, hash: null };
      count = 0;
      dirty = false;
    }
  }
  if (dirty) touched.push({ ...segment, count });
  for (const s of touched) {
    const r = recordOf(s);
    await tx.query(
      `INSERT INTO ${CHECKPOINTS_TABLE} (seq, first_commit, first_prepare, last_commit, last_prepare, event_count, leaves, prev_hash, hash, sealed_at)
       VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'hex'), decode($8, 'hex'), decode($9, 'hex'), CASE WHEN $9::text IS NULL THEN NULL ELSE now() END)
       ON CONFLICT (seq) DO UPDATE SET last_commit = EXCLUDED.last_commit, last_prepare = EXCLUDED.last_prepare, event_count = EXCLUDED.event_count,
         leaves = EXCLUDED.leaves, hash = EXCLUDED.hash, sealed_at = EXCLUDED.sealed_at
       WHERE ${CHECKPOINTS_TABLE}.hash IS NULL`,
      [r.seq, s.first!.commit.toString(), s.first!.prepare.toString(), s.last!.commit.toString(), s.last!.prepare.toString(), r.count, r.leaves, r.prevHash, s.hash],
    );
  }
}

function recordOf(s: OpenSegment & { count: number }): Omit<CheckpointRecord, 'hash' | 'sealedAt'> {
  return { seq: s.seq, first: positionText(s.first!), last: positionText(s.last!), count: s.count, leaves: s.leaves.join(''), prevHash: s.prevHash };
}
