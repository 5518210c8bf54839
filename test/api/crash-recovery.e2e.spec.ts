import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import { Secrets } from '../../src/crypto/secrets.js';
import { loadOrCreateMasterKey } from '../../src/crypto/master-key.js';
import { DataKeys } from '../../src/event-store/data-keys.js';
import { PersonalDataEnvelope } from '../../src/event-store/personal-data-envelope.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { USERS_TABLE, userDirectoryProjection } from '../../projections/user-directory/user-directory.projection.js';
import { ADMIN, adminAuth, call } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { startNode } from '../support/processes.js';
import { eventually } from '../support/wait.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const admin = { authorization: adminAuth };

describe.each(['pglite', 'postgres'] as const)('SIGKILL in the middle of a burst of sign-ups (%s)', (storage) => {
  test('loses no acknowledged sign-up, leaves no half-written command, and the directory equals a fresh rebuild', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cairn-crash-'));
    const pg = storage === 'postgres' ? await freshDatabase('crash') : undefined;
    const port = await freePort();
    const env = {
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ADMIN_ACCESS_KEY_ID: ADMIN.id,
      ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
      DATABASE_URL: pg?.url ?? '',
    };
    const url = `http://127.0.0.1:${port}`;
    const waitUp = async () => {
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`${url}/health`)).ok) return;
        } catch {
          // not yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('service did not start');
    };
    try {
      // 1. Start, create a pool.
      let proc = startNode('dist/src/main.js', env);
      await waitUp();
      const poolId = (await call(url, 'POST', '/v1/user-pools', { name: 'crash', autoVerifiedAttributes: ['email'] }, admin)).body.poolId as string;

      // 2. A burst of concurrent sign-ups; SIGKILL once 40 were acknowledged.
      const acked = new Set<string>();
      let next = 0;
      let killed = false;
      const worker = async () => {
        while (!killed) {
          const username = `u${next++}`;
          try {
            const r = await call(url, 'POST', `/v1/user-pools/${poolId}/sign-up`, {
              username,
              password: 'Correct-Horse-9',
              attributes: { email: `${username}@crash.test` },
            });
            if (r.status === 201) acked.add(username);
          } catch {
            // connection reset by the kill: not acknowledged
          }
        }
      };
      const workers = Array.from({ length: 12 }, worker);
      while (acked.size < 40) await new Promise((r) => setTimeout(r, 5));
      killed = true;
      await proc.kill('SIGKILL');
      await Promise.all(workers);

      // 3. Restart on the same data: every acknowledged sign-up is listed.
      proc = startNode('dist/src/main.js', env);
      await waitUp();
      // Sign-ups committed but not yet projected when the process died are applied after the
      // restart: wait until the directory has caught up with the log before comparing.
      await eventually(
        async () => {
          const lag = await call(url, 'GET', '/v1/admin/projections', undefined, admin);
          return lag.body.projections.every((p: { eventsBehind: number; running: boolean }) => p.running && p.eventsBehind === 0);
        },
        30_000,
        'projections caught up after restart',
      );
      const listed = new Set<string>();
      let cursor: string | undefined;
      do {
        const r = await call(url, 'GET', `/v1/user-pools/${poolId}/users?limit=60${cursor ? `&cursor=${cursor}` : ''}`, undefined, admin);
        for (const u of r.body.users) listed.add(u.username);
        cursor = r.body.nextCursor;
      } while (cursor);
      for (const name of acked) expect(listed.has(name)).toBe(true);
      await proc.kill('SIGTERM');

      // 4. Inspect the log directly: each sign-up is whole (both of its events or none).
      const db: SqlDatabase = pg ? new PgDatabase({ connectionString: pg.url, max: 2 }) : await PgliteDatabase.open(join(dataDir, 'pglite'));
      try {
        const perStream = await db.query<{ stream_id: string; types: string }>(
          `SELECT stream_id, string_agg(type, ',' ORDER BY revision) AS types FROM es_events WHERE stream_id LIKE 'user-%' GROUP BY stream_id`,
        );
        expect(perStream.rows.length).toBeGreaterThanOrEqual(acked.size);
        for (const row of perStream.rows) expect(row.types).toBe('UserSignedUp,ConfirmationCodeSent');
        expect(listed.size).toBe(perStream.rows.length);

        // 5. The directory as the restarted service left it equals a fresh rebuild.
        const snapshot = async () => (await db.query(`SELECT * FROM ${USERS_TABLE} ORDER BY pool_id, sub`)).rows;
        const before = await snapshot();
        // The log seen as the service sees it: personal data opened with the data keys the service wrapped under its master key (kept in DATA_DIR).
        const master = await loadOrCreateMasterKey({ dataDir, production: false });
        const store = new PersonalDataEnvelope(await SqlEventStore.open(db), await DataKeys.open(db, new Secrets(master.key)));
        const runner = new ProjectionRunner(store, db, [userDirectoryProjection]);
        await runner.start();
        await runner.ready();
        await runner.rebuild('user_directory');
        await runner.ready();
        expect(await snapshot()).toEqual(before);
        await runner.stop();
      } finally {
        await db.close();
      }
    } finally {
      await pg?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
