import { PgDatabase } from '../../src/db/pg-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { verifyStoredLog } from '../../src/history/verify/verify-database.js';
import { testEvent } from '../support/events.js';
import { freshDatabase } from '../support/postgres.js';
import { settled } from './support/chained-log.js';

/**
 * Concurrent appends to the same streams on PostgreSQL (no expected revision, so none is
 * refused): each stream's chain stays one line, because es_append reads the previous hash only
 * after taking the stream's row lock, and sees every append committed before it got it.
 */
test('writers racing on the same streams leave every chain intact (PostgreSQL)', async () => {
  const fresh = await freshDatabase('race');
  const stores = await Promise.all(Array.from({ length: 8 }, () => SqlEventStore.open(new PgDatabase({ connectionString: fresh.url, max: 2 }))));
  try {
    await Promise.all(
      stores.map(async (store, w) => {
        for (let i = 0; i < 25; i++) {
          if (i % 3 === 0) {
            await store.appendMany([
              { streamId: 'hot-a', events: [testEvent('Raced', { w, i })], options: { expectedRevision: 'any' } },
              { streamId: 'hot-b', events: [testEvent('Raced', { w, i }), testEvent('Raced', { w, i, second: true })], options: { expectedRevision: 'any' } },
            ]);
          } else {
            await store.append(i % 2 ? 'hot-a' : 'hot-b', [testEvent('Raced', { w, i })], { expectedRevision: 'any' });
          }
        }
      }),
    );
    const db = new PgDatabase({ connectionString: fresh.url, max: 1 });
    await settled(db);
    const report = await verifyStoredLog(stores[0], db, db);
    await db.close();
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, streams: 2, chained: report.events });
    expect(report.events).toBe(8 * 25 + 8 * 9 * 2);
  } finally {
    for (const s of stores) await s.close();
    await fresh.drop();
  }
});
