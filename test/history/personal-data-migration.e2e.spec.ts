import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { NewEvent } from '../../src/event-store/event-store.port.js';
import { PersonalDataEnvelope } from '../../src/event-store/personal-data-envelope.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { erasedUsername } from '../../src/events/personal-data.js';
import { lockKey } from '../../projections/leader-lock.js';
import { PROJECTIONS_LOCK_KEY, type RewriteRecord } from '../../src/history/migration/personal-data-migration.js';
import { verifyLogExport } from '../../src/history/verify/export-file.js';
import { exportLogRoot } from '../../src/history/verify/log-root.js';
import { adminAuth, call, type RunningApp, startApp, type Storage } from '../support/app.js';
import { REPO } from '../support/processes.js';
import { testEvent } from '../support/events.js';
import { sdkClient } from '../cognito/support.js';
import { settled } from './support/chained-log.js';
import { caughtUp } from './support/follow.js';

const PASSWORD = 'Correct-Horse-9';
const ANN = { username: 'ann-old-4k2p', email: 'ann.before@migrate.test', name: 'Ann Beforehand', newName: 'Ann Sealed', agent: 'ann-agent/3.1' };
const BOB = { username: 'bob-old-9x1q', email: 'bob.before@migrate.test' };
const TEST_MS = 240_000;
const run = promisify(execFile);

/** The built CLI (node dist/src/cli.js) against the deployment's storage; resolves with its exit code and output. */
async function cli(app: { dataDir: string; databaseUrl?: string }, ...args: string[]): Promise<{ code: number; out: string }> {
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: app.dataDir, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent' };
  try {
    const r = await run(process.execPath, [join(REPO, 'dist/src/cli.js'), ...args], { cwd: REPO, env, timeout: 120_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Every row of es_events as text, read with no envelope: through the running app's database, or (stopped) a connection of its own. */
async function rawLog(app: { dataDir: string; databaseUrl?: string }, running?: RunningApp): Promise<string> {
  const sql = `SELECT coalesce(string_agg(data::text || ' ' || metadata::text, E'\\n'), '') AS t FROM es_events`;
  if (running) return (await running.platform.db.query<{ t: string }>(sql)).rows[0].t;
  if (app.databaseUrl) {
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ t: string }>(sql)).rows[0].t;
    } finally {
      await client.end();
    }
  }
  const db = await PgliteDatabase.open(join(app.dataDir, 'pglite'));
  try {
    return (await db.query<{ t: string }>(sql)).rows[0].t;
  } finally {
    await db.close();
  }
}

/**
 * A deployment whose events were written before the envelope (its `seal` switched off, as the
 * service stored them then), migrated with `history migrate-personal-data`: the personal data
 * is no longer in clear in es_events, the log verifies, the service reads its users back as they
 * were, the old log's export still checks against the rewrite's record, and erasing a migrated
 * user shreds them.
 */
describe.each<Storage>(['postgres', 'pglite'])('migrating events written before the envelope (%s)', (storage) => {
  let app: RunningApp & { dataDir: string; databaseUrl?: string };
  let where: { dataDir: string; databaseUrl?: string };
  let poolId: string;
  let clientId: string;
  let annSub: string;
  let annBefore: unknown;
  const oldLog = () => join(where.dataDir, 'old-log.jsonl');
  const values = [ANN.email, ANN.name, ANN.newName, ANN.agent, ANN.username, BOB.email];
  const anonymous = (agent?: string) =>
    new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1, ...(agent ? { customUserAgent: agent } : {}) });
  const signIn = (username: string, agent?: string) =>
    anonymous(agent).send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));

  beforeAll(async () => {
    const seal = Object.getOwnPropertyDescriptor(PersonalDataEnvelope.prototype, 'seal')!;
    // Before the envelope: events stored exactly as the service decided them.
    PersonalDataEnvelope.prototype.seal = async (_streamId: string, events: readonly NewEvent[]) => events;
    try {
      app = await startApp(storage);
      where = { dataDir: app.dataDir, databaseUrl: app.databaseUrl };
      const admin = sdkClient(app.url);
      poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'before-the-envelope' }))).UserPool!.Id!;
      clientId = (
        await admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: 'web',
            ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          }),
        )
      ).UserPoolClient!.ClientId!;
      annSub = (
        await anonymous(ANN.agent).send(
          new SignUpCommand({
            ClientId: clientId,
            Username: ANN.username,
            Password: PASSWORD,
            UserAttributes: [
              { Name: 'email', Value: ANN.email },
              { Name: 'name', Value: ANN.name },
            ],
          }),
        )
      ).UserSub!;
      await anonymous().send(
        new SignUpCommand({ ClientId: clientId, Username: BOB.username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: BOB.email }] }),
      );
      await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: ANN.username }));
      await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: BOB.username }));
      await admin.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: ANN.username, UserAttributes: [{ Name: 'name', Value: ANN.newName }] }),
      );
      expect((await signIn(ANN.username, ANN.agent)).AuthenticationResult?.RefreshToken).toBeDefined();
      // Enough other events for a sealed checkpoint segment (1,000 events) besides the open one.
      const plain = await SqlEventStore.open(app.platform.db);
      for (let b = 0; b < 22; b++) {
        await plain.appendMany(
          Array.from({ length: 50 }, (_, i) => ({
            streamId: `filler-${b}-${i}`,
            events: [testEvent('ThingHappened', { n: i })],
            options: { expectedRevision: 'no_stream' as const },
          })),
        );
      }
      annBefore = (await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: ANN.username }))).UserAttributes;
      await settled(app.platform.db);
      await caughtUp(app.platform);
    } finally {
      Object.defineProperty(PersonalDataEnvelope.prototype, 'seal', seal);
    }
  }, TEST_MS);

  afterAll(async () => {
    // A test that failed with the app stopped: stopping again fails, the data goes anyway.
    await app?.destroy().catch(() => rm(where.dataDir, { recursive: true, force: true }));
  }, TEST_MS);

  test(
    'refused while the service runs; then the personal data is sealed in place, the new chain verifies, and a re-run changes nothing',
    async () => {
      const before = await rawLog(where, app);
      for (const v of values) expect(before).toContain(v);
      // The projections lock the migration takes is the service's own.
      expect(PROJECTIONS_LOCK_KEY).toBe(lockKey('projections'));
      // The embedded database's folder is claimed by the service's process, as src/main.ts does.
      if (storage === 'pglite') await writeFile(join(where.dataDir, 'cairn.pid'), String(process.pid));
      const refused = await cli(where, 'history', 'migrate-personal-data');
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(storage === 'postgres' ? /projections lock/ : /in use by process/);
      await app.stop();
      await rm(join(where.dataDir, 'cairn.pid'), { force: true });

      const migrated = await cli(where, 'history', 'migrate-personal-data', '--old-log', oldLog());
      expect(migrated.code).toBe(0);
      const record = JSON.parse(migrated.out) as RewriteRecord;
      expect(record).toMatchObject({ kind: 'personal-data-sealed', sealedErased: 0, subjects: 2 });
      expect(record.sealed).toBeGreaterThan(5);
      expect(record.events).toBeGreaterThan(1100);
      // The old log: its export verifies by itself and its root and checkpoints are the ones the record keeps.
      expect((await verifyLogExport(oldLog())).ok).toBe(true);
      expect((await exportLogRoot(oldLog())).root).toBe(record.old.root);
      expect(record.old.anchor).toMatchObject({ seq: 1 });
      expect(record.new.anchor).toMatchObject({ seq: 1 });
      expect(record.new.anchor!.hash).not.toBe(record.old.anchor!.hash);
      expect(record.new.checkpoints.map((c) => [c.first, c.last, c.count])).toEqual(record.old.checkpoints.map((c) => [c.first, c.last, c.count]));
      const rootOut = await cli(where, 'history', 'log-root', oldLog());
      expect(JSON.parse(rootOut.out)).toMatchObject({ root: record.old.root });

      // No personal value in clear in the log any more.
      const after = await rawLog(where);
      for (const v of values) expect(`${v}: ${after.includes(v)}`).toBe(`${v}: false`);
      expect(after).toContain('"personal"');

      const verified = await cli(where, 'history', 'verify');
      expect(verified.code).toBe(0);
      expect(verified.out).toMatch(/^OK: /);
      expect(verified.out).toContain(`the log before it had root ${record.old.root}, anchor ${record.old.anchor!.hash}`);
      const again = await cli(where, 'history', 'migrate-personal-data');
      expect(again).toMatchObject({ code: 0, out: expect.stringMatching(/^nothing to migrate/) });
      const rewrites = JSON.parse((await cli(where, 'history', 'rewrites')).out) as RewriteRecord[];
      expect(rewrites.map((r) => r.old.root)).toEqual([record.old.root]);
    },
    TEST_MS,
  );

  test(
    'the service reads its users back unchanged, appends go on chaining, and erasing a migrated user shreds them',
    async () => {
      app = await startApp(storage, {}, where);
      const admin = sdkClient(app.url);
      expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: ANN.username }))).UserAttributes).toEqual(annBefore);
      expect((await signIn(BOB.username)).AuthenticationResult?.AccessToken).toBeDefined();
      expect((await signIn(ANN.username)).AuthenticationResult?.AccessToken).toBeDefined();

      const erased = await call(app.url, 'POST', `/v1/user-pools/${poolId}/users/${ANN.username}/erase`, undefined, { authorization: adminAuth });
      expect(erased.status).toBe(200);
      // Nothing of hers is left in clear for the erasure to miss.
      expect(erased.body).toMatchObject({ deleted: true, hadKey: true, plaintextEvents: 0 });
      const history = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users/${annSub}/history`, undefined, { authorization: adminAuth });
      const text = JSON.stringify(history.body);
      for (const v of [ANN.email, ANN.name, ANN.newName, ANN.agent]) expect(`${v}: ${text.includes(v)}`).toBe(`${v}: false`);
      const signedUp = (history.body.events as Array<{ type: string; data: Record<string, unknown> }>).find((e) => e.type === 'UserSignedUp')!;
      expect(signedUp.data).toMatchObject({ username: erasedUsername(annSub), attributes: {} });
      await settled(app.platform.db);
      await caughtUp(app.platform);
      expect((await call(app.url, 'GET', '/v1/admin/log/verification', undefined, { authorization: adminAuth })).body).toMatchObject({ ok: true });
      expect(await rawLog(where, app)).not.toContain(ANN.email);
    },
    TEST_MS,
  );
});
