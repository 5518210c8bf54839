import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secrets } from '../../src/crypto/secrets.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import { DataKeys } from '../../src/event-store/data-keys.js';
import type { NewEvent } from '../../src/event-store/event-store.port.js';
import { PersonalDataEnvelope } from '../../src/event-store/personal-data-envelope.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { ERASED, erasedUsername } from '../../src/events/personal-data.js';
import { verifyStoredLog } from '../../src/history/verify/verify-database.js';
import { testEvent } from '../support/events.js';
import { eventually } from '../support/wait.js';
import { freshDatabase } from '../support/postgres.js';
import { eventStoreContract } from '../event-store/event-store.contract.js';

const secrets = new Secrets(randomBytes(32));

// The envelope is an EventStore like any other: the whole contract, through it, on PostgreSQL.
eventStoreContract('PostgreSQL through the personal-data envelope', async () => {
  const db = await freshDatabase('envc');
  return {
    fixture: {
      open: async () => {
        const pg = new PgDatabase({ connectionString: db.url, max: 4 });
        return new PersonalDataEnvelope(await SqlEventStore.open(pg), await DataKeys.open(pg, secrets));
      },
      // The same rows the adapter writes, from a raw connection whose transaction stays open.
      holdOpenAppend: async (streamId) => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        await client.query('BEGIN');
        await client.query(`INSERT INTO es_streams (stream_id, revision) VALUES ($1, 0)`, [streamId]);
        const e = testEvent('Slow');
        await client.query(`INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, 0, $2, $3, '{}', $4)`, [
          streamId,
          e.metadata.eventId,
          e.type,
          JSON.stringify(e.metadata),
        ]);
        return {
          commit: async () => {
            await client.query(`COMMIT; SELECT pg_notify('es_appended', '')`);
            await client.end();
          },
        };
      },
    },
    teardown: db.drop,
  };
});

const withMeta = (event: NewEvent, extra: Record<string, unknown>): NewEvent => ({ ...event, metadata: { ...event.metadata, ...extra } });

type Backend = { db: SqlDatabase; close: () => Promise<void> };
const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'PostgreSQL',
    async () => {
      const fresh = await freshDatabase('env');
      const db = new PgDatabase({ connectionString: fresh.url, max: 4 });
      return { db, close: async () => (await db.close(), await fresh.drop()) };
    },
  ],
  [
    'PGlite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cairn-env-'));
      const db = await PgliteDatabase.open(dir);
      return { db, close: async () => (await db.close(), await rm(dir, { recursive: true, force: true })) };
    },
  ],
];

describe.each(backends)('personal-data envelope on %s', (_name, open) => {
  let backend: Backend;
  let store: PersonalDataEnvelope;
  const poolId = 'eu-west-1_Envelope1';

  beforeAll(async () => {
    backend = await open();
    store = new PersonalDataEnvelope(await SqlEventStore.open(backend.db), await DataKeys.open(backend.db, secrets));
  });
  afterAll(async () => {
    await store.keys.stop();
    await backend.close();
  });

  const raw = async (streamId: string) =>
    (
      await backend.db.query<{ data: unknown; metadata: Record<string, unknown>; hash: string }>(
        `SELECT data, metadata, encode(hash, 'hex') AS hash FROM es_events WHERE stream_id = $1 ORDER BY revision`,
        [streamId],
      )
    ).rows;

  async function signUp(sub: string, email: string) {
    const stream = `user-${poolId}-${sub}`;
    await store.append(
      stream,
      [
        withMeta(
          testEvent('UserSignedUp', { poolId, sub, username: `${email.split('@')[0]}`, attributes: { email, name: 'Ada Lovelace' }, passwordHash: 'h' }),
          {
            clientIp: '198.51.100.7',
            userAgent: 'Agent/1.0',
          },
        ),
        testEvent('UserAttributesUpdated', { attributes: { name: 'Ada King' }, at: '2026-01-01T00:00:00.000Z' }),
        testEvent('UserConfirmed', { confirmedAt: '2026-01-01T00:00:00.000Z' }),
      ],
      { expectedRevision: 'no_stream' },
    );
    const family = `refresh-${randomUUID()}`;
    await store.append(
      family,
      [withMeta(testEvent('RefreshTokenIssued', { familyId: family.slice(8), poolId, sub, clientId: 'c' }), { clientIp: '198.51.100.7' })],
      {
        expectedRevision: 'no_stream',
      },
    );
    return { stream, family };
  }

  test('personal fields are stored sealed, read back in clear; events of nobody pass unchanged', async () => {
    const sub = randomUUID();
    const { stream, family } = await signUp(sub, 'ada@envelope.test');
    const stored = JSON.stringify(await raw(stream)) + JSON.stringify(await raw(family));
    for (const plain of ['ada@envelope.test', 'Ada Lovelace', 'Ada King', '198.51.100.7', 'Agent/1.0', '"ada"']) expect(stored).not.toContain(plain);
    const rows = await raw(stream);
    expect(rows[0].metadata.personal).toMatchObject({ v: 1, s: `${poolId}/${sub}`, f: ['username', 'attributes'], m: ['clientIp', 'userAgent'] });
    expect(rows[0].data).toMatchObject({ poolId, sub, passwordHash: 'h' });
    // An event with nothing personal is stored as it came.
    expect(rows[2].metadata.personal).toBeUndefined();

    const [events] = await store.readStreams([{ streamId: stream }]);
    expect(events[0].data).toMatchObject({ username: 'ada', attributes: { email: 'ada@envelope.test', name: 'Ada Lovelace' } });
    expect(events[0].metadata).toMatchObject({ clientIp: '198.51.100.7', userAgent: 'Agent/1.0' });
    expect(events[0].metadata.personal).toBeUndefined();
    expect(events[1].data).toEqual({ attributes: { name: 'Ada King' }, at: '2026-01-01T00:00:00.000Z' });

    const pool = 'userpool-envelope';
    await store.append(pool, [withMeta(testEvent('UserPoolCreated', { poolId, name: 'p' }), { clientIp: '203.0.113.1' })], { expectedRevision: 'no_stream' });
    expect((await raw(pool))[0].metadata.clientIp).toBe('203.0.113.1');
  });

  test("one appendMany of a person's streams (a sign-in's auth log and family) looks the key up once; every sealed value has its own IV", async () => {
    const keys = await DataKeys.open(backend.db, secrets);
    const subjects: string[] = [];
    const forWrite = keys.forWrite.bind(keys);
    keys.forWrite = (subject) => (subjects.push(subject), forWrite(subject));
    const envelope = new PersonalDataEnvelope(await SqlEventStore.open(backend.db), keys);
    const sub = randomUUID();
    const family = `refresh-${randomUUID()}`;
    await envelope.appendMany([
      {
        streamId: `authlog-${poolId}-${sub}`,
        events: [withMeta(testEvent('SignInSucceeded', { poolId, sub, clientId: 'c', flow: 'USER_PASSWORD_AUTH', at: 'now' }), { clientIp: '192.0.2.5' })],
        options: { expectedRevision: 'no_stream' },
      },
      {
        streamId: family,
        events: [withMeta(testEvent('RefreshTokenIssued', { familyId: family.slice(8), poolId, sub, clientId: 'c' }), { clientIp: '192.0.2.5' })],
        options: { expectedRevision: 'no_stream' },
      },
    ]);
    expect(subjects).toEqual([`${poolId}/${sub}`]);
    expect((await envelope.readStream(family))[0].metadata.clientIp).toBe('192.0.2.5');
    // More seals than one pool of IVs holds (341): all distinct, all opened.
    const events = Array.from({ length: 800 }, (_, i) => withMeta(testEvent('UserAttributesUpdated', { attributes: { name: `n${i}` }, at: 'x' }), {}));
    const sealed = await envelope.seal(`user-${poolId}-${sub}`, events);
    const ivs = new Set(sealed.map((e) => (e.metadata.personal as { c: string }).c.split('.')[0]));
    expect(ivs.size).toBe(800);
    await envelope.append(`user-${poolId}-${sub}`, events, { expectedRevision: 'no_stream' });
    expect((await envelope.readStream(`user-${poolId}-${sub}`)).map((e) => (e.data as { attributes: { name: string } }).attributes.name)).toEqual(
      events.map((_, i) => `n${i}`),
    );
    await keys.stop();
  });

  test("an appendMany for many people (an import's batch) makes their keys in one statement; an existing key is kept, an erased one seals nothing", async () => {
    const keys = await DataKeys.open(backend.db, secrets);
    const single: string[] = [];
    const batches: string[][] = [];
    const forWrite = keys.forWrite.bind(keys);
    const forWriteMany = keys.forWriteMany.bind(keys);
    keys.forWrite = (subject) => (single.push(subject), forWrite(subject));
    keys.forWriteMany = (subjects) => (batches.push([...subjects]), forWriteMany(subjects));
    const envelope = new PersonalDataEnvelope(await SqlEventStore.open(backend.db), keys);
    const subs = Array.from({ length: 40 }, () => randomUUID());
    // One of them already has a key (written by another process), one was erased.
    const other = await DataKeys.open(backend.db, secrets);
    const existing = await other.forWrite(`${poolId}/${subs[0]}`);
    await other.erase(`${poolId}/${subs[1]}`);
    await other.stop();
    await envelope.appendMany(
      subs.map((sub, i) => ({
        streamId: `user-${poolId}-${sub}`,
        events: [testEvent('UserImported', { poolId, sub, username: `imported-${i}`, attributes: { email: `i${i}@example.test` } })],
        options: { expectedRevision: 'no_stream' as const },
      })),
    );
    expect(batches).toHaveLength(1);
    expect(batches[0].sort()).toEqual(subs.map((sub) => `${poolId}/${sub}`).sort());
    expect(single).toEqual([]);
    const rows = await backend.db.query<{ subject: string; wrapped: string | null }>(
      `SELECT subject, wrapped FROM es_data_keys WHERE subject = ANY($1::text[])`,
      [subs.map((sub) => `${poolId}/${sub}`)],
    );
    expect(rows.rows).toHaveLength(40);
    expect(rows.rows.filter((r) => r.wrapped === null).map((r) => r.subject)).toEqual([`${poolId}/${subs[1]}`]);
    expect((await keys.forWriteMany([`${poolId}/${subs[0]}`])).get(`${poolId}/${subs[0]}`)?.equals(existing!)).toBe(true);
    // Everyone else reads back in clear through another process; the erased person's data never was stored.
    const reader = new PersonalDataEnvelope(await SqlEventStore.open(backend.db), await DataKeys.open(backend.db, secrets));
    const names = await Promise.all(subs.map(async (sub) => ((await reader.readStream(`user-${poolId}-${sub}`))[0].data as { username: string }).username));
    expect(names.filter((n, i) => n === `imported-${i}`)).toHaveLength(39);
    expect(JSON.stringify(await raw(`user-${poolId}-${subs[1]}`))).not.toContain('i1@example.test');
    await reader.keys.stop();
    await keys.stop();
  });

  test('cached keys hold only their own 32 bytes, not a slab of the shared Buffer pool each (100,000 cached keys held 722 MiB)', async () => {
    const keys = await DataKeys.open(backend.db, secrets);
    const subjects = Array.from({ length: 5 }, () => `${poolId}/${randomUUID()}`);
    const written = await Promise.all(subjects.map((s) => keys.forWrite(s)));
    const reader = await DataKeys.open(backend.db, secrets);
    const read = await reader.forRead(subjects);
    for (const key of [...written, ...read.values()]) {
      expect(key?.length).toBe(32);
      expect(key?.buffer.byteLength).toBe(32);
    }
    await keys.stop();
    await reader.stop();
  });

  test("a family's later events (a rotation's address) are sealed under the user who started it, even by another process", async () => {
    const sub = randomUUID();
    const { family } = await signUp(sub, 'rot@envelope.test');
    // Another process: nothing learnt about the family yet.
    const other = new PersonalDataEnvelope(await SqlEventStore.open(backend.db), await DataKeys.open(backend.db, secrets));
    await other.append(family, [withMeta(testEvent('RefreshTokenRotated', { refreshTokenHash: 'x', at: 'now' }), { clientIp: '192.0.2.99' })], {
      expectedRevision: 0n,
    });
    await other.keys.stop();
    const rows = await raw(family);
    expect(rows[1].metadata.personal).toMatchObject({ s: `${poolId}/${sub}`, m: ['clientIp'] });
    expect(JSON.stringify(rows)).not.toContain('192.0.2.99');
    expect((await store.readStream(family))[1].metadata.clientIp).toBe('192.0.2.99');
  });

  test('erasing the key: placeholders everywhere the events are read, the stored log and its chain unchanged', async () => {
    const sub = randomUUID();
    const keep = randomUUID();
    const { stream, family } = await signUp(sub, 'gone@envelope.test');
    const kept = await signUp(keep, 'stays@envelope.test');
    const before = await raw(stream);

    // A second process that has the key cached hears of the erasure.
    const other = new PersonalDataEnvelope(await SqlEventStore.open(backend.db), await DataKeys.open(backend.db, secrets));
    expect((await other.readStream(stream))[0].data).toMatchObject({ username: 'gone' });
    expect(await store.keys.erase(`${poolId}/${sub}`)).toEqual({ hadKey: true });

    expect(await raw(stream)).toEqual(before);
    const events = await store.readStream(stream);
    expect(events[0].data).toMatchObject({ poolId, sub, username: erasedUsername(sub), attributes: {}, passwordHash: 'h' });
    expect(events[0].metadata).toMatchObject({ clientIp: ERASED, userAgent: ERASED });
    expect(events[1].data).toEqual({ attributes: {}, at: '2026-01-01T00:00:00.000Z' });
    expect(events[2].data).toEqual({ confirmedAt: '2026-01-01T00:00:00.000Z' });
    expect((await store.readStream(family))[0].metadata.clientIp).toBe(ERASED);
    // The whole log read in order (what projections and the Kafka forwarder get), and the other process.
    // readAll shows events once no older transaction runs anywhere on the server (a neighbour's may): wait for them.
    const all = await eventually(async () => {
      const text = JSON.stringify(await store.readAll({ maxCount: 10_000 }), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      return text.includes('stays@envelope.test') && text;
    }, 60_000);
    expect(all).not.toContain('gone@envelope.test');
    expect(all).toContain('stays@envelope.test');
    for (let i = 0; ; i++) {
      const seen = JSON.stringify((await other.readStream(stream)).map((e) => e.data));
      if (!seen.includes('gone@envelope.test')) break;
      if (i > 100) throw new Error('the other process still decrypts after the erasure notice');
      await new Promise((r) => setTimeout(r, 20));
    }
    await other.keys.stop();
    expect((await store.readStream(kept.stream))[0].data).toMatchObject({ username: 'stays' });

    // New events of an erased user are stored without their personal values at all.
    await store.append(stream, [withMeta(testEvent('UserAttributesUpdated', { attributes: { name: 'Late' }, at: 'x' }), { clientIp: '192.0.2.1' })], {
      expectedRevision: 2n,
    });
    const late = (await raw(stream))[3];
    expect(JSON.stringify(late)).not.toMatch(/Late|192\.0\.2\.1/);
    expect(late.metadata.personal).toEqual({ v: 1, s: `${poolId}/${sub}`, f: ['attributes'], m: ['clientIp'] });

    const report = await verifyStoredLog(store, backend.db, backend.db);
    expect(report.ok).toBe(true);
  });
});
