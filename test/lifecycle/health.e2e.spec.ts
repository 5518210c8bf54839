import { Lifecycle } from '../../src/observability/lifecycle.js';
import { Readiness } from '../../src/observability/readiness.js';
import { call, startApp } from '../support/app.js';
import { eventually } from '../support/wait.js';
import { ownPostgres } from './own-postgres.js';

/** Liveness says the process answers; readiness says it can serve correctly now. */
describe('health: live and ready mean different things', () => {
  it('projections lagging past the bound: live 200, ready 503 naming the projections check; ready again once caught up', async () => {
    // No projection runner in this process (PROJECTIONS=external) and none elsewhere: the log
    // (the bootstrap admin key) moves on while the read models stay behind. CONSISTENCY_TIMEOUT_MS=0:
    // the bound is its 1 s floor.
    const app = await startApp('pglite', { PROJECTIONS: 'external', CONSISTENCY_TIMEOUT_MS: '0' });
    try {
      const notReady = await eventually(
        async () => {
          const r = await call(app.url, 'GET', '/health/ready');
          return r.status === 503 && r;
        },
        20_000,
        'readiness to fail on lag',
      );
      expect(notReady.body).toMatchObject({
        status: 'not_ready',
        failed: ['projections'],
        checks: { database: { ok: true }, schema: { ok: true }, projections: { ok: false } },
      });
      // The bound is CONSISTENCY_TIMEOUT_MS, at least 1 s (5 s while OPS_SETTINGS is not bound).
      const { maxLagMs, projections } = notReady.body.checks.projections.details;
      expect([1000, 5000]).toContain(maxLagMs);
      expect(notReady.body.checks.projections.error).toMatch(new RegExp(`more than ${maxLagMs} ms behind`));
      expect(projections.find((p: { name: string }) => p.name === 'user_directory').msBehind).toBeGreaterThan(maxLagMs);
      expect(await call(app.url, 'GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'live' } });
      expect((await call(app.url, 'GET', '/health')).status).toBe(200);

      await app.platform.runner.start();
      const ready = await eventually(
        async () => {
          const r = await call(app.url, 'GET', '/health/ready');
          return r.status === 200 && r;
        },
        20_000,
        'readiness once the projections caught up',
      );
      expect(ready.body).toMatchObject({ status: 'ready', failed: [] });
      expect(ready.headers.get('cache-control')).toBe('no-store');

      // A shutdown turns readiness off at once (main.ts begins it on SIGTERM).
      const lifecycle = new Lifecycle();
      const readiness = new Readiness(app.platform, { maxLagMs: 1000, lifecycle });
      expect((await readiness.check()).failed).toEqual([]);
      lifecycle.beginShutdown();
      expect(await readiness.check()).toMatchObject({ status: 'not_ready', failed: ['shutdown'] });
    } finally {
      await app.destroy();
    }
  });

  it('database down: live 200, ready 503 naming the database check; ready again when it is back', async () => {
    const pg = await ownPostgres();
    let app: Awaited<ReturnType<typeof startApp>> | undefined;
    try {
      app = await startApp('postgres', {}, { databaseUrl: pg.url });
      const url = app.url;
      const readyStatus = async () => (await call(url, 'GET', '/health/ready')).status;
      await eventually(async () => (await readyStatus()) === 200, 20_000, 'ready on a fresh database');

      await pg.stop();
      const down = await call(url, 'GET', '/health/ready');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        status: 'not_ready',
        failed: ['database'],
        checks: { database: { ok: false }, schema: { skipped: true }, projections: { skipped: true } },
      });
      expect(down.body.checks.database.error).toBeTruthy();
      expect(await call(url, 'GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'live' } });

      await pg.start();
      await eventually(async () => (await readyStatus()) === 200, 30_000, 'ready again after the database came back');
    } finally {
      await app?.destroy();
      await pg.destroy();
    }
  });
});
