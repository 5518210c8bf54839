import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaForwarder } from '../../projections/kafka-forwarder.js';
import { formatPosition } from '../../src/event-store/positions.js';
import { ERASED, erasedUsername } from '../../src/events/personal-data.js';
import { writeLogExport } from '../../src/history/verify/export-file.js';
import { verifyLogExport } from '../../src/history/verify/export-file.js';
import { PROJECTIONS } from '../../src/platform/platform.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { testEvent } from '../support/events.js';
import { adminAuth, call, type RunningApp, startApp, type Storage } from '../support/app.js';
import { TopicReader, deleteTopic, kafkaBrokers, quietLogger, uniqueTopic } from '../support/kafka.js';
import { eventually } from '../support/wait.js';
import { sdkClient } from '../cognito/support.js';
import { settled } from './support/chained-log.js';
import { caughtUp } from './support/follow.js';

const PASSWORD = 'Correct-Horse-9';
// Values only the erased user's events hold: none may be readable anywhere after the erasure.
const ALICE = { username: 'alice-erase-7f3k', email: 'alice.liddell@erase.test', name: 'Alice Liddell', newName: 'Alice Pleasance', agent: 'alice-agent/7.3' };
const BOB = { username: 'bob-keep-2m9q', email: 'bob.keeps@erase.test' };
const TEST_MS = 120_000;
const OLD_PLAINTEXT = 'pre-envelope-nick-4q';

describe.each<Storage>(['postgres', 'pglite'])('erasure by crypto-shredding (%s)', (storage) => {
  let app: RunningApp & { dataDir: string };
  let poolId: string;
  let aliceSub: string;
  let beforeErasure: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  const rest = (method: string, path: string) => call(app.url, method, path, undefined, { authorization: adminAuth });

  beforeAll(async () => {
    app = await startApp(storage);
    const admin = sdkClient(app.url);
    const anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    const aliceDevice = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1, customUserAgent: ALICE.agent });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'erasure' }))).UserPool!.Id!;
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    aliceSub = (
      await aliceDevice.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: ALICE.username,
          Password: PASSWORD,
          UserAttributes: [
            { Name: 'email', Value: ALICE.email },
            { Name: 'name', Value: ALICE.name },
          ],
        }),
      )
    ).UserSub!;
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: BOB.username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: BOB.email }] }),
    );
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: ALICE.username }));
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: BOB.username }));
    await admin.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: ALICE.username, UserAttributes: [{ Name: 'name', Value: ALICE.newName }] }),
    );
    const signIn = (client: CognitoIdentityProviderClient, username: string) =>
      client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
    await signIn(aliceDevice, ALICE.username);
    await signIn(anonymous, BOB.username);
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'readers' }));
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: ALICE.username, GroupName: 'readers' }));
    await settled(app.platform.db);
    await caughtUp(app.platform);
    beforeErasure = formatPosition((await app.platform.store.headPosition())!);
  }, TEST_MS);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await app?.destroy();
  }, TEST_MS);

  /** Every table's rows as text (the read models, the log, the keys), to search for a value. */
  async function everyTable(): Promise<Map<string, string>> {
    const tables = await app.platform.db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    const out = new Map<string, string>();
    for (const { name } of tables.rows) {
      const r = await app.platform.db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
      out.set(name, r.rows.map((x) => x.row).join('\n'));
    }
    return out;
  }

  const aliceValues = [ALICE.username, ALICE.email, ALICE.name, ALICE.newName, ALICE.agent];

  test('the log never held her personal data in clear; before the erasure the service reads it as usual', async () => {
    const tables = await everyTable();
    for (const v of aliceValues) expect(tables.get('es_events')).not.toContain(v);
    const r = await rest('GET', `/v1/user-pools/${poolId}/as-of/users/${ALICE.username}?at=${beforeErasure}`);
    expect(r.status).toBe(200);
    expect(r.body.user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: ALICE.email }]));
  });

  test(
    'erase: the user is deleted and her key destroyed; rebuilt read models, the history and as-of views hold none of her data; the chain verifies',
    async () => {
      // An event as a writer before the envelope stored it (the migration's stated limit): counted, not reached.
      const before = await SqlEventStore.open(app.platform.db);
      await before.append(
        `user-${poolId}-${aliceSub}`,
        [testEvent('UserAttributesUpdated', { attributes: { nickname: OLD_PLAINTEXT }, at: new Date().toISOString() })],
        {
          expectedRevision: 'any',
        },
      );
      const r = await rest('POST', `/v1/user-pools/${poolId}/users/${ALICE.username}/erase`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ poolId, sub: aliceSub, deleted: true, hadKey: true, plaintextEvents: 1 });
      // Nobody of that name any more; erasing again (by sub) is harmless.
      expect((await rest('POST', `/v1/user-pools/${poolId}/users/${ALICE.username}/erase`)).status).toBe(404);
      expect((await rest('POST', `/v1/user-pools/${poolId}/users/${aliceSub}/erase`)).body).toMatchObject({ deleted: false, hadKey: false });
      await expect(sdkClient(app.url).send(new AdminGetUserCommand({ UserPoolId: poolId, Username: ALICE.username }))).rejects.toMatchObject({
        name: 'UserNotFoundException',
      });

      // Every read model dropped and replayed from the log.
      for (const p of PROJECTIONS) await app.platform.runner.rebuild(p.name);
      await caughtUp(app.platform);
      const tables = await everyTable();
      for (const [table, rows] of tables) for (const v of aliceValues) expect(`${table}: ${rows.includes(v) ? v : ''}`).toBe(`${table}: `);
      // What was stored in clear before the envelope stays in the log (docs/history.md, migration).
      expect(tables.get('es_events')).toContain(OLD_PLAINTEXT);
      // The other user is untouched.
      const bob = await sdkClient(app.url).send(new AdminGetUserCommand({ UserPoolId: poolId, Username: BOB.username }));
      expect(bob.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: BOB.email }]));

      // Her history still lists every event, in order, with the placeholders.
      const history = await rest('GET', `/v1/user-pools/${poolId}/users/${aliceSub}/history`);
      expect(history.status).toBe(200);
      const events = history.body.events as Array<{ type: string; data: Record<string, unknown>; userAgent?: string; clientIp?: string }>;
      expect(JSON.stringify(events)).not.toMatch(new RegExp(aliceValues.map((v) => v.replace(/[.]/g, '\\.')).join('|')));
      const signedUp = events.find((e) => e.type === 'UserSignedUp')!;
      expect(signedUp.data).toMatchObject({ username: erasedUsername(aliceSub), attributes: {} });
      expect(signedUp.userAgent).toBe(ERASED);
      expect(events.find((e) => e.type === 'SignInSucceeded')!.clientIp).toBe(ERASED);
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['UserSignedUp', 'UserAttributesUpdated', 'SignInSucceeded', 'UserAddedToGroup', 'UserDeleted']),
      );

      // As of an instant before the erasure, the directory shows her as erased.
      const asOf = await rest('GET', `/v1/user-pools/${poolId}/as-of/users?at=${beforeErasure}`);
      expect(asOf.status).toBe(200);
      const names = (asOf.body.Users as Array<{ Username: string }>).map((u) => u.Username).sort();
      expect(names).toEqual([BOB.username, erasedUsername(aliceSub)].sort());

      const verification = await rest('GET', '/v1/admin/log/verification');
      expect(verification.status).toBe(200);
      expect(verification.body).toMatchObject({ ok: true, findings: [] });
    },
    TEST_MS,
  );

  test(
    'a Kafka re-publication of the whole log carries none of her data (real broker)',
    async () => {
      const topic = uniqueTopic('erase');
      cleanups.push(() => deleteTopic(topic));
      // A fresh forwarder from the start of the log (its own checkpoint row did not exist): a re-publication.
      const forwarder = new KafkaForwarder({ store: app.platform.store, db: app.platform.db, brokers: kafkaBrokers(), topic, logger: quietLogger() });
      cleanups.push(() => forwarder.stop());
      await forwarder.start();
      // The topic exists once the forwarder has sent to it.
      await eventually(() => forwarder.status().forwarded > 0, 60_000);
      const reader = await TopicReader.start(topic);
      cleanups.push(() => reader.stop());
      const all = (await app.platform.store.readAll({ maxCount: 100_000 })).length;
      await eventually(async () => reader.messages().length >= all && (await reader.caughtUp()), 60_000);
      const published = reader.messages().map((m) => m.raw);
      const joined = published.join('\n');
      for (const v of aliceValues) expect(joined).not.toContain(v);
      expect(joined).toContain(BOB.email);
      const signedUp = reader.messages().find((m) => m.value.type === 'UserSignedUp' && m.value.streamId.endsWith(aliceSub))!;
      expect(signedUp.value.data).toMatchObject({ username: erasedUsername(aliceSub), attributes: {} });
    },
    TEST_MS,
  );

  test('an export of the log holds none of her data and still verifies offline', async () => {
    const file = join(tmpdir(), `cairn-erasure-${storage}-${Date.now()}.jsonl`);
    cleanups.push(() => rm(file, { force: true }));
    await writeLogExport(app.platform.db, app.platform.db, file);
    const text = await readFile(file, 'utf8');
    for (const v of aliceValues) expect(text).not.toContain(v);
    expect((await verifyLogExport(file)).ok).toBe(true);
  });
});
