import { randomBytes } from 'node:crypto';
import { AdminKeys } from '../../src/admin/admin-keys.js';
import { Secrets } from '../../src/crypto/secrets.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { freshDatabase } from '../support/postgres.js';

/**
 * Several API instances started together on a fresh database each create the bootstrap key the
 * environment names (ADMIN_ACCESS_KEY_ID / ADMIN_SECRET_ACCESS_KEY): one creates it, the others
 * find it made at the same moment and start as well, instead of failing with "exists".
 */
describe('the environment bootstrap key, created by instances starting together', () => {
  test('every instance starts; the key exists once and verifies', async () => {
    const info = await freshDatabase('bootstrap');
    const dbs = Array.from({ length: 4 }, () => new PgDatabase({ connectionString: info.url, max: 2 }));
    try {
      const secrets = new Secrets(randomBytes(32));
      const stores = [];
      for (const db of dbs) stores.push(await SqlEventStore.open(db));
      const given = { accessKeyId: 'AKIARACEBOOTSTRAP001', secretAccessKey: 'race-secret-0123456789abcdefghijklmnop' };
      // Many rounds, so the instances really meet in the same append at least once; each round
      // is a fresh start of every instance (their key caches are new).
      for (let round = 0; round < 5; round++) {
        const instances = stores.map((store) => new AdminKeys(store, secrets));
        const key = { ...given, accessKeyId: `${given.accessKeyId}${round}` };
        const results = await Promise.allSettled(instances.map((keys) => keys.ensureBootstrap(key)));
        expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
        for (const keys of instances) expect(await keys.verify(key.accessKeyId, key.secretAccessKey)).toBe(true);
      }
      const created = await dbs[0].query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events WHERE type = 'AdminKeyCreated'`);
      expect(Number(created.rows[0].n)).toBe(5);
    } finally {
      for (const db of dbs) await db.close();
      await info.drop();
    }
  });
});
