import { PgDatabase } from '../../src/db/pg-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { readCheckpoint } from '../../projections/checkpoints.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { probeProjection } from '../fixtures/probe-projection.js';
import { testEvent } from '../support/events.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/wait.js';

/**
 * Read-your-writes on an instance that does not run the projections (PROJECTIONS=external, or an
 * API instance that is not the leader): its waits can only see the stored checkpoint, never the
 * leader's in-memory position. A write whose events the projection ignores (a resent confirmation
 * code, a password-reset code) must still be seen as applied once the leader has passed it.
 */
describe('read-your-writes from a process that does not lead the projections', () => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let leaderDb: PgDatabase;
  let apiDb: PgDatabase;
  let leader: ProjectionRunner;
  let api: ProjectionRunner;
  let store: SqlEventStore;

  beforeEach(async () => {
    dbInfo = await freshDatabase('scale');
    leaderDb = new PgDatabase({ connectionString: dbInfo.url, max: 4 });
    apiDb = new PgDatabase({ connectionString: dbInfo.url, max: 4 });
    const picky = { ...probeProjection, handles: new Set(['Wanted']) };
    leader = new ProjectionRunner(await SqlEventStore.open(leaderDb), leaderDb, [picky]);
    // The API instance's runner is never started: it only creates the tables, as with PROJECTIONS=external.
    store = await SqlEventStore.open(apiDb);
    api = new ProjectionRunner(store, apiDb, [picky]);
    await api.ensureReadModels();
    await leader.start();
    await leader.ready();
  });
  afterEach(async () => {
    await leader.stop();
    await leaderDb.close();
    await apiDb.close();
    await dbInfo.drop();
  });

  test('a write of only ignored events, right after one the projection applied, is seen as applied within a second', async () => {
    const wanted = await store.append('user-1', [testEvent('Wanted')], { expectedRevision: 'any' });
    expect(await api.waitFor('probe', wanted.position, 5000)).toBe(true);
    // The leader stored its checkpoint for that batch a moment ago; the next batch holds nothing it shows.
    const ignored = await store.append('user-1', [testEvent('CodeSent')], { expectedRevision: 'any' });
    const t0 = Date.now();
    expect(await api.waitFor('probe', ignored.position, 3000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  test('under a steady stream of ignored events the stored checkpoint keeps up with the head', async () => {
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const { position } = await store.append(`noise-${i}`, [testEvent('SignedIn', { i })], { expectedRevision: 'any' });
      const t0 = Date.now();
      expect(await api.waitFor('probe', position, 3000)).toBe(true);
      waits.push(Date.now() - t0);
    }
    // The leader's poll (200 ms) and a checkpoint write, not the once-a-second catch-up.
    expect(Math.max(...waits)).toBeLessThan(700);
    await eventually(async () => (await readCheckpoint(apiDb, 'probe'))?.position !== undefined, 5000, 'a stored checkpoint');
  });
});
