import { existsSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import { DatabaseUnavailableError } from '../../src/db/database-errors.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { freshDatabase } from '../support/postgres.js';
import { REPO, startNode } from '../support/processes.js';
import { eventually } from '../support/wait.js';

// Sessions are ended only in databases these tests create (by database and application name),
// never anyone else's on the shared server.
const TEST_MS = 30_000;

describe('a PostgreSQL session ended under the adapter (issue 19, defect 1)', () => {
  let url: string;
  let drop: () => Promise<void>;
  let dbName: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    ({ url, drop } = await freshDatabase('faults'));
    dbName = new URL(url).pathname.slice(1);
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await drop();
  });

  function open(max = 4): PgDatabase {
    const db = new PgDatabase({ connectionString: url, max });
    closers.push(() => db.close());
    return db;
  }

  /** Counts and ends sessions from a connection of its own, so it never ends itself. */
  async function control(sql: string, params: unknown[]) {
    const client = new pg.Client({ connectionString: url, application_name: 'faults-control' });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  async function sessions(applicationName: string): Promise<number> {
    const r = await control(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`, [dbName, applicationName]);
    return (r.rows[0] as { n: number }).n;
  }

  async function terminate(applicationName: string): Promise<number> {
    const r = await control(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`, [dbName, applicationName]);
    return r.rowCount ?? 0;
  }

  /** The repro runs in a process of its own: an unhandled 'error' event would end it. */
  async function repro(scenario: 'transaction' | 'exec') {
    const script = join(REPO, 'dist/src/db/pg-database.js');
    if (!existsSync(script)) throw new Error('dist/ is missing: run `npm run build` first');
    const proc = startNode('test/faults/fixtures/terminate-session.mjs', { DATABASE_URL: url, LOG_LEVEL: 'silent' }, [scenario]);
    await proc.waitFor(/^\{.*\}$/m, 20_000);
    await proc.kill();
    expect(proc.output()).not.toMatch(/Unhandled 'error' event/);
    return JSON.parse(proc.output().trim().split('\n').at(-1)!) as Record<string, any>;
  }

  test(
    'inside a transaction: the process lives, the transaction fails as DatabaseUnavailableError, the next query succeeds',
    async () => {
      const result = await repro('transaction');
      expect(result.transaction.error).toMatchObject({ name: 'DatabaseUnavailableError', code: 'ServiceUnavailable' });
      expect(result.next).toEqual({ ok: 1 });
      expect(result.health).toMatchObject({ available: true, outages: 1, failures: 1 });
    },
    TEST_MS,
  );

  test(
    'during a schema script (exec): the process lives, the script fails as DatabaseUnavailableError, the next query succeeds',
    async () => {
      const result = await repro('exec');
      expect(result.exec.error).toMatchObject({ name: 'DatabaseUnavailableError', code: 'ServiceUnavailable' });
      expect(result.next).toEqual({ ok: 1 });
    },
    TEST_MS,
  );

  test(
    'pooled sessions ended between queries: the next queries get fresh connections',
    async () => {
      const db = open(3);
      await Promise.all([1, 2, 3].map(() => db.query('SELECT pg_sleep(0.05)')));
      expect(await terminate('cairn')).toBe(3);
      // Idle clients hear their FATAL message and leave the pool; at most one in-flight query fails.
      const answers = await Promise.allSettled([1, 2, 3, 4, 5].map(() => db.query<{ one: number }>('SELECT 1 AS one')));
      const failed = answers.filter((a) => a.status === 'rejected');
      for (const f of failed) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    },
    TEST_MS,
  );

  test(
    'the LISTEN connection comes back once (one session, not one per error event) and wake-ups flow again',
    async () => {
      const db = open();
      const got: string[] = [];
      await db.listen('faults_channel', (payload) => got.push(payload));
      expect(await sessions('cairn-listen')).toBe(1);
      expect(await terminate('cairn-listen')).toBe(1);
      // pg reports that loss twice (the server's FATAL message, then the closed socket).
      await eventually(
        async () => {
          await db.query(`SELECT pg_notify('faults_channel', 'after')`);
          return got.includes('after');
        },
        10_000,
        'a notice after the reconnect',
      );
      expect(got).toContain(''); // "anything may have been written meanwhile"
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        expect(await sessions('cairn-listen')).toBe(1);
        await db.query('SELECT pg_sleep(0.1)');
      }
    },
    TEST_MS,
  );

  test(
    'an advisory lock reports a lost connection, and never a deliberate release',
    async () => {
      const db = open();
      const first = (await db.tryAdvisoryLock(42n))!;
      const outcome = (lock: { lost: Promise<never> }) =>
        lock.lost.then(
          () => 'resolved',
          (e: unknown) => `lost: ${String(e)}`,
        );
      const firstOutcome = outcome(first);
      expect(await terminate('cairn-lock')).toBe(1);
      expect(await firstOutcome).toMatch(/^lost: .*terminating connection/);

      const second = (await db.tryAdvisoryLock(42n))!;
      expect(second).toBeDefined();
      let settled = false;
      void outcome(second).then(() => (settled = true));
      await second.release();
      // The 'end' event follows the release within the same turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      expect(await sessions('cairn-lock')).toBe(0);
    },
    TEST_MS,
  );
});
