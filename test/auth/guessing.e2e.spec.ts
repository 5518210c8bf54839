import http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { PasswordHasher } from '../../src/auth/password-hasher.js';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

const PASSWORD = 'Correct-Horse-9';
const WRONG = 'Wrong-Horse-1';

/** Counts the verifies made against each hash (the dummy hash of unknown users included). */
class CountingHasher extends PasswordHasher {
  readonly verified = new Map<string, number>();
  override async verify(passwordHash: string, password: string): Promise<boolean> {
    this.verified.set(passwordHash, (this.verified.get(passwordHash) ?? 0) + 1);
    return super.verify(passwordHash, password);
  }
  total(): number {
    return [...this.verified.values()].reduce((a, b) => a + b, 0);
  }
}

/** An anonymous SDK client whose connections come from one loopback address (127.0.0.0/8 all reach the app). */
const from = (url: string, address: string) =>
  new CognitoIdentityProviderClient({
    endpoint: url,
    region: 'eu-west-1',
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ localAddress: address, keepAlive: false }) }),
  });

/**
 * Password guessing against two API instances sharing one PostgreSQL: the guess is counted before
 * the password is checked (in the database), so bursts check no more than the limits allow, and
 * names that match no user lock out the way users do without writing anything to the log.
 */
describe('guessing is bounded, however concurrent, across instances', () => {
  const hashers = [
    new CountingHasher({ memoryCost: 19456, timeCost: 2, parallelism: 1 }),
    new CountingHasher({ memoryCost: 19456, timeCost: 2, parallelism: 1 }),
  ];
  const env = { MASTER_KEY: randomBytes(32).toString('base64url') };
  let apps: RunningApp[];
  let poolId: string;
  let legacyClient: string;
  let hidingClient: string;

  beforeAll(async () => {
    const first = await startApp('postgres', env, undefined, { hasher: hashers[0] });
    const second = await startApp('postgres', env, { databaseUrl: first.databaseUrl }, { hasher: hashers[1] });
    apps = [first, second];
    const admin = sdkClient(first.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'guessing' }))).UserPool!.Id!;
    const client = async (name: string, prevent: 'ENABLED' | 'LEGACY') =>
      (
        await admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: name,
            ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
            PreventUserExistenceErrors: prevent,
          }),
        )
      ).UserPoolClient!.ClientId!;
    legacyClient = await client('legacy', 'LEGACY');
    hidingClient = await client('hiding', 'ENABLED');
    for (const name of ['victim', 'alice', ...Array.from({ length: 32 }, (_, i) => `crowd${i}`)]) {
      await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, MessageAction: 'SUPPRESS' }));
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: PASSWORD, Permanent: true }));
    }
  });

  afterAll(async () => {
    for (const app of [...(apps ?? [])].reverse()) await app.destroy();
  });

  const signIn = (client: CognitoIdentityProviderClient, clientId: string, username: string, password: string) =>
    client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));

  test('32 concurrent wrong passwords for one user, from 32 addresses, through both instances: at most 5 are checked', async () => {
    const before = hashers.map((h) => h.total());
    const attempts = Array.from({ length: 32 }, (_, i) => rejection(signIn(from(apps[i % 2].url, `127.0.0.${i + 2}`), legacyClient, 'victim', WRONG)));
    const answers = (await Promise.all(attempts)).map((e) => e.message);
    const checked = hashers.reduce((sum, h, i) => sum + h.total() - before[i], 0);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(answers.filter((m) => m === 'Incorrect username or password.')).toHaveLength(checked);
    expect(answers.filter((m) => m === 'Password attempts exceeded')).toHaveLength(32 - checked);
    // The right password is refused while the lock lasts.
    expect((await rejection(signIn(from(apps[0].url, '127.0.0.40'), legacyClient, 'victim', PASSWORD))).message).toBe('Password attempts exceeded');
  });

  test('32 concurrent failures from one address against many users: no more than the per-address limit are checked', async () => {
    const before = hashers.map((h) => h.total());
    const attempts = Array.from({ length: 32 }, (_, i) => rejection(signIn(from(apps[i % 2].url, '127.0.0.99'), legacyClient, `crowd${i}`, WRONG)));
    const errors = await Promise.all(attempts);
    const checked = hashers.reduce((sum, h, i) => sum + h.total() - before[i], 0);
    expect(checked).toBeLessThanOrEqual(20);
    expect(errors.filter((e) => e.name === 'LimitExceededException').length).toBe(32 - checked);
  });

  test('with existence hidden, an unknown name goes through the same answers as a known user, and the log does not grow', async () => {
    const events = async () =>
      Number((await apps[0].platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events WHERE stream_id LIKE $1', ['authlog-%'])).rows[0].n);
    const sequence = async (username: string, address: string) => {
      const out: string[] = [];
      for (let i = 0; i < 7; i++) out.push((await rejection(signIn(from(apps[i % 2].url, address), hidingClient, username, WRONG))).message);
      return out;
    };
    const known = await sequence('alice', '127.0.0.50');
    const logged = await events();
    const unknown = await sequence('nobody-at-all', '127.0.0.51');
    expect(unknown).toEqual(known);
    expect(known.slice(4)).toEqual(['Incorrect username or password.', 'Password attempts exceeded', 'Password attempts exceeded']);
    // A flood of names that match no user leaves the log as it was.
    for (let i = 0; i < 60; i++) await rejection(signIn(from(apps[i % 2].url, `127.0.1.${(i % 200) + 1}`), legacyClient, `ghost-${i}`, WRONG));
    expect(await events()).toBe(logged);
  });
});
