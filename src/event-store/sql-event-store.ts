import { sqlErrorCode, type SqlDatabase } from '../db/sql.js';
import { UniqueConstraintError, UniqueReleaseError, WrongExpectedRevisionError } from './errors.js';
import type {
  AppendNotice,
  AppendOptions,
  AppendResult,
  EventStore,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  UniqueChange,
} from './event-store.port.js';
import { assertDistinctStreams } from './stream-writes.js';
import { pollingSubscription } from './polling-subscription.js';
import { streamCategory } from './stream-category.js';
import { ES_APPEND_ERRORS, EVENT_STORE_SCHEMA } from './sql-schema.js';
import { eventDigest } from './event-hash.js';

const NOTIFY_CHANNEL = 'es_appended';

/** An es_events row as the store's reads select it (positions and revision as text). */
export interface EventRow {
  pos: string;
  txid: string;
  stream_id: string;
  rev: string;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

export interface SqlEventStoreOptions {
  /**
   * Which appends are worth a NOTIFY. Subscribers and caches poll anyway (subscriptions every
   * 200 ms), so a write that nobody reacts to quickly (a sign-in's auth-log entry and refresh
   * token, when no projection reads those types, no cache keeps those streams and no Kafka
   * forwarder runs here) can skip the notice and its wake-ups. Default: every append notifies.
   */
  wakeFor?: (written: AppendNotice) => boolean;
}

/**
 * The event store on PostgreSQL, shared by the pg and PGlite adapters (same SQL).
 *
 * Global order is (transaction id, sequence): readers only see rows written by transactions
 * older than the oldest one still running, so a transaction that commits late can never land
 * behind a position a subscriber has already passed (the sequence-gap trap).
 */
export class SqlEventStore implements EventStore {
  readonly kind: 'postgres' | 'pglite';

  private constructor(
    private readonly db: SqlDatabase,
    private readonly options: SqlEventStoreOptions,
  ) {
    this.kind = db.dialect;
  }

  static async open(db: SqlDatabase, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    await db.exec(EVENT_STORE_SCHEMA);
    return new SqlEventStore(db, options);
  }

  /** One write calls es_append itself: going through es_append_many's loop cost ~10% of the append rate (bench/appends). */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const write = { streamId, events, options };
    assertDistinctStreams([write]);
    const [result] = await this.write(
      [write],
      `SELECT o_revision::text AS rev, o_commit AS txid, o_position::text AS pos FROM es_append($1, $2, $3::jsonb, $4::jsonb)`,
      [
        streamId,
        String(options.expectedRevision),
        JSON.stringify(eventsJson(streamId, events)),
        options.unique?.length ? JSON.stringify(uniqueJson(options.unique)) : null,
      ],
    );
    return result;
  }

  /** Several streams in one es_append_many statement: one transaction, one round trip. */
  async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    assertDistinctStreams(writes);
    const payload = writes.map((w) => ({
      stream: w.streamId,
      expected: String(w.options.expectedRevision),
      events: eventsJson(w.streamId, w.events),
      ...(w.options.unique?.length ? { unique: uniqueJson(w.options.unique) } : {}),
    }));
    return this.write(writes, `SELECT o_revision::text AS rev, o_commit AS txid, o_position::text AS pos FROM es_append_many($1::jsonb)`, [
      JSON.stringify(payload),
    ]);
  }

  /**
   * Runs an es_append statement (sql-schema.ts: revision checks, unique changes and events in the
   * statement's own transaction). Events go as jsonb arrays, so data and metadata are stored
   * exactly as JSON.stringify gives them.
   */
  private async write(writes: readonly StreamWrite[], sql: string, params: readonly unknown[]): Promise<AppendResult[]> {
    let rows: AppendRow[];
    try {
      rows = (await this.db.queryPrepared<AppendRow>(sql, params)).rows;
    } catch (error) {
      throw appendError(error, writes);
    }
    // Wake subscribers, after the commit and coalesced: a NOTIFY inside the transaction
    // would serialise every append's commit on PostgreSQL's notification queue lock.
    this.wakeSubscribers(writes);
    return rows.map(appendResult);
  }

  private notifying = false;
  private pendingTypes = new Set<string>();
  private pendingCategories = new Set<string>();

  /**
   * NOTIFY once per burst: while one is in flight, later appends add their types and stream
   * categories to the next. The payload names what was written (see `AppendNotice`), so
   * subscribers that ignore those types and caches of other categories need not react.
   */
  private wakeSubscribers(writes: readonly Pick<StreamWrite, 'streamId' | 'events'>[]): void {
    const written: AppendNotice = {
      categories: [...new Set(writes.map((w) => streamCategory(w.streamId)))],
      types: [...new Set(writes.flatMap((w) => w.events.map((e) => e.type)))],
    };
    if (this.options.wakeFor && !this.options.wakeFor(written)) return;
    for (const c of written.categories) this.pendingCategories.add(c);
    for (const t of written.types) this.pendingTypes.add(t);
    this.flushNotice();
  }

  private flushNotice(): void {
    if (this.notifying || this.pendingCategories.size === 0) return;
    this.notifying = true;
    const payload = noticePayload({ types: [...this.pendingTypes], categories: [...this.pendingCategories] });
    this.pendingTypes = new Set();
    this.pendingCategories = new Set();
    void this.db
      .query(`SELECT pg_notify('${NOTIFY_CHANNEL}', $1)`, [payload])
      .catch(() => undefined) // subscribers also poll; a lost wake-up only delays them
      .finally(() => {
        this.notifying = false;
        this.flushNotice();
      });
  }

  watchAppends(listener: (notice: AppendNotice | undefined) => void): Promise<() => Promise<void>> {
    return this.db.listen(NOTIFY_CHANNEL, (payload) => listener(parseNotice(payload)));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.last !== undefined) {
      const tail = await this.db.queryPrepared<EventRow>(
        `SELECT position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata
           FROM es_events WHERE stream_id = $1 ORDER BY revision DESC LIMIT $2`,
        [streamId, options.last],
      );
      return tail.rows.reverse().map(toRecorded);
    }
    const r = await this.db.queryPrepared<EventRow>(
      `SELECT position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata
         FROM es_events WHERE stream_id = $1 AND revision >= $2
        ORDER BY revision LIMIT $3`,
      [streamId, (options.fromRevision ?? 0n).toString(), options.maxCount ?? 1_000_000],
    );
    return r.rows.map(toRecorded);
  }

  /** Every read in one statement (UNION ALL of the per-stream queries). */
  async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    if (reads.length === 0) return [];
    if (reads.length === 1) return [await this.readStream(reads[0].streamId, reads[0].last === undefined ? {} : { last: reads[0].last })];
    const params: unknown[] = [];
    const parts = reads.map((read, k) => {
      params.push(read.streamId);
      const stream = `$${params.length}`;
      const columns = `SELECT ${k} AS k, position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata FROM es_events WHERE stream_id = ${stream}`;
      if (read.last === undefined) return `(${columns})`;
      params.push(read.last);
      return `(${columns} ORDER BY revision DESC LIMIT $${params.length})`;
    });
    // The text depends only on the shape of the request (how many reads, which are tails).
    const r = await this.db.queryPrepared<EventRow & { k: number }>(parts.join(' UNION ALL '), params);
    const out: RecordedEvent[][] = reads.map(() => []);
    for (const row of r.rows) out[row.k].push(toRecorded(row));
    for (const events of out) events.sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? 1000;
    const after = options.after;
    const r = after
      ? await this.db.queryPrepared<EventRow>(
          `SELECT position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata
             FROM es_events
            WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY transaction_id, position LIMIT $3`,
          [after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString(), limit],
        )
      : await this.db.queryPrepared<EventRow>(
          `SELECT position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata
             FROM es_events
            WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY transaction_id, position LIMIT $1`,
          [limit],
        );
    return r.rows.map(toRecorded);
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    // Output columns are aliased: ORDER BY would otherwise sort by their text form.
    const r = await this.db.query<{ pos: string; txid: string }>(
      `SELECT position::text AS pos, transaction_id::text AS txid FROM es_events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id DESC, position DESC LIMIT 1`,
    );
    const row = r.rows[0];
    return row ? { commit: BigInt(row.txid), prepare: BigInt(row.pos) } : undefined;
  }

  async findUniqueHolder(scope: string, value: string): Promise<string | undefined> {
    const r = await this.db.queryPrepared<{ stream_id: string }>(`SELECT stream_id FROM es_unique WHERE scope = $1 AND value = $2`, [scope, value]);
    return r.rows[0]?.stream_id;
  }

  /** Events strictly after `after` up to the head (for lag reporting). */
  async countAfter(after: GlobalPosition | undefined): Promise<number> {
    const r = after
      ? await this.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM es_events
            WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)`,
          [after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString()],
        )
      : await this.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events`);
    return Number(r.rows[0].n);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return pollingSubscription({ readAll: (o) => this.readAll(o), onAppend: (wake) => this.watchAppends((notice) => wake(notice?.types)) }, options);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** Maps the errors es_append raises back to the typed errors; anything else passes through. */
interface AppendRow {
  rev: string;
  txid: string;
  pos: string;
}

const appendResult = (row: AppendRow): AppendResult => ({ nextRevision: BigInt(row.rev), position: { commit: BigInt(row.txid), prepare: BigInt(row.pos) } });

const uniqueJson = (unique: readonly UniqueChange[]) => unique.map(({ scope, value, change }) => ({ scope, value, change }));

/**
 * Events as es_append takes them, each with its digest (event-hash.ts) for the hash chain. The
 * digest is computed from the very values serialised here, so it matches what jsonb gives back.
 */
const eventsJson = (streamId: string, events: readonly NewEvent[]) =>
  events.map((e) => ({
    id: e.metadata.eventId,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    digest: eventDigest({ streamId, eventId: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }),
  }));

/** es_append's errors (sql-schema.ts) as the port's typed errors; HINT names the failing stream. */
function appendError(error: unknown, writes: readonly StreamWrite[]): unknown {
  const code = sqlErrorCode(error);
  const { detail, hint } = (error ?? {}) as { detail?: unknown; hint?: unknown };
  if (typeof detail !== 'string') return error;
  const write = writes.length === 1 ? writes[0] : writes.find((w) => w.streamId === hint);
  if (!write) return error;
  if (code === ES_APPEND_ERRORS.wrongExpectedRevision) {
    return new WrongExpectedRevisionError(write.streamId, write.options.expectedRevision, detail === 'no_stream' ? 'no_stream' : BigInt(detail));
  }
  // DETAIL is the 1-based index of the failing change.
  const change = (write.options.unique ?? [])[Number(detail) - 1];
  if (change && code === ES_APPEND_ERRORS.uniqueTaken) return new UniqueConstraintError(change.scope, change.value);
  if (change && code === ES_APPEND_ERRORS.uniqueNotHeld) return new UniqueReleaseError(change.scope, write.streamId);
  return error;
}

/** NOTIFY payloads are limited to 8000 bytes; beyond that the notice says "unknown" (''). */
const MAX_NOTICE_BYTES = 7900;

function noticePayload(notice: AppendNotice): string {
  const text = JSON.stringify({ t: notice.types, c: notice.categories });
  return Buffer.byteLength(text) <= MAX_NOTICE_BYTES ? text : '';
}

/** Undefined for an empty or foreign payload: the listener must assume anything was written. */
function parseNotice(payload: string): AppendNotice | undefined {
  if (!payload) return undefined;
  try {
    const p = JSON.parse(payload) as { t?: unknown; c?: unknown };
    if (!Array.isArray(p.t) || !Array.isArray(p.c)) return undefined;
    return { types: p.t.map(String), categories: p.c.map(String) };
  } catch {
    return undefined;
  }
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.rev),
    position: { commit: BigInt(row.txid), prepare: BigInt(row.pos) },
    type: row.type,
    // Both drivers decode jsonb already (a JSON string comes back as a string, not as text to parse).
    data: row.data,
    metadata: row.metadata,
  };
}
