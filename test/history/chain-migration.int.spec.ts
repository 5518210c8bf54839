import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import type { NewEvent } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { applyCheckpoints, setupCheckpoints } from '../../src/history/log-checkpoints.js';
import { verifyStoredLog } from '../../src/history/verify/verify-database.js';
import { testEvent } from '../support/events.js';
import { freshDatabase } from '../support/postgres.js';
import { settled } from './support/chained-log.js';

/** The verifier, once every row written is final for readers. */
const verifyAll = async (...args: Parameters<typeof verifyStoredLog>) => (await settled(args[1] as SqlDatabase), verifyStoredLog(...args));

type Opened = { db: SqlDatabase; drop: () => Promise<void> };
const databases: Record<string, () => Promise<Opened>> = {
  PostgreSQL: async () => {
    const fresh = await freshDatabase('chain');
    const db = new PgDatabase({ connectionString: fresh.url, max: 2 });
    return { db, drop: async () => (await db.close(), await fresh.drop()) };
  },
  PGlite: async () => {
    const db = await PgliteDatabase.open();
    return { db, drop: () => db.close() };
  },
};

/** A row as a writer older than the chain left it: the same columns, no hash. */
async function legacyAppend(db: SqlDatabase, stream: string, events: readonly NewEvent[]): Promise<void> {
  await db.query(`INSERT INTO es_streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision`, [
    stream,
    events.length - 1,
  ]);
  for (const [i, e] of events.entries()) {
    await db.query(`INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`, [
      stream,
      i,
      e.metadata.eventId,
      e.type,
      JSON.stringify(e.data),
      JSON.stringify(e.metadata),
    ]);
  }
}

const hashes = async (db: SqlDatabase) =>
  (
    await db.query<{ stream_id: string; revision: string; prev: string | null; hash: string | null }>(
      `SELECT stream_id, revision::text, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash FROM es_events ORDER BY stream_id, revision`,
    )
  ).rows;

describe.each(Object.keys(databases))('the hash chain on %s', (name) => {
  let opened: Opened;
  beforeEach(async () => {
    opened = await databases[name]();
  });
  afterEach(async () => {
    await opened.drop();
  });

  test('a database from before the chain: its columns are added, old rows are the pre-chain prefix, new appends chain from genesis', async () => {
    const { db } = opened;
    await SqlEventStore.open(db);
    // As a deployment older than the chain has it: no hash columns, rows written without them.
    await db.query(`ALTER TABLE es_events DROP COLUMN hash, DROP COLUMN prev_hash`);
    await legacyAppend(db, 'old-a', [testEvent('Old', { n: 0 }), testEvent('Old', { n: 1 }), testEvent('Old', { n: 2 })]);
    await legacyAppend(db, 'old-b', [testEvent('Old', { n: 0 }), testEvent('Old', { n: 1 })]);
    // The upgraded service opens the store: the columns come back (NULL for every existing row).
    const upgraded = await SqlEventStore.open(db);
    await upgraded.append('old-a', [testEvent('New', { n: 3 }), testEvent('New', { n: 4 })], { expectedRevision: 2n });
    await upgraded.append('new-c', [testEvent('New', { n: 0 })], { expectedRevision: 'no_stream' });
    const rows = await hashes(db);
    expect(rows.filter((r) => r.hash === null).map((r) => `${r.stream_id}@${r.revision}`)).toEqual(['old-a@0', 'old-a@1', 'old-a@2', 'old-b@0', 'old-b@1']);
    expect(rows.find((r) => r.stream_id === 'old-a' && r.revision === '3')!.prev).toBe('0'.repeat(64));
    expect(rows.find((r) => r.stream_id === 'old-a' && r.revision === '4')!.prev).toBe(rows.find((r) => r.stream_id === 'old-a' && r.revision === '3')!.hash);
    const report = await verifyAll(upgraded, db, db);
    expect(report).toMatchObject({ ok: true, events: 8, chained: 3, preChain: 5 });
  });

  test('a stream row without its chain column (or with it lost) goes on from its last hashed event, once', async () => {
    const { db } = opened;
    const store = await SqlEventStore.open(db);
    await store.append('kept', [testEvent(), testEvent()], { expectedRevision: 'no_stream' });
    await db.query(`UPDATE es_streams SET chain = NULL WHERE stream_id = 'kept'`);
    await store.append('kept', [testEvent()], { expectedRevision: 1n });
    await store.append('kept', [testEvent()], { expectedRevision: 2n });
    const rows = await hashes(db);
    expect(rows.map((r) => r.prev)).toEqual(['0'.repeat(64), rows[0].hash, rows[1].hash, rows[2].hash]);
    expect((await verifyAll(store, db, db)).ok).toBe(true);
  });

  test('the first checkpoint seals the pre-chain prefix: a later edit of an old row is caught and named', async () => {
    const { db } = opened;
    await SqlEventStore.open(db);
    await db.query(`ALTER TABLE es_events DROP COLUMN hash, DROP COLUMN prev_hash`);
    await legacyAppend(db, 'old-a', [testEvent('Old', { n: 0 }), testEvent('Old', { n: 1 })]);
    const upgraded = await SqlEventStore.open(db);
    await upgraded.append('old-a', [testEvent('New', { n: 2 })], { expectedRevision: 1n });
    await setupCheckpoints(db);
    await settled(db);
    const all = await upgraded.readAll();
    await db.transaction((tx) => applyCheckpoints(tx, all, 2));
    await db.query(`UPDATE es_events SET data = '{"n": 99}' WHERE stream_id = 'old-a' AND revision = 1`);
    const report = await verifyAll(upgraded, db, db);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'altered', by: 'checkpoint', streamId: 'old-a', revision: '1' });
  });

  test('a hash removed from a chained row makes it an event the chain does not know: "inserted"', async () => {
    const { db } = opened;
    const store = await SqlEventStore.open(db);
    await store.append('s', [testEvent(), testEvent(), testEvent()], { expectedRevision: 'no_stream' });
    await db.query(`UPDATE es_events SET hash = NULL, prev_hash = NULL WHERE stream_id = 's' AND revision = 2`);
    const report = await verifyAll(store, db, db);
    expect(report.findings[0]).toMatchObject({ kind: 'inserted', streamId: 's', revision: '2' });
  });

  test('an append of several events and a multi-stream append chain each stream; an event without a digest is stored unchained', async () => {
    const { db } = opened;
    const store = await SqlEventStore.open(db);
    await store.appendMany([
      { streamId: 'x', events: [testEvent(), testEvent()], options: { expectedRevision: 'no_stream' } },
      { streamId: 'y', events: [testEvent()], options: { expectedRevision: 'no_stream' } },
    ]);
    await store.append('x', [testEvent()], { expectedRevision: 'any' });
    // A writer that sends no digest (older than the chain, mid-upgrade) gets its row written, without a hash.
    const e = testEvent('FromAnOldWriter');
    await db.query(`SELECT * FROM es_append('y', 'any', $1::jsonb, NULL)`, [
      JSON.stringify([{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]),
    ]);
    const rows = await hashes(db);
    expect(rows.map((r) => [`${r.stream_id}@${r.revision}`, r.hash !== null])).toEqual([
      ['x@0', true],
      ['x@1', true],
      ['x@2', true],
      ['y@0', true],
      ['y@1', false],
    ]);
    const report = await verifyAll(store, db, db);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'inserted', streamId: 'y', revision: '1', type: 'FromAnOldWriter' })]);
  });
});

test('the per-stream chain does not depend on positions: the same events give the same hashes on PostgreSQL and PGlite', async () => {
  const events = [testEvent('A', { n: 1 }), testEvent('B', { secret: { passwordHash: 'x' } }), testEvent('C', { list: [1, 'two', null] })];
  const results = [];
  for (const open of Object.values(databases)) {
    const { db, drop } = await open();
    try {
      const store = await SqlEventStore.open(db);
      // Something else first, so the positions differ between the two databases.
      if (db.dialect === 'pglite') await store.append('other', [testEvent()], { expectedRevision: 'no_stream' });
      await store.append('same', events.slice(0, 2), { expectedRevision: 'no_stream' });
      await store.append('same', events.slice(2), { expectedRevision: 1n });
      results.push((await hashes(db)).filter((r) => r.stream_id === 'same'));
    } finally {
      await drop();
    }
  }
  expect(results[0]).toHaveLength(3);
  expect(results[1]).toEqual(results[0]);
});
