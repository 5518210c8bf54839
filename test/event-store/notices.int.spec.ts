import pg from 'pg';
import { loadConfig } from '../../src/config/config.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import type { AppendNotice, EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { openStorage } from '../../src/platform/platform.js';
import { freshDatabase } from '../support/postgres.js';
import { testEvent } from '../support/events.js';
import { eventually } from '../support/wait.js';

const settle = () => new Promise((r) => setTimeout(r, 400));

/**
 * Append notices on PostgreSQL: what they say, who gets them, which appends send none, and that
 * a subscription told which types it acts on still receives every event.
 */
describe('append notices (PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await freshDatabase('notice');
  });
  afterAll(async () => db.drop());

  const listenConnections = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const r = await c.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cairn-listen'`,
    );
    await c.end();
    return Number(r.rows[0].n);
  };

  it('every listener of a process shares one LISTEN connection; the last one to leave closes it', async () => {
    const database = new PgDatabase({ connectionString: db.url, max: 2 });
    const a: string[] = [];
    const b: string[] = [];
    const stopA = await database.listen('test_channel', (p) => a.push(p));
    const stopB = await database.listen('test_channel', (p) => b.push(p));
    expect(await listenConnections()).toBe(1);
    await database.query(`SELECT pg_notify('test_channel', 'hello')`);
    await eventually(() => a.includes('hello') && b.includes('hello'));
    await stopA();
    await database.query(`SELECT pg_notify('test_channel', 'again')`);
    await eventually(() => b.includes('again'));
    await settle();
    expect(a).not.toContain('again');
    expect(await listenConnections()).toBe(1);
    await stopB();
    await eventually(async () => (await listenConnections()) === 0);
    await database.close();
  });

  it("the platform's store notifies for what a projection reads or a cache keeps, not for a sign-in's auth log and refresh token", async () => {
    const { db: database, store } = await openStorage(loadConfig({ DATABASE_URL: db.url, DATA_DIR: '/tmp/cairn-notice-test' }));
    const seen: (AppendNotice | undefined)[] = [];
    const stop = await (store as SqlEventStore).watchAppends((n) => seen.push(n));
    await settle();
    seen.length = 0;
    await store.appendMany([
      { streamId: 'refresh-f1', events: [testEvent('RefreshTokenIssued')], options: { expectedRevision: 'no_stream' } },
      { streamId: 'authlog-p1-u1', events: [testEvent('SignInSucceeded')], options: { expectedRevision: 'any' } },
    ]);
    await store.append('authlog-p1-u1', [testEvent('SignInFailed')], { expectedRevision: 'any' });
    await settle();
    expect(seen).toEqual([]);
    await store.append('user-p1-u1', [testEvent('UserSignedUp')], { expectedRevision: 'no_stream' });
    await store.append('client-c1', [testEvent('SomethingNoProjectionReads')], { expectedRevision: 'no_stream' });
    await eventually(() => seen.some((n) => n?.types.includes('UserSignedUp')) && seen.some((n) => n?.categories.includes('client')));
    await stop();
    await database.close();
  });

  it('with a Kafka forwarder configured in the process, every append notifies', async () => {
    const { db: database, store } = await openStorage(loadConfig({ DATABASE_URL: db.url, DATA_DIR: '/tmp/cairn-notice-test', KAFKA_BROKERS: '127.0.0.1:1' }));
    const seen: (AppendNotice | undefined)[] = [];
    const stop = await (store as SqlEventStore).watchAppends((n) => seen.push(n));
    await store.append('authlog-p1-u2', [testEvent('SignInSucceeded')], { expectedRevision: 'any' });
    await eventually(() => seen.some((n) => n?.categories.includes('authlog')));
    await stop();
    await database.close();
  });

  it('a subscription that names the types it acts on still gets every event, in order, the ignored ones by its poll', async () => {
    const database = new PgDatabase({ connectionString: db.url, max: 4 });
    const store: EventStore = await SqlEventStore.open(database);
    const after = await store.headPosition();
    const got: RecordedEvent[] = [];
    const sub = store.subscribeToAll({ after, eventTypes: new Set(['Wanted']), handler: async (events) => void got.push(...events) });
    await sub.caughtUp;
    const types = ['Ignored', 'Ignored', 'Wanted', 'Ignored'];
    for (const [i, type] of types.entries()) await store.append(`hint-${i}`, [testEvent(type)], { expectedRevision: 'no_stream' });
    await eventually(() => got.length === types.length);
    expect(got.map((e) => e.type)).toEqual(types);
    // Ignored types alone: no wake-up, but the idle poll delivers them within its 200 ms.
    const t0 = Date.now();
    await store.append('hint-late', [testEvent('Ignored')], { expectedRevision: 'no_stream' });
    await eventually(() => got.length === types.length + 1);
    expect(Date.now() - t0).toBeLessThan(2000);
    await sub.stop();
    await database.close();
  });
});
