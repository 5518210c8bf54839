import type { SqlExecutor } from '../db/sql.js';
import { eventDigest } from '../event-store/event-hash.js';
import { storedForm } from '../event-store/personal-data-envelope.js';
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
/** The open segment's leaves, one row each (appended per batch; folded into the segment's row when it is sealed). */
export const OPEN_LEAVES_TABLE = 'log_checkpoint_leaves_v1';
export const LOG_CHECKPOINTS = 'log_checkpoints';

/** Creates the tables (idempotent). */
export async function setupCheckpoints(db: SqlExecutor): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (
    seq           bigint PRIMARY KEY,
    first_commit  bigint NOT NULL,
    first_prepare bigint NOT NULL,
    last_commit   bigint NOT NULL,
    last_prepare  bigint NOT NULL,
    event_count   integer NOT NULL,
    leaves        bytea,          -- NULL while open: the leaves are in ${OPEN_LEAVES_TABLE} then
    prev_hash     bytea NOT NULL,
    hash          bytea,          -- NULL while open
    sealed_at     timestamptz
  )`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${OPEN_LEAVES_TABLE} (seq bigint NOT NULL, idx integer NOT NULL, leaf bytea NOT NULL, PRIMARY KEY (seq, idx))`);
}

interface Row {
  seq: string;
  first_commit: string;
  first_prepare: string;
  last_commit: string;
  last_prepare: string;
  event_count: number;
  leaves: string | null;
  prev_hash: string;
  hash: string | null;
  sealed_at: string | null;
}

const COLUMNS = `seq::text, first_commit::text, first_prepare::text, last_commit::text, last_prepare::text, event_count,
  encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash, to_json(sealed_at) #>> '{}' AS sealed_at`;

/** Every checkpoint in seq order (the open one with its leaves so far); [] when the projection never ran. */
export async function readCheckpoints(db: SqlExecutor): Promise<CheckpointRecord[]> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [OPEN_LEAVES_TABLE]);
  if (!exists.rows[0]?.t) return [];
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS}, coalesce(encode(c.leaves, 'hex'),
       (SELECT coalesce(string_agg(encode(l.leaf, 'hex'), '' ORDER BY l.idx), '') FROM ${OPEN_LEAVES_TABLE} l WHERE l.seq = c.seq)) AS leaves
     FROM ${CHECKPOINTS_TABLE} c ORDER BY seq`,
  );
  return rows.rows.map((r) => ({
    seq: Number(r.seq),
    first: `${r.first_commit}/${r.first_prepare}`,
    last: `${r.last_commit}/${r.last_prepare}`,
    count: r.event_count,
    leaves: r.leaves ?? '',
    prevHash: r.prev_hash,
    hash: r.hash,
    sealedAt: r.sealed_at,
  }));
}

interface Segment {
  seq: number;
  first?: GlobalPosition;
  last?: GlobalPosition;
  count: number;
  prevHash: string;
  /** Leaves added by this batch, from index `count - added.length`. */
  added: string[];
}

/**
 * Adds a batch (global order) to the open segment, sealing it every `segmentEvents` events.
 * Events at or before the last covered position are skipped, so replays change nothing. A
 * batch writes its leaves as rows and updates the small segment row: no batch rewrites the
 * leaves of the events before it (one row per segment holds them once it is sealed).
 */
export async function applyCheckpoints(tx: SqlExecutor, events: readonly RecordedEvent[], segmentEvents = SEGMENT_EVENTS): Promise<void> {
  const latest = (await tx.query<Row>(`SELECT ${COLUMNS}, NULL AS leaves FROM ${CHECKPOINTS_TABLE} ORDER BY seq DESC LIMIT 1`)).rows[0];
  const covered = latest ? { commit: BigInt(latest.last_commit), prepare: BigInt(latest.last_prepare) } : undefined;
  const next = (seq: number, prevHash: string): Segment => ({ seq, count: 0, prevHash, added: [] });
  let segment: Segment =
    latest && latest.hash === null
      ? {
          seq: Number(latest.seq),
          first: { commit: BigInt(latest.first_commit), prepare: BigInt(latest.first_prepare) },
          last: covered,
          count: latest.event_count,
          prevHash: latest.prev_hash,
          added: [],
        }
      : next(latest ? Number(latest.seq) + 1 : 1, latest?.hash ?? FIRST_CHECKPOINT_PREV);
  for (const event of events) {
    if (covered && comparePositions(event.position, covered) <= 0) continue;
    // The stored form (personal fields sealed, src/event-store/personal-data-envelope.ts): what the chain and a verifier hash.
    const stored = storedForm(event);
    const digest = eventDigest({
      streamId: stored.streamId,
      eventId: stored.metadata.eventId,
      type: stored.type,
      data: stored.data,
      metadata: stored.metadata,
    });
    segment.first ??= event.position;
    segment.last = event.position;
    segment.added.push(leafHash({ streamId: event.streamId, revision: event.revision, digest }));
    segment.count++;
    if (segment.count === segmentEvents) {
      const hash = await writeSegment(tx, segment, true);
      segment = next(segment.seq + 1, hash);
    }
  }
  if (segment.added.length > 0) await writeSegment(tx, segment, false);
}

/** Writes a segment's new leaves and its row; sealing folds every leaf into the row and returns its hash. */
async function writeSegment(tx: SqlExecutor, s: Segment, seal: boolean): Promise<string> {
  const from = s.count - s.added.length;
  if (s.added.length > 0) {
    await tx.query(
      `INSERT INTO ${OPEN_LEAVES_TABLE} (seq, idx, leaf) SELECT $1, $2 + n - 1, decode(l, 'hex') FROM unnest($3::text[]) WITH ORDINALITY AS u(l, n) ON CONFLICT DO NOTHING`,
      [s.seq, from, s.added],
    );
  }
  const first = s.first!;
  const last = s.last!;
  let hash: string | null = null;
  let leaves: string | null = null;
  if (seal) {
    const r = await tx.query<{ leaves: string }>(
      `SELECT coalesce(string_agg(encode(leaf, 'hex'), '' ORDER BY idx), '') AS leaves FROM ${OPEN_LEAVES_TABLE} WHERE seq = $1`,
      [s.seq],
    );
    leaves = r.rows[0].leaves;
    hash = checkpointHash({ seq: s.seq, first: positionText(first), last: positionText(last), count: s.count, leaves, prevHash: s.prevHash });
  }
  await tx.query(
    `INSERT INTO ${CHECKPOINTS_TABLE} (seq, first_commit, first_prepare, last_commit, last_prepare, event_count, leaves, prev_hash, hash, sealed_at)
     VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'hex'), decode($8, 'hex'), decode($9, 'hex'), CASE WHEN $9::text IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (seq) DO UPDATE SET last_commit = EXCLUDED.last_commit, last_prepare = EXCLUDED.last_prepare, event_count = EXCLUDED.event_count,
       leaves = EXCLUDED.leaves, hash = EXCLUDED.hash, sealed_at = EXCLUDED.sealed_at
     WHERE ${CHECKPOINTS_TABLE}.hash IS NULL`,
    [s.seq, first.commit.toString(), first.prepare.toString(), last.commit.toString(), last.prepare.toString(), s.count, leaves, s.prevHash, hash],
  );
  if (seal) await tx.query(`DELETE FROM ${OPEN_LEAVES_TABLE} WHERE seq = $1`, [s.seq]);
  s.added = [];
  return hash ?? '';
}
