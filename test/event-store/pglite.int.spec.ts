import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { testEvent } from '../support/events.js';
import { eventStoreContract } from './event-store.contract.js';

// PGlite is single-process: "many connections" share one instance, and a "restart" closes
// the instance and reopens the same data folder from disk.
eventStoreContract('PGlite (embedded, on disk)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-pglite-'));
  let current: { db: PgliteDatabase; users: number } | undefined;
  const open = async (): Promise<EventStore> => {
    if (!current) current = { db: await PgliteDatabase.open(dir), users: 0 };
    const shared = current;
    shared.users++;
    const store = await SqlEventStore.open(shared.db);
    // Closing one handle must not close the folder for the others.
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'close') {
          return async () => {
            if (--shared.users === 0 && current === shared) {
              current = undefined;
              await shared.db.close();
            }
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  // A transaction of PGlite's own that wrote an event and waits: PGlite runs one transaction at a
  // time, so every other statement (the later append, the subscriber's reads) queues behind it.
  const holdOpenAppend = async (streamId: string) => {
    // The suite holds a store open throughout, so the instance is there.
    const db = current?.db;
    if (!db) throw new Error('no open PGlite instance');
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const e = testEvent('Slow');
    const done = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO es_streams (stream_id, revision) VALUES ($1, 0)`, [streamId]);
      await tx.query(`INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, 0, $2, $3, '{}', $4)`, [
        streamId,
        e.metadata.eventId,
        e.type,
        JSON.stringify(e.metadata),
      ]);
      inserted();
      await released;
    });
    await didInsert;
    return {
      commit: async () => {
        release();
        await done;
        await db.query(`SELECT pg_notify('es_appended', '')`);
      },
    };
  };
  return { fixture: { open, holdOpenAppend }, teardown: async () => rm(dir, { recursive: true, force: true }) };
});
