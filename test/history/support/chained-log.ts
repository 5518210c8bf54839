import { PgDatabase } from '../../../src/db/pg-database.js';
import type { SqlDatabase } from '../../../src/db/sql.js';
import type { EventStore } from '../../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../../src/event-store/sql-event-store.js';
import { applyCheckpoints, setupCheckpoints } from '../../../src/history/log-checkpoints.js';
import { testEvent } from '../../support/events.js';
import { freshDatabase } from '../../support/postgres.js';
import { eventually } from '../../support/wait.js';

export interface ChainedLog {
  /** The database's URL (for the CLI). */
  url: string;
  db: SqlDatabase;
  store: EventStore;
  /** Stream ids written, each with `perStream` events (revisions 0..perStream-1). */
  streams: string[];
  close(): Promise<void>;
}

/**
 * A small log on a fresh PostgreSQL database, written through the store (so every event is
 * chained): `count` streams of `perStream` events, single appends and multi-stream appends
 * interleaved so the global order mixes the streams; the data carries a secret field.
 */
export async function chainedLog(count = 3, perStream = 4): Promise<ChainedLog> {
  const fresh = await freshDatabase('hist');
  const db = new PgDatabase({ connectionString: fresh.url, max: 4 });
  const store = await SqlEventStore.open(db);
  const streams = Array.from({ length: count }, (_, i) => `thing-${i}`);
  for (let r = 0; r < perStream; r++) {
    if (r % 2 === 0) {
      for (const s of streams) await store.append(s, [event(s, r)], { expectedRevision: r === 0 ? 'no_stream' : BigInt(r - 1) });
    } else {
      await store.appendMany(streams.map((s) => ({ streamId: s, events: [event(s, r)], options: { expectedRevision: BigInt(r - 1) } })));
    }
  }
  return {
    url: fresh.url,
    db,
    store,
    streams,
    close: async () => {
      await store.close();
      await fresh.drop();
    },
  };
}

const event = (stream: string, r: number) =>
  testEvent('ThingHappened', { stream, n: r, label: `event ${r} of ${stream}`, passwordHash: `$argon2id$secret-${stream}-${r}` });

/** Runs the checkpoint projection's apply over the whole log, as the runner would. */
export async function checkpointAll(log: ChainedLog, segmentEvents: number): Promise<void> {
  await settled(log.db);
  await setupCheckpoints(log.db);
  const events = await log.store.readAll({ maxCount: 100_000 });
  await log.db.transaction((tx) => applyCheckpoints(tx, events, segmentEvents));
}

/** The row of `stream`@`revision` (position and id), for naming it in expectations. */
export async function rowOf(db: SqlDatabase, stream: string, revision: number): Promise<{ id: string; position: string }> {
  const r = await db.query<{ id: string; position: string }>(
    `SELECT event_id::text AS id, transaction_id::text || '/' || position::text AS position FROM es_events WHERE stream_id = $1 AND revision = $2`,
    [stream, revision],
  );
  return r.rows[0];
}

/**
 * Waits until every event written so far is below the visibility horizon, which the verifier
 * (like every reader) stops at. The horizon is server-wide: a neighbour's long transaction on
 * the shared test server holds it back for a while.
 */
export async function settled(db: SqlDatabase): Promise<void> {
  await eventually(
    async () => {
      const r = await db.query<{ newest: string | null; horizon: string }>(
        `SELECT (SELECT max(transaction_id::text::bigint) FROM es_events)::text AS newest, pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`,
      );
      const { newest, horizon } = r.rows[0];
      return newest === null || BigInt(horizon) > BigInt(newest);
    },
    60_000,
    'the visibility horizon to pass the newest event',
  );
}
