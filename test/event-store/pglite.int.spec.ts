import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
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
  return { fixture: { open }, teardown: async () => rm(dir, { recursive: true, force: true }) };
});
