import pg from 'pg';
import { DatabaseUnavailableError } from '../../src/db/database-errors.js';
import { DatabaseHealth } from '../../src/db/database-health.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { comparePositions } from '../../src/event-store/positions.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { readCheckpoint } from '../../projections/checkpoints.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { probeProjection } from '../fixtures/probe-projection.js';
import { testEvent } from '../support/events.js';
import { startNode } from '../support/processes.js';
import { eventually } from '../support/wait.js';
import { type OwnPostgres, ownPostgres } from './support/own-postgres.js';
import { type TcpProxy, tcpProxy } from './support/tcp-proxy.js';

// `testTimeout` in a jest project config is not applied, so each test and hook says its own.
const TEST_MS = 60_000;

/** A logger that keeps its lines, for asserting what was (not) said. */
function lines() {
  const kept: string[] = [];
  const keep = (level: string) => (a: unknown, b?: unknown) => void kept.push(`${level} ${typeof a === 'string' ? a : String(b)}`);
  return { kept, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

describe('projections ride through a database outage (issue 19, defects 1-3; issue 20 stop)', () => {
  let server: OwnPostgres;
  let url: string;
  let dbName: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    server = await ownPostgres();
  }, TEST_MS);
  afterAll(async () => {
    await server?.destroy();
  }, TEST_MS);

  beforeEach(async () => {
    url = await server.createDatabase('runner');
    dbName = new URL(url).pathname.slice(1);
  });
  afterEach(async () => {
    // A test that failed half-way must not leave the server down for the next one.
    await server.start();
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  }, TEST_MS);

  async function node(connectionString = url, log = lines()) {
    const health = new DatabaseHealth(log);
    const db = new PgDatabase({ connectionString, max: 4, health });
    const store = await SqlEventStore.open(db);
    const runner = new ProjectionRunner(store, db, [probeProjection], log);
    closers.push(async () => {
      await runner.stop();
      await db.close();
    });
    return { db, store, runner, health, log };
  }

  const append = async (store: SqlEventStore, stream = 'p-1') => (await store.append(stream, [testEvent('Probed')], { expectedRevision: 'any' })).position;

  test(
    'a server restart: typed errors meanwhile, each transition logged once, the first query after it succeeds, and the runner leads and applies again',
    async () => {
      const n = await node();
      await n.runner.start();
      await n.runner.ready();
      await n.store.append('p-1', [testEvent('Probed')], { expectedRevision: 'any' });

      await server.stop();
      const failures = await Promise.allSettled(Array.from({ length: 20 }, () => n.db.query('SELECT 1')));
      for (const f of failures) expect(f).toMatchObject({ status: 'rejected', reason: expect.any(DatabaseUnavailableError) });
      expect((failures[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ServiceUnavailable', retriable: true, status: 503 });
      await server.start();

      expect((await n.db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const position = await append(n.store);
      expect(await n.runner.waitFor('probe', position, 5000)).toBe(true);
      // "Back" is said once it has held for a second (a relapse would be the same outage).
      await eventually(() => n.log.kept.some((l) => l.includes('database back')), 5000, 'the recovery logged');
      expect(n.log.kept.filter((l) => l.includes('database unavailable'))).toHaveLength(1);
      expect(n.log.kept.filter((l) => l.includes('database back'))).toHaveLength(1);
      expect(n.health.failures).toBeGreaterThanOrEqual(20);
      expect(n.log.kept.filter((l) => l.startsWith('error'))).toEqual([]);
      await eventually(() => n.runner.isLeader, 10_000, 'leader again');
    },
    TEST_MS,
  );

  test(
    'a read-your-writes wait does not run out while the database is unreachable',
    async () => {
      // The leader reaches the server directly; the waiting instance (an API process whose
      // projections run elsewhere) goes through a proxy we cut.
      const leader = await node();
      await leader.runner.start();
      await leader.runner.ready();
      const proxy: TcpProxy = await tcpProxy(server.port);
      closers.push(() => proxy.close());
      const viaProxy = new URL(url);
      viaProxy.port = String(proxy.port);
      const waiter = await node(viaProxy.toString());

      // An open transaction with an id holds every reader's horizon: the event commits but the
      // leader cannot apply it until the holder ends.
      const holder = new pg.Client({ connectionString: url });
      holder.on('error', () => undefined);
      closers.push(() => holder.end());
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      const position = await append(leader.store);
      const timeoutMs = 100;
      const waited = waiter.runner.waitFor('probe', position, timeoutMs);

      proxy.cut();
      // Keep it cut off well past the 100 ms timeout: until ten of our own queries through it failed.
      await eventually(
        async () => {
          await waiter.db.query('SELECT 1').catch(() => undefined);
          return waiter.health.failures >= 10;
        },
        10_000,
        'the waiter failing to reach the database',
      );
      expect(waiter.health.available).toBe(false);
      await holder.query('COMMIT');
      await eventually(
        async () => {
          const cp = await readCheckpoint(leader.db, 'probe');
          return cp?.position !== undefined && comparePositions(cp.position, position) >= 0;
        },
        10_000,
        'the leader applied the event',
      );
      proxy.restore();

      expect(await waited).toBe(true);
    },
    TEST_MS,
  );

  test(
    'a projection that failed while its runner kept the lock is restarted until it runs again',
    async () => {
      const n = await node();
      await n.runner.start();
      await n.runner.ready();
      // New connections are refused (too many connections: 53300) while the lock's stays up;
      // ending the pool's sessions makes the subscription fail, and its restarts fail too.
      await server.admin(`ALTER DATABASE ${dbName} CONNECTION LIMIT 0`);
      expect(await server.terminateSessions(dbName, 'cairn')).toBeGreaterThanOrEqual(1);
      await eventually(() => n.health.failures >= 4, 15_000, 'failed restarts');
      expect(n.runner.isLeader).toBe(true);
      await server.admin(`ALTER DATABASE ${dbName} CONNECTION LIMIT -1`);

      const position = await append(n.store);
      expect(await n.runner.waitFor('probe', position, 5000)).toBe(true);
      expect(n.log.kept.filter((l) => l.startsWith('error'))).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'sessions ended again and again: one subscription per projection throughout, every wait answered',
    async () => {
      const n = await node();
      await n.runner.start();
      await n.runner.ready();
      // Kill everything at varied moments, so the lock's loss and a projection's own failure and
      // restart land in every order relative to each other.
      for (const delay of [0, 150, 400, 700, 950, 1050, 1300, 1600]) {
        let position = await append(n.store, `p-${delay}`);
        const deadline = Date.now() + delay;
        while (Date.now() < deadline) position = await append(n.store, `p-${delay}`).catch(() => position);
        await server.terminateSessions(dbName);
        const last = await eventually(() => append(n.store, `p-${delay}`).catch(() => undefined), 10_000, 'an append after the kill');
        expect(await n.runner.waitFor('probe', last, 5000)).toBe(true);
      }
      // With a single runner, a checkpoint moved "by another process" can only be a second
      // subscription of the same projection racing the first.
      expect(n.log.kept.filter((l) => /moved by another process/.test(l))).toEqual([]);
      const counts = await n.db.query<{ n: number }>(`SELECT DISTINCT applied_count AS n FROM probe_applied`);
      expect(counts.rows).toEqual([{ n: 1 }]);
    },
    TEST_MS,
  );

  test(
    'a graceful stop hands the lock over without a warning, and a standby takes over',
    async () => {
      const a = await node();
      const b = await node();
      await a.runner.start();
      await a.runner.ready();
      await b.runner.start();
      expect(b.runner.isLeader).toBe(false);
      await a.runner.stop();
      await eventually(() => b.runner.isLeader, 5000, 'the standby leads');
      const position = await append(b.store);
      expect(await b.runner.waitFor('probe', position, 5000)).toBe(true);
      expect(a.log.kept.filter((l) => /^(warn|error)/.test(l) || /connection lost/.test(l))).toEqual([]);
      expect(a.log.kept).toContain('info projections: stopped; leader lock released for a standby to take over');
    },
    TEST_MS,
  );
  test(
    'SIGTERM of a projections process: it exits 0 without a warning, and the standby takes over at once',
    async () => {
      const env = { DATABASE_URL: url, LOG_LEVEL: 'info', KAFKA_BROKERS: '' };
      const a = startNode('dist/projections/main.js', env);
      closers.push(() => a.kill('SIGKILL'));
      await a.waitFor('this runner is the leader');
      const b = startNode('dist/projections/main.js', env);
      closers.push(() => b.kill('SIGKILL'));
      await b.waitFor('projection runner started');
      await a.kill('SIGTERM');
      expect(a.child.exitCode).toBe(0);
      expect(a.output()).toContain('leader lock released');
      expect(a.output()).not.toMatch(/stepping down|connection lost|"level":(40|50)/);
      await b.waitFor('this runner is the leader', 5000);
    },
    TEST_MS,
  );
});
