import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secrets } from '../../src/crypto/secrets.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase, SqlExecutor } from '../../src/db/sql.js';
import { DataKeys } from '../../src/event-store/data-keys.js';
import { PersonalDataEnvelope } from '../../src/event-store/personal-data-envelope.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { ERASED } from '../../src/events/personal-data.js';
import { migratePersonalData, MigrationRefusedError, readRewrites } from '../../src/history/migration/personal-data-migration.js';
import { verifyStoredLog } from '../../src/history/verify/verify-database.js';
import { testEvent } from '../support/events.js';
import { freshDatabase } from '../support/postgres.js';

const secrets = new Secrets(randomBytes(32));
const POOL = 'eu-west-1_Migrate01';

type Backend = { db: SqlDatabase; close: () => Promise<void> };
const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'PostgreSQL',
    async () => {
      const fresh = await freshDatabase('migr');
      const db = new PgDatabase({ connectionString: fresh.url, max: 4 });
      return { db, close: async () => (await db.close(), await fresh.drop()) };
    },
  ],
  [
    'PGlite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cairn-migr-'));
      const db = await PgliteDatabase.open(dir);
      return { db, close: async () => (await db.close(), await rm(dir, { recursive: true, force: true })) };
    },
  ],
];

/** The database with one statement made to fail inside transactions (a crash half-way through the rewrite). */
function failing(db: SqlDatabase, match: RegExp): SqlDatabase {
  const wrap = (tx: SqlExecutor): SqlExecutor => ({
    query: (text, params) => (match.test(text) ? Promise.reject(new Error('disk full')) : tx.query(text, params)),
  });
  return Object.assign(Object.create(db) as SqlDatabase, { transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => db.transaction((tx) => fn(wrap(tx))) });
}

const rawLog = async (db: SqlExecutor) =>
  (
    await db.query<{ t: string }>(
      `SELECT coalesce(string_agg(data::text || metadata::text || coalesce(encode(hash, 'hex'), ''), ' ' ORDER BY position), '') AS t FROM es_events`,
    )
  ).rows[0].t;

describe.each(backends)('personal-data migration on %s', (_name, open) => {
  let backend: Backend;
  let sub: string;
  let erasedSub: string;

  beforeEach(async () => {
    backend = await open();
    sub = randomUUID();
    erasedSub = randomUUID();
    // As a deployment before the envelope wrote them: no envelope around the store.
    const plain = await SqlEventStore.open(backend.db);
    for (const [s, name] of [
      [sub, 'Grace Hopper'],
      [erasedSub, 'Ada Gone'],
    ]) {
      await plain.append(
        `user-${POOL}-${s}`,
        [
          { ...testEvent('UserAttributesUpdated', { attributes: { name }, at: new Date().toISOString() }) },
          testEvent('ThingHappened', { n: 1 }),
          { ...testEvent('UserAttributesUpdated', { attributes: { nickname: `${name} nick` }, at: new Date().toISOString() }) },
        ].map((e) => ({ ...e, metadata: { ...e.metadata, clientIp: '203.0.113.9', userAgent: `agent of ${name}` } })),
        { expectedRevision: 'no_stream' },
      );
    }
    await plain.append('pool-x', [testEvent('ThingHappened', { n: 2 })], { expectedRevision: 'no_stream' });
  });

  afterEach(async () => backend.close());

  test('a failure half-way leaves the log, the data keys and the records as they were', async () => {
    const before = await rawLog(backend.db);
    await expect(migratePersonalData(failing(backend.db, /UPDATE es_streams s SET chain/), secrets)).rejects.toThrow('disk full');
    expect(await rawLog(backend.db)).toBe(before);
    // Not even the key table the rewrite created is left.
    expect((await backend.db.query<{ t: string | null }>(`SELECT to_regclass('es_data_keys')::text AS t`)).rows[0].t).toBeNull();
    expect(await readRewrites(backend.db)).toEqual([]);
    // And then it runs to the end.
    const done = await migratePersonalData(backend.db, secrets);
    expect(done).toMatchObject({ migrated: true, record: { sealed: 6, subjects: 2, streams: 2 } });
  });

  test('an erased subject loses the values in clear; the other reads back unchanged; a log that does not verify is refused', async () => {
    const keys = await DataKeys.open(backend.db, secrets);
    await keys.erase(`${POOL}/${erasedSub}`);
    const done = await migratePersonalData(backend.db, secrets);
    expect(done).toMatchObject({ migrated: true, record: { sealed: 6, sealedErased: 3 } });
    const log = await rawLog(backend.db);
    for (const v of ['Grace Hopper', 'Ada Gone', '203.0.113.9', 'agent of']) expect(log).not.toContain(v);
    const envelope = new PersonalDataEnvelope(await SqlEventStore.open(backend.db), keys);
    const grace = await envelope.readStream(`user-${POOL}-${sub}`);
    expect(grace.map((e) => e.data)).toMatchObject([{ attributes: { name: 'Grace Hopper' } }, { n: 1 }, { attributes: { nickname: 'Grace Hopper nick' } }]);
    expect(grace[0].metadata).toMatchObject({ clientIp: '203.0.113.9', userAgent: 'agent of Grace Hopper' });
    const ada = await envelope.readStream(`user-${POOL}-${erasedSub}`);
    expect(ada[0].metadata.userAgent).toBe(ERASED);
    expect((await verifyStoredLog(envelope, backend.db, backend.db)).ok).toBe(true);
    await keys.stop();

    // Tampered since: refused, nothing changed.
    const plain = await SqlEventStore.open(backend.db);
    await plain.append(`user-${POOL}-${sub}`, [{ ...testEvent('ThingHappened', { n: 3 }), metadata: { ...testEvent().metadata, clientIp: '198.51.100.7' } }], {
      expectedRevision: 'any',
    });
    await backend.db.query(`UPDATE es_events SET data = '{"n": 99}' WHERE stream_id = 'pool-x'`);
    const tampered = await rawLog(backend.db);
    await expect(migratePersonalData(backend.db, secrets)).rejects.toBeInstanceOf(MigrationRefusedError);
    expect(await rawLog(backend.db)).toBe(tampered);
  });
});
