import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import type { Secrets } from '../../crypto/secrets.js';
import type { SqlDatabase, SqlExecutor } from '../../db/sql.js';
import { DataKeys } from '../../event-store/data-keys.js';
import { chainHash, eventDigest, GENESIS_HEX } from '../../event-store/event-hash.js';
import type { NewEvent } from '../../event-store/event-store.port.js';
import { PersonalDataEnvelope } from '../../event-store/personal-data-envelope.js';
import { comparePositions, parsePosition } from '../../event-store/positions.js';
import { type EventRow, SqlEventStore, toRecorded } from '../../event-store/sql-event-store.js';
import { PERSONAL_DATA_FIELDS, PERSONAL_METADATA_FIELDS } from '../../events/personal-data.js';
import { applyCheckpoints, CHECKPOINTS_TABLE, OPEN_LEAVES_TABLE, readCheckpoints, setupCheckpoints } from '../log-checkpoints.js';
import { writeLogExport } from '../verify/export-file.js';
import { LogRoot } from '../verify/log-root.js';
import { verifyStoredLog } from '../verify/verify-database.js';
import { formatReport } from '../verify/report-text.js';

/**
 * Seals the personal data of events written before the envelope existed (docs/history.md,
 * "Events written before the envelope"): every event stored in clear that has personal fields
 * is rewritten into the form the envelope gives a new append (the same `seal`, under the
 * person's data key), in place, in one transaction: global order, positions, event ids, types,
 * revisions and every other field stay as they were. Each rewritten stream is chained anew from
 * genesis, the checkpoints are recomputed over the same segments, and the rewrite is recorded in
 * `log_rewrites_v1` with the replaced log's checkpoints and root (src/history/verify/log-root.ts),
 * so an export of the old log can still be checked against what it was.
 *
 * Safe to re-run: a log with nothing in clear is left alone. Refused while a service instance
 * holds the projections lock on the database; the event tables are locked against writers for
 * the transaction; the old log must verify first, the new one must verify before the commit, and
 * any failure rolls everything back (data keys made for the rewrite included).
 */
export const LOG_REWRITES_TABLE = 'log_rewrites_v1';

/** The projections leader lock (projections/leader-lock.ts `lockKey('projections')`): held by a running service. */
export const PROJECTIONS_LOCK_KEY = BigInt.asIntN(64, createHash('sha256').update('cairn:projections').digest().readBigInt64BE(0));

const PAGE = 1000;
const STREAMS_PER_CHUNK = 200;

export interface RewriteRecord {
  kind: 'personal-data-sealed';
  at: string;
  /** The last position the rewrite covered (every event up to it was read). */
  upTo: string | null;
  events: number;
  /** Events rewritten with their personal fields sealed. */
  sealed: number;
  /** Of those, events of subjects erased before the rewrite: sealed with no values at all. */
  sealedErased: number;
  subjects: number;
  /** Streams chained anew from genesis. */
  streams: number;
  /** The log that was replaced: its root (every leaf in global order) and its checkpoints. */
  old: LogState;
  /** The log as rewritten. */
  new: LogState;
  /** Where the old log's export was written, when asked for. */
  oldLogExport?: string;
}

interface LogState {
  root: string;
  /** The newest sealed checkpoint, the anchor to compare with one recorded elsewhere. */
  anchor: { seq: number; hash: string } | null;
  checkpoints: Array<{ seq: number; first: string; last: string; count: number; hash: string | null }>;
}

export interface MigrationOptions {
  now?: Date;
  /** Writes the log as it stands before the rewrite (a `cairn-log` export, personal data in clear) to this file. */
  oldLogExport?: string;
}

export type MigrationOutcome = { migrated: false; reason: string } | { migrated: true; record: RewriteRecord };

type Row = EventRow;

export class MigrationRefusedError extends Error {}

/** The rewrites recorded so far, oldest first. */
export async function readRewrites(db: SqlExecutor): Promise<RewriteRecord[]> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [LOG_REWRITES_TABLE]);
  if (!exists.rows[0]?.t) return [];
  return (await db.query<{ record: RewriteRecord }>(`SELECT record FROM ${LOG_REWRITES_TABLE} ORDER BY id`)).rows.map((r) => r.record);
}

export async function migratePersonalData(db: SqlDatabase, secrets: Secrets, options: MigrationOptions = {}): Promise<MigrationOutcome> {
  const lock = await db.tryAdvisoryLock(PROJECTIONS_LOCK_KEY);
  if (!lock) {
    throw new MigrationRefusedError(
      'a service instance holds the projections lock on this database: stop every instance (and the projections process) before migrating',
    );
  }
  try {
    if ((await countClear(db)) === 0) return { migrated: false, reason: 'no event holds personal data in clear' };
    let wroteOldLog = false;
    try {
      return await db.transaction(async (tx) => {
        // Writers wait for the commit (their appends then chain from the rewritten heads); readers go on.
        await tx.query(`SET LOCAL lock_timeout = '30s'`);
        await tx.query(`LOCK TABLE es_streams, es_events, es_unique IN EXCLUSIVE MODE`);
        await setupCheckpoints(tx);
        await tx.query(`LOCK TABLE ${CHECKPOINTS_TABLE}, ${OPEN_LEAVES_TABLE} IN EXCLUSIVE MODE`);
        const inTx = transactionDatabase(tx, db.dialect);
        const store = await SqlEventStore.open(inTx);
        const before = await verifyStoredLog(store, tx, tx);
        if (!before.ok) throw new MigrationRefusedError(`the log does not verify; a rewrite would hide what happened:\n${formatReport(before)}`);
        if (options.oldLogExport) {
          wroteOldLog = true;
          await writeLogExport(tx, tx, options.oldLogExport, { now: options.now });
        }
        const oldCheckpoints = await readCheckpoints(tx);
        const keys = await DataKeys.open(inTx, secrets);
        const envelope = new PersonalDataEnvelope(store, keys);
        const erased = await keys.erasedSubjects();

        // 1. Seal, in global order (a family stream's first event names its subject for the rest).
        const oldRoot = new LogRoot();
        const streams = new Set<string>();
        const subjects = new Set<string>();
        let sealed = 0;
        let sealedErased = 0;
        let last: Row | undefined;
        for await (const page of pages(tx)) {
          const updates: { s: string[]; r: string[]; d: string[]; m: string[] } = { s: [], r: [], d: [], m: [] };
          for (const row of page) {
            oldRoot.add({ streamId: row.stream_id, revision: BigInt(row.rev), type: row.type, data: row.data, metadata: row.metadata });
            if (row.metadata.personal) continue;
            const event: NewEvent = { type: row.type, data: row.data, metadata: row.metadata };
            const [out] = await envelope.seal(row.stream_id, [event]);
            if (out === event) continue;
            const subject = (out.metadata.personal as { s: string; c?: string }).s;
            subjects.add(subject);
            if (erased.has(subject)) sealedErased++;
            sealed++;
            streams.add(row.stream_id);
            updates.s.push(row.stream_id);
            updates.r.push(row.rev);
            updates.d.push(JSON.stringify(out.data));
            updates.m.push(JSON.stringify(out.metadata));
          }
          last = page[page.length - 1] ?? last;
          if (updates.s.length > 0) {
            await tx.query(
              `UPDATE es_events e SET data = u.d::jsonb, metadata = u.m::jsonb
                 FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(s, r, d, m)
                WHERE e.stream_id = u.s AND e.revision = u.r`,
              [updates.s, updates.r, updates.d, updates.m],
            );
          }
        }
        if (sealed === 0) return { migrated: false, reason: 'no event holds personal data in clear' } as MigrationOutcome;

        // 2. Each rewritten stream chained anew from genesis, its head in es_streams.
        const ids = [...streams];
        for (let i = 0; i < ids.length; i += STREAMS_PER_CHUNK) await rechain(tx, ids.slice(i, i + STREAMS_PER_CHUNK));

        // 3. The checkpoints recomputed over the same segments (up to where the projection had come); its position stays.
        const covered = oldCheckpoints.length ? parsePosition(oldCheckpoints[oldCheckpoints.length - 1].last) : undefined;
        await tx.query(`DELETE FROM ${OPEN_LEAVES_TABLE}`);
        await tx.query(`DELETE FROM ${CHECKPOINTS_TABLE}`);
        const newRoot = new LogRoot();
        for await (const page of pages(tx)) {
          const events = page.map(toRecorded);
          for (const e of events) newRoot.add({ ...e, metadata: e.metadata as unknown as Record<string, unknown> });
          const within = covered ? events.filter((e) => comparePositions(e.position, covered) <= 0) : [];
          if (within.length > 0) await applyCheckpoints(tx, within);
        }
        const newCheckpoints = await readCheckpoints(tx);

        // 4. The new log must verify before anything is committed.
        const after = await verifyStoredLog(store, tx, tx);
        if (!after.ok) throw new Error(`the rewritten log does not verify; nothing was changed:\n${formatReport(after)}`);

        const record: RewriteRecord = {
          kind: 'personal-data-sealed',
          at: (options.now ?? new Date()).toISOString(),
          upTo: last ? `${last.txid}/${last.pos}` : null,
          events: oldRoot.count,
          sealed,
          sealedErased,
          subjects: subjects.size,
          streams: streams.size,
          old: state(oldRoot.digest(), oldCheckpoints),
          new: state(newRoot.digest(), newCheckpoints),
          ...(options.oldLogExport ? { oldLogExport: options.oldLogExport } : {}),
        };
        await tx.query(`CREATE TABLE IF NOT EXISTS ${LOG_REWRITES_TABLE} (id bigserial PRIMARY KEY, at timestamptz NOT NULL, record jsonb NOT NULL)`);
        await tx.query(`INSERT INTO ${LOG_REWRITES_TABLE} (at, record) VALUES ($1, $2::jsonb)`, [record.at, JSON.stringify(record)]);
        return { migrated: true, record } as MigrationOutcome;
      });
    } catch (error) {
      if (wroteOldLog && options.oldLogExport) await unlink(options.oldLogExport).catch(() => undefined);
      throw error;
    }
  } finally {
    await lock.release();
  }
}

/** Events stored without the envelope that carry a personal field or a request's address (as erase-user counts them). */
async function countClear(db: SqlExecutor): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM es_events
      WHERE NOT (metadata ? 'personal') AND (metadata ?| $1::text[] OR type = ANY($2::text[]))`,
    [[...PERSONAL_METADATA_FIELDS], Object.keys(PERSONAL_DATA_FIELDS)],
  );
  return r.rows[0]?.n ?? 0;
}

/** Every row of es_events in global order, a page at a time (inside the rewrite's transaction: all committed rows). */
async function* pages(tx: SqlExecutor): AsyncGenerator<Row[]> {
  let after: Row | undefined;
  const columns = `position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata`;
  for (;;) {
    const r = after
      ? await tx.query<Row>(
          `SELECT ${columns} FROM es_events WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) ORDER BY transaction_id, position LIMIT $3`,
          [after.txid, after.pos, PAGE],
        )
      : await tx.query<Row>(`SELECT ${columns} FROM es_events ORDER BY transaction_id, position LIMIT $1`, [PAGE]);
    if (r.rows.length === 0) return;
    yield r.rows;
    after = r.rows[r.rows.length - 1];
    if (r.rows.length < PAGE) return;
  }
}

/** Chains each stream from genesis over its rows in revision order; es_streams.chain ends in the new head. */
async function rechain(tx: SqlExecutor, streamIds: string[]): Promise<void> {
  const rows = await tx.query<Row>(
    `SELECT stream_id, revision::text AS rev, type, data, metadata FROM es_events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, revision`,
    [streamIds],
  );
  const events = { s: [] as string[], r: [] as string[], p: [] as string[], h: [] as string[] };
  const heads = new Map<string, { prev: string; head: string }>();
  for (const row of rows.rows) {
    const prev = heads.get(row.stream_id)?.head ?? GENESIS_HEX;
    const digest = eventDigest({ streamId: row.stream_id, eventId: String(row.metadata.eventId), type: row.type, data: row.data, metadata: row.metadata });
    const hash = chainHash(prev, digest);
    heads.set(row.stream_id, { prev, head: hash });
    events.s.push(row.stream_id);
    events.r.push(row.rev);
    events.p.push(prev);
    events.h.push(hash);
  }
  await tx.query(
    `UPDATE es_events e SET prev_hash = decode(u.p, 'hex'), hash = decode(u.h, 'hex')
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(s, r, p, h)
      WHERE e.stream_id = u.s AND e.revision = u.r`,
    [events.s, events.r, events.p, events.h],
  );
  const ids = [...heads.keys()];
  await tx.query(
    `UPDATE es_streams s SET chain = ARRAY[decode(u.p, 'hex'), decode(u.h, 'hex')]
       FROM unnest($1::text[], $2::text[], $3::text[]) AS u(s, p, h) WHERE s.stream_id = u.s`,
    [ids, ids.map((id) => heads.get(id)!.prev), ids.map((id) => heads.get(id)!.head)],
  );
}

function state(root: string, checkpoints: Awaited<ReturnType<typeof readCheckpoints>>): LogState {
  const sealed = checkpoints.filter((c) => c.hash !== null);
  const anchor = sealed.at(-1);
  return {
    root,
    anchor: anchor ? { seq: anchor.seq, hash: anchor.hash! } : null,
    checkpoints: checkpoints.map((c) => ({ seq: c.seq, first: c.first, last: c.last, count: c.count, hash: c.hash })),
  };
}

/** The transaction seen as a database, so the store, the data keys and the envelope read and write inside it (and PGlite's one queue does not deadlock). */
function transactionDatabase(tx: SqlExecutor, dialect: SqlDatabase['dialect']): SqlDatabase {
  return {
    dialect,
    query: (text, params) => tx.query(text, params),
    queryPrepared: (text, params) => tx.query(text, params),
    transaction: (fn) => fn(tx),
    exec: async () => undefined,
    listen: async () => async () => undefined,
    tryAdvisoryLock: async () => undefined,
    close: async () => undefined,
  };
}
