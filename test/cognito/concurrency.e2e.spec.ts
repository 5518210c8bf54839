import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Agent } from 'node:http';
import { type RunningApp, type Storage, startApp } from '../support/app.js';
import { sdkClient } from './support.js';

const NAMES = ['racer1', 'racer2', 'racer3', 'racer4', 'racer5'];
const CALLS_PER_NAME = 40;
/** Spellings a case-insensitive pool must treat as one username. */
const spell = (name: string, i: number) =>
  [name, name.toUpperCase(), name[0].toUpperCase() + name.slice(1), name.replace(/[aeiou]/g, (c) => c.toUpperCase())][i % 4];

// The "done when": 200 concurrent SignUp calls over 5 usernames give exactly 5 users.
// Every call hashes a password (argon2) before it races for the username, so this is slow by design.
describe.each<Storage>(['pglite', 'postgres'])('concurrent SignUp of the same usernames (%s)', (storage) => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    app = await startApp(storage);
    admin = sdkClient(app.url);
    // Enough sockets that all 200 calls are in flight together (the SDK's default is 50).
    anonymous = new CognitoIdentityProviderClient({
      endpoint: app.url,
      region: 'eu-west-1',
      maxAttempts: 1,
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 200 }) },
    });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: `race-${storage}` }))).UserPool!.Id!;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
  });
  afterAll(async () => {
    anonymous.destroy();
    await app.destroy();
  });

  test('200 concurrent SignUp calls over 5 usernames (mixed case) give exactly 5 users', async () => {
    const calls = NAMES.flatMap((name) => Array.from({ length: CALLS_PER_NAME }, (_, i) => spell(name, i)));
    expect(calls).toHaveLength(200);

    // 1. All at once.
    const results = await Promise.allSettled(
      calls.map((username) => anonymous.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: 'Correct-Horse-9' }))),
    );

    // 2. One winner per name; every other call lost the race with UsernameExistsException.
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
    expect(won).toHaveLength(5);
    expect(lost).toHaveLength(195);
    expect(new Set(lost)).toEqual(new Set(['UsernameExistsException']));

    // 3. The directory holds the five, one per name whatever spelling won.
    const listed = (await admin.send(new ListUsersCommand({ UserPoolId: poolId }))).Users!;
    expect(listed).toHaveLength(5);
    expect(listed.map((u) => u.Username!.toLowerCase()).sort()).toEqual(NAMES);

    // 4. And the log of record has exactly five sign-up facts for the pool.
    const r = await app.platform.db.query<{ count: string | number }>(
      `SELECT count(*) AS count FROM es_events WHERE type = 'UserSignedUp' AND data->>'poolId' = $1`,
      [poolId],
    );
    expect(Number(r.rows[0].count)).toBe(5);
  }, 120_000);
});
