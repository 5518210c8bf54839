import type { SqlDatabase, SqlExecutor } from '../db/sql.js';
import { UniqueConstraintError, UniqueReleaseError, WrongExpectedRevisionError } from './errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  UniqueChange,
} from './event-store.port.js';
import { pollingSubscription } from './polling-subscription.js';
import { EVENT_STORE_SCHEMA } from './sql-schema.js';

const NOTIFY_CHANNEL = 'es_appended';

interface EventRow {
  pos: string;
  txid: string;
  stream_id: string;
  rev: string;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
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

  private constructor(private readonly db: SqlDatabase) {
    this.kind = db.dialect;
  }

  static async open(db: SqlDatabase): Promise<SqlEventStore> {
    await db.exec(EVENT_STORE_SCHEMA);
    return new SqlEventStore(db);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const result = await this.db.transaction(async (tx) => {
      // 1. Move the stream's revision, failing on the wrong expectation (row lock orders writers).
      const last = await advanceRevision(tx, streamId, options.expectedRevision, events.length);
      // 2. Claim and release unique values in the same transaction.
      for (const change of options.unique ?? []) await applyUnique(tx, streamId, change);
      // 3. Write the events with consecutive revisions.
      const first = last - BigInt(events.length) + 1n;
      const params: unknown[] = [streamId];
      const rows = events.map((e, i) => {
        params.push((first + BigInt(i)).toString(), e.metadata.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
        const b = 1 + i * 5;
        return `($1, $${b + 1}::bigint, $${b + 2}::uuid, $${b + 3}, $${b + 4}::jsonb, $${b + 5}::jsonb)`;
      });
      const inserted = await tx.query<{ pos: string; txid: string }>(
        `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
         VALUES ${rows.join(', ')}
         RETURNING position::text AS pos, transaction_id::text AS txid`,
        params,
      );
      const lastRow = inserted.rows[inserted.rows.length - 1];
      return {
        nextRevision: last,
        position: { commit: BigInt(lastRow.txid), prepare: BigInt(lastRow.pos) },
      };
    });
    // 4. Wake subscribers, after the commit and coalesced: a NOTIFY inside the transaction
    // would serialise every append's commit on PostgreSQL's notification queue lock.
    this.wakeSubscribers();
    return result;
  }

  private notifying = false;
  private notifyAgain = false;

  private wakeSubscribers(): void {
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    void this.db
      .query(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`)
      .catch(() => undefined) // subscribers also poll; a lost wake-up only delays them
      .finally(() => {
        this.notifying = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.wakeSubscribers();
        }
      });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.last !== undefined) {
      const tail = await this.db.query<EventRow>(
        `SELECT position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata
           FROM es_events WHERE stream_id = $1 ORDER BY revision DESC LIMIT $2`,
        [streamId, options.last],
      );
      return tail.rows.reverse().map(toRecorded);
    }
    const r = await this.db.query<EventRow>(
      `SELECT position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata
         FROM es_events WHERE stream_id = $1 AND revision >= $2
        ORDER BY revision LIMIT $3`,
      [streamId, (options.fromRevision ?? 0n).toString(), options.maxCount ?? 1_000_000],
    );
    return r.rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? 1000;
    const after = options.after;
    const r = after
      ? await this.db.query<EventRow>(
          `SELECT position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, type, data, metadata
             FROM es_events
            WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY transaction_id, position LIMIT $3`,
          [after.commit < 0n ? '0' : after.commit.toString(), after.prepare.toString(), limit],
        )
      : await this.db.query<EventRow>(
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
    const r = await this.db.query<{ stream_id: string }>(`SELECT stream_id FROM es_unique WHERE scope = $1 AND value = $2`, [scope, value]);
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
    return pollingSubscription(
      { readAll: (o) => this.readAll(o), onAppend: (wake) => this.db.listen(NOTIFY_CHANNEL, wake) },
      options,
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

async function advanceRevision(tx: SqlExecutor, streamId: string, expected: ExpectedRevision, count: number): Promise<bigint> {
  const n = count.toString();
  let r: { rows: { revision: string }[] };
  if (expected === 'any') {
    r = await tx.query(
      `INSERT INTO es_streams (stream_id, revision) VALUES ($1, $2::bigint - 1)
       ON CONFLICT (stream_id) DO UPDATE SET revision = es_streams.revision + $2::bigint
       RETURNING revision::text`,
      [streamId, n],
    );
  } else if (expected === 'no_stream') {
    r = await tx.query(
      `INSERT INTO es_streams (stream_id, revision) VALUES ($1, $2::bigint - 1)
       ON CONFLICT (stream_id) DO NOTHING RETURNING revision::text`,
      [streamId, n],
    );
  } else if (expected === 'stream_exists') {
    r = await tx.query(
      `UPDATE es_streams SET revision = revision + $2::bigint WHERE stream_id = $1 RETURNING revision::text`,
      [streamId, n],
    );
  } else {
    r = await tx.query(
      `UPDATE es_streams SET revision = revision + $2::bigint
        WHERE stream_id = $1 AND revision = $3::bigint RETURNING revision::text`,
      [streamId, n, expected.toString()],
    );
  }
  if (r.rows.length === 1) return BigInt(r.rows[0].revision);
  const actual = await tx.query<{ revision: string }>(`SELECT revision::text FROM es_streams WHERE stream_id = $1`, [streamId]);
  throw new WrongExpectedRevisionError(streamId, expected, actual.rows[0] ? BigInt(actual.rows[0].revision) : 'no_stream');
}

async function applyUnique(tx: SqlExecutor, streamId: string, change: UniqueChange): Promise<void> {
  if (change.change === 'claim') {
    // Re-claiming a value this stream already holds is a no-op; anyone else's is a violation.
    // A concurrent claimer blocks on the index entry until the first transaction ends.
    const r = await tx.query(
      `INSERT INTO es_unique (scope, value, stream_id) VALUES ($1, $2, $3)
       ON CONFLICT (scope, value) DO UPDATE SET stream_id = es_unique.stream_id
        WHERE es_unique.stream_id = EXCLUDED.stream_id
       RETURNING 1`,
      [change.scope, change.value, streamId],
    );
    if (r.rows.length === 0) throw new UniqueConstraintError(change.scope, change.value);
  } else {
    const r = await tx.query(`DELETE FROM es_unique WHERE scope = $1 AND value = $2 AND stream_id = $3 RETURNING 1`, [
      change.scope,
      change.value,
      streamId,
    ]);
    if (r.rows.length === 0) throw new UniqueReleaseError(change.scope, streamId);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.rev),
    position: { commit: BigInt(row.txid), prepare: BigInt(row.pos) },
    type: row.type,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    metadata: typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata,
  };
}
