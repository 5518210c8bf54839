import { PgDatabase } from '../../src/db/pg-database.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { advanceCheckpoint, readCheckpoint, resetCheckpoint } from '../../projections/checkpoints.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { probeProjection } from '../fixtures/probe-projection.js';
import { freshDatabase } from '../support/postgres.js';
import { testEvent } from '../support/events.js';
import { startNode, type Proc } from '../support/processes.js';
import { eventually } from '../support/wait.js';

describe('projection runner (PostgreSQL)', () => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let db: PgDatabase;
  let store: SqlEventStore;

  beforeEach(async () => {
    dbInfo = await freshDatabase('proj');
    db = new PgDatabase({ connectionString: dbInfo.url, max: 6 });
    store = await SqlEventStore.open(db);
  });
  afterEach(async () => {
    await db.close();
    await dbInfo.drop();
  });

  const appendMany = async (n: number, prefix = 'p') => {
    for (let i = 0; i < n; i++) await store.append(`${prefix}-${i % 7}`, [testEvent('Probed', { i })], { expectedRevision: 'any' });
  };
  const count = async () => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM probe_applied`)).rows[0].n);

  test('rows and checkpoint move in one transaction; a failing batch moves neither', async () => {
    await appendMany(5);
    let fail = true;
    const flaky = {
      ...probeProjection,
      async apply(tx: Parameters<typeof probeProjection.apply>[0], events: readonly RecordedEvent[]) {
        await probeProjection.apply(tx, events);
        if (fail) throw new Error('boom after writing rows');
      },
    };
    const runner = new ProjectionRunner(store, db, [flaky]);
    await runner.start();
    await eventually(async () => (await readCheckpoint(db, 'probe')) !== undefined, 10_000, 'checkpoint row');
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(0);
    expect((await readCheckpoint(db, 'probe'))?.position).toBeUndefined();
    fail = false; // the runner retries the batch after a second
    await eventually(async () => (await count()) === 5, 10_000, '5 rows');
    await runner.stop();
  });

  test('a stale runner cannot move a checkpoint another moved (compare-and-set)', async () => {
    await appendMany(2);
    await db.exec(`CREATE TABLE IF NOT EXISTS consumer_checkpoints (name text PRIMARY KEY, version integer NOT NULL DEFAULT 1,
      commit_pos bigint, prepare_pos bigint, rebuild_requested boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.transaction((tx) => resetCheckpoint(tx, 'probe', 1));
    const [a, b] = await store.readAll();
    await db.transaction((tx) => advanceCheckpoint(tx, 'probe', undefined, a.position));
    await expect(db.transaction((tx) => advanceCheckpoint(tx, 'probe', undefined, b.position))).rejects.toMatchObject({ code: 'CheckpointConflict' });
  });

  test('replaying twice leaves the same rows; rebuild drops and replays', async () => {
    await appendMany(50);
    const runner = new ProjectionRunner(store, db, [probeProjection]);
    await runner.start();
    await eventually(async () => (await count()) === 50, 10_000, '50 rows');
    // The probe counts applications; reset counts to compare a replay row for row.
    const snapshot = async () => (await db.query(`SELECT event_id, stream_id FROM probe_applied ORDER BY event_id`)).rows;
    const before = await snapshot();
    await runner.rebuild('probe');
    await eventually(async () => (await count()) === 50, 10_000, 'rebuilt rows');
    expect(await snapshot()).toEqual(before);
    const counts = await db.query<{ n: number }>(`SELECT DISTINCT applied_count AS n FROM probe_applied`);
    expect(counts.rows).toEqual([{ n: 1 }]);
    await runner.stop();
  });

  test('reports lag in events and milliseconds behind the head', async () => {
    const runner = new ProjectionRunner(store, db, [probeProjection]);
    await runner.start();
    await runner.ready();
    await runner.stop();
    await appendMany(12);
    await new Promise((r) => setTimeout(r, 50));
    const [lag] = await runner.lag();
    expect(lag).toMatchObject({ name: 'probe', eventsBehind: 12, running: false });
    expect(lag.msBehind).toBeGreaterThanOrEqual(50);
    await runner.start();
    await eventually(async () => (await runner.lag())[0].eventsBehind === 0, 10_000, 'caught up');
    expect((await runner.lag())[0]).toMatchObject({ eventsBehind: 0, msBehind: 0, running: true });
    await runner.stop();
  });

  test('a projection that declares its event types writes nothing for the others and still catches up', async () => {
    const picky = { ...probeProjection, handles: new Set(['Wanted']) };
    const runner = new ProjectionRunner(store, db, [picky]);
    await runner.start();
    await runner.ready();
    for (let i = 0; i < 20; i++) await store.append('noise', [testEvent('Ignored', { i })], { expectedRevision: 'any' });
    const { position } = await store.append('signal', [testEvent('Wanted')], { expectedRevision: 'any' });
    expect(await runner.waitFor('probe', position, 5000)).toBe(true);
    expect(await count()).toBe(1);
    await store.append('noise', [testEvent('Ignored')], { expectedRevision: 'any' });
    await eventually(async () => (await runner.lag())[0].eventsBehind === 0, 10_000, 'caught up over ignored events');
    await runner.stop();
  });

  test('read-your-writes: waitFor resolves once the projection applied a position', async () => {
    const runner = new ProjectionRunner(store, db, [probeProjection]);
    await runner.start();
    await runner.ready();
    const { position } = await store.append('ryw', [testEvent('Probed')], { expectedRevision: 'no_stream' });
    expect(await runner.waitFor('probe', position, 5000)).toBe(true);
    expect(await count()).toBe(1);
    await runner.stop();
  });

  test('two runner processes: only the leader applies; killing it mid-stream fails over with nothing applied twice or lost', async () => {
    const env = { DATABASE_URL: dbInfo.url };
    const procs: Proc[] = [];
    try {
      const a = startNode('dist/test/fixtures/probe-runner.js', { ...env, RUNNER_NAME: 'a' });
      procs.push(a);
      await a.waitFor('LEADER');
      const b = startNode('dist/test/fixtures/probe-runner.js', { ...env, RUNNER_NAME: 'b' });
      procs.push(b);
      await b.waitFor('STARTED');
      // Events flow while the leader is killed.
      let written = 0;
      let stop = false;
      const writer = (async () => {
        while (!stop) {
          await store.append(`flow-${written % 11}`, [testEvent('Probed', { written })], { expectedRevision: 'any' });
          written++;
        }
      })();
      await eventually(async () => (await count()) > 100, 15_000, 'leader applying');
      expect(b.output()).not.toContain('LEADER');
      await a.kill('SIGKILL');
      await b.waitFor('LEADER', 20_000);
      const appliedByB = async () => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM probe_applied WHERE runner = 'b'`)).rows[0].n);
      await eventually(async () => (await appliedByB()) > 100, 30_000, 'the new leader applying live events');
      stop = true;
      await writer;
      await eventually(async () => (await count()) === written, 30_000, `all ${written} events applied`);
      const twice = await db.query(`SELECT event_id FROM probe_applied WHERE applied_count <> 1`);
      expect(twice.rows).toEqual([]);
      const byRunner = await db.query<{ runner: string }>(`SELECT DISTINCT runner FROM probe_applied ORDER BY runner`);
      expect(byRunner.rows.map((r) => r.runner)).toEqual(['a', 'b']);
    } finally {
      for (const p of procs) await p.kill('SIGKILL');
    }
  });
});
