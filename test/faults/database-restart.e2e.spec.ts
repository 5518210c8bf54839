import {
  type CognitoIdentityProviderClient,
  CognitoIdentityProviderClient as Client,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Logger } from 'pino';
import type { PgDatabase } from '../../src/db/pg-database.js';
import { USERS_TABLE } from '../../projections/user-directory/user-directory.projection.js';
import { sdkClient } from '../cognito/support.js';
import { type RunningApp, call, startApp } from '../support/app.js';
import { eventually } from '../support/wait.js';
import { PASSWORD, signUpLoad } from './support/load.js';
import { type OwnPostgres, ownPostgres } from './support/own-postgres.js';

const TEST_MS = 180_000;
/** Concurrent sign-ups of the load. */
const WORKERS = 6;

/** Counts what the service logs at warn and error, by message (the pino instance's own methods, wrapped). */
function watchLogs(logger: Logger) {
  const seen: string[] = [];
  for (const level of ['warn', 'error'] as const) {
    const original = logger[level].bind(logger);
    logger[level] = ((a: unknown, b?: unknown, ...rest: unknown[]) => {
      seen.push(`${level} ${typeof a === 'string' ? a : String(b)}`);
      return (original as (...args: unknown[]) => void)(a, b, ...rest);
    }) as Logger[typeof level];
  }
  return seen;
}

describe('a PostgreSQL restart under sign-up load (issue 19: defects 1-3, through the AWS SDK)', () => {
  let server: OwnPostgres;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    server = await ownPostgres();
  }, TEST_MS);
  afterAll(async () => {
    await server.start().catch(() => undefined);
    await app?.destroy();
    await server?.destroy();
  }, TEST_MS);

  test(
    'the process stays up, refusals are typed and retriable, the first request after recovery succeeds, no acknowledged write is lost or unread, and the directory equals a rebuild',
    async () => {
      const databaseUrl = await server.createDatabase('app');
      const dbName = new URL(databaseUrl).pathname.slice(1);
      app = await startApp('postgres', {}, { databaseUrl });
      const logs = watchLogs(app.platform.logger);
      const db = app.platform.db as PgDatabase;

      const admin = sdkClient(app.url);
      const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'restart' }))).UserPool!.Id!;
      const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;

      // Read-your-writes, checked the way a client would: right after each 200, list that user
      // (the directory read model). A refused read is retried; the first answer must show the user.
      const unread: string[] = [];
      const readBack = async (username: string) => {
        const users = await eventually(
          () => admin.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `username = "${username}"` })).then((r) => r.Users ?? []),
          60_000,
          `a listing of ${username}`,
        );
        if (!users.some((u) => u.Username === username)) unread.push(username);
      };
      const load = signUpLoad(app.url, clientId, WORKERS, readBack);

      // 1. Steady load, then every session of the service ended under it.
      await eventually(() => load.acked().length >= 30, 60_000, '30 sign-ups');
      expect(await server.terminateSessions(dbName)).toBeGreaterThanOrEqual(3); // pool, LISTEN, leader lock
      const afterKill = Date.now();
      await eventually(() => load.ackedSince(afterKill) >= 30, 60_000, '30 sign-ups after the sessions were ended');

      // 2. The server stopped: refusals are ServiceUnavailable, which the SDK itself retries.
      await server.stop();
      const retrying: CognitoIdentityProviderClient = new Client({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 3 });
      const refused = await retrying.send(new SignUpCommand({ ClientId: clientId, Username: 'while-down', Password: PASSWORD })).catch((e: unknown) => e);
      expect(refused).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503, attempts: 3 } });
      retrying.destroy();
      const rest = await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'rest-while-down', password: PASSWORD });
      expect(rest).toMatchObject({ status: 503, body: { status: 503, code: 'ServiceUnavailable' } });
      expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(rest.headers.get('retry-after')).toBe('1');
      await eventually(() => load.outcomes.filter((o) => o.status === 503).length >= 5, 30_000, 'refusals under load');
      await server.start();
      const backAt = Date.now();

      // 3. The first request after the database is back succeeds (one attempt, no retry).
      const once = new Client({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
      const first = await once.send(new SignUpCommand({ ClientId: clientId, Username: 'first-after', Password: PASSWORD }));
      const firstMs = Date.now() - backAt;
      once.destroy();
      expect(first.UserSub).toBeDefined();
      await eventually(() => load.ackedSince(backAt) >= 30, 60_000, '30 sign-ups after the restart');
      await load.stop();

      // 4. What the clients saw: only 200 or 503 ServiceUnavailable, all fine once it was back,
      //    and every acknowledged sign-up readable at once.
      const kinds = new Set(load.outcomes.map((o) => `${o.status} ${o.result}`));
      expect([...kinds].sort()).toEqual(['200 ok', '503 ServiceUnavailable']);
      expect(load.outcomes.filter((o) => o.startedAt > backAt && o.result !== 'ok')).toEqual([]);
      expect(unread).toEqual([]);

      // 5. What the service said: no error lines, no read-your-writes misses, the outage once.
      expect(logs.filter((l) => l.startsWith('error'))).toEqual([]);
      expect(logs.filter((l) => /lag behind a write/.test(l))).toEqual([]);
      // Outages (each logged once: unavailable, then back), not one per failed request.
      expect(db.health.outages).toBeGreaterThanOrEqual(1);
      expect(db.health.outages).toBeLessThanOrEqual(3);
      // And counted: every refusal comes from a database operation that failed and was counted
      // once, but one operation can answer several requests: concurrent requests share one read of
      // the provisioned request limits (RequestRateLimiter, single-flight), and when that read fails
      // they are all refused with its one error. No more requests can share an operation than are
      // in flight at once, so the count is at least refusals / workers; a counter that missed
      // failures, or counted once per outage, falls below that.
      const refusedCount = load.outcomes.filter((o) => o.status === 503).length;
      expect(db.health.failures).toBeGreaterThanOrEqual(Math.ceil(refusedCount / WORKERS));

      // 6. Nothing acknowledged was lost: each 200 is in the log and in the directory.
      await eventually(async () => (await app!.platform.runner.lag()).every((p) => p.running && p.eventsBehind === 0), 30_000, 'projections caught up');
      // Read through the service's store: usernames are personal data, sealed in the stored events.
      const logged = new Set(
        (await app!.platform.store.readAll()).filter((e) => e.type === 'UserSignedUp').map((e) => (e.data as { username: string }).username),
      );
      const listed = new Set((await db.query<{ u: string }>(`SELECT username AS u FROM ${USERS_TABLE}`)).rows.map((r) => r.u));
      const acked = [...load.acked().map((o) => o.username), 'first-after'];
      expect(acked.filter((u) => !logged.has(u))).toEqual([]);
      expect(acked.filter((u) => !listed.has(u))).toEqual([]);
      // In doubt: refused (503) but committed, the connection having died after COMMIT.
      const inDoubt = load.outcomes.filter((o) => o.status === 503 && logged.has(o.username)).length;

      // 7. The directory equals a fresh rebuild of the log.
      const snapshot = async () => (await db.query(`SELECT * FROM ${USERS_TABLE} ORDER BY pool_id, sub`)).rows;
      const before = await snapshot();
      await app.platform.runner.rebuild('user_directory');
      await eventually(async () => (await app!.platform.runner.lag()).every((p) => p.running && p.eventsBehind === 0), 30_000, 'rebuilt');
      expect(await snapshot()).toEqual(before);

      process.stdout.write(
        `database restart: ${acked.length} acknowledged, 0 lost, ${refusedCount} refused (503), ${inDoubt} in doubt, ` +
          `first request after recovery answered in ${firstMs} ms, failures counted ${db.health.failures}\n`,
      );
    },
    TEST_MS,
  );
});
