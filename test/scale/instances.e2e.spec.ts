import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { rejection, sdkClient } from '../cognito/support.js';
import { adminAuth, call } from '../support/app.js';
import { eventually } from '../support/wait.js';
import { type Cluster, codeFor, startCluster } from './support/cluster.js';

const PASSWORD = 'Correct-Horse-9';
const FLOWS = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

/**
 * Issue 20, point 5: stateless API instances. Three `node dist/src/main.js` processes with
 * PROJECTIONS=external and two `node dist/projections/main.js` (a leader and a standby), all on
 * one fresh PostgreSQL database, with the same MASTER_KEY, admin key and PUBLIC_BASE_URL (the
 * balancer's address), behind a round-robin balancer that sends each request to the next instance.
 */
describe('three API instances and two projection processes on one PostgreSQL, behind a round-robin balancer', () => {
  let cluster: Cluster;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let webClient: string;
  let rotatingClient: string;

  /** The instances that served the requests since `mark`, for the given actions, in order. */
  const servedBy = (mark: number, ...actions: string[]) =>
    cluster.balancer
      .since(mark)
      .filter((r) => actions.includes(r.action))
      .map((r) => r.upstream);
  const signIn = (sdk: CognitoIdentityProviderClient, username: string, password = PASSWORD, clientId = webClient) =>
    sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
  /** A CONFIRMED user without any message (admin-created, permanent password). */
  const confirmedUser = async (username: string) => {
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
  };
  const listed = async (filter: string) => (await admin.send(new ListUsersCommand({ UserPoolId: poolId, Filter: filter }))).Users ?? [];
  const direct = (i: number) => new CognitoIdentityProviderClient({ endpoint: cluster.apis[i].url, region: 'eu-west-1', maxAttempts: 1 });
  /** A counter summed over every instance's /metrics (each process reports its own). */
  const metricSum = async (series: RegExp) => {
    let sum = 0;
    for (const api of cluster.apis) {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      for (const line of text.split('\n')) if (series.test(line)) sum += Number(line.split(' ').pop());
    }
    return sum;
  };

  beforeAll(async () => {
    cluster = await startCluster({ apis: 3, projections: 2 });
    admin = sdkClient(cluster.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: cluster.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'scale', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const client = async (input: Record<string, unknown>) =>
      (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', ExplicitAuthFlows: FLOWS as never, ...input }))).UserPoolClient!
        .ClientId!;
    webClient = await client({ ClientName: 'web' });
    rotatingClient = await client({ ClientName: 'rotating', RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } });
  }, 180_000);
  afterAll(async () => {
    admin?.destroy();
    anonymous?.destroy();
    await cluster?.stop();
  }, 60_000);

  test('sign up on one instance, confirm on another, sign in on a third; tokens name the balancer as issuer and every instance accepts them', async () => {
    const mark = cluster.balancer.log.length;
    await anonymous.send(
      new SignUpCommand({ ClientId: webClient, Username: 'alice', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'alice@scale.test' }] }),
    );
    const code = await codeFor(cluster.mails, 'alice@scale.test');
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: webClient, Username: 'alice', ConfirmationCode: code }));
    const tokens = (await signIn(anonymous, 'alice')).AuthenticationResult!;
    expect(new Set(servedBy(mark, 'SignUp', 'ConfirmSignUp', 'InitiateAuth')).size).toBe(3);

    // One issuer whichever instance signed, and a JWKS every instance serves alike (keys are in the log).
    const issuer = `${cluster.url}/${poolId}`;
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.IdToken!, jwks, { issuer, audience: webClient });
    expect(payload).toMatchObject({ 'cognito:username': 'alice', email: 'alice@scale.test', email_verified: true });
    const documents = await Promise.all(cluster.apis.map(async (a) => (await fetch(`${a.url}/${poolId}/.well-known/jwks.json`)).text()));
    expect(new Set(documents).size).toBe(1);
    for (let i = 0; i < cluster.apis.length; i++) {
      const sdk = direct(i);
      const me = await sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken! }));
      expect(me.Username).toBe('alice');
      sdk.destroy();
    }
  });

  test('read-your-writes across instances: what one instance answered, the next one lists at once', async () => {
    for (let i = 0; i < 6; i++) {
      const username = `ryw-${i}`;
      const mark = cluster.balancer.log.length;
      await anonymous.send(new SignUpCommand({ ClientId: webClient, Username: username, Password: PASSWORD }));
      const [user] = await listed(`username = "${username}"`);
      expect(user).toMatchObject({ Username: username, UserStatus: 'UNCONFIRMED' });
      await admin.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: poolId,
          Username: username,
          UserAttributes: [
            { Name: 'email', Value: `${username}@moved.test` },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
      expect((await listed(`email = "${username}@moved.test"`)).map((u) => u.Username)).toEqual([username]);
      await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: username }));
      expect((await listed(`username = "${username}"`))[0]?.Enabled).toBe(false);
      // Each write and the read after it went to different instances.
      const order = servedBy(mark, 'SignUp', 'ListUsers', 'AdminUpdateUserAttributes', 'AdminDisableUser');
      for (let k = 1; k < order.length; k++) expect(order[k]).not.toBe(order[k - 1]);
    }
  });

  test('a write of events the directory ignores (a resent code) answers at once on an instance that does not run the projections', async () => {
    await anonymous.send(
      new SignUpCommand({ ClientId: webClient, Username: 'bruno', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'bruno@scale.test' }] }),
    );
    await codeFor(cluster.mails, 'bruno@scale.test');
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await anonymous.send(new ResendConfirmationCodeCommand({ ClientId: webClient, Username: 'bruno' }));
      times.push(Date.now() - t0);
      await codeFor(cluster.mails, 'bruno@scale.test', i + 1);
    }
    // Within the leader's poll and checkpoint write; before the fix each waited CONSISTENCY_TIMEOUT_MS (5 s).
    expect(Math.max(...times)).toBeLessThan(1500);
  });

  test('refresh-token reuse is detected across instances: rotated on one, replayed on another, the family is revoked on all', async () => {
    await confirmedUser('rita');
    const mark = cluster.balancer.log.length;
    const first = (await signIn(anonymous, 'rita', PASSWORD, rotatingClient)).AuthenticationResult!;
    const second = (await anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingClient, RefreshToken: first.RefreshToken! })))
      .AuthenticationResult!;
    expect(second.RefreshToken).toBeDefined();
    expect(second.RefreshToken).not.toBe(first.RefreshToken);
    const reuse = await rejection(anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingClient, RefreshToken: first.RefreshToken! })));
    expect(reuse.name).toBe('RefreshTokenReuseException');
    expect(new Set(servedBy(mark, 'InitiateAuth', 'GetTokensFromRefreshToken')).size).toBe(3);
    // Every instance now refuses the family's current refresh token and its access tokens.
    for (let i = 0; i < cluster.apis.length; i++) {
      const sdk = direct(i);
      expect((await rejection(sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingClient, RefreshToken: second.RefreshToken! })))).name).toBe(
        'NotAuthorizedException',
      );
      expect((await rejection(sdk.send(new GetUserCommand({ AccessToken: second.AccessToken! })))).name).toBe('NotAuthorizedException');
      sdk.destroy();
    }
  });

  test('lockout is shared: a burst of wrong passwords over all instances checks only the free attempts, and the lock holds on every instance', async () => {
    cluster.balancer.source = '127.0.0.2';
    await confirmedUser('mallory');
    const wrong = /cairn_sign_ins_total\{flow="USER_PASSWORD_AUTH",result="failure",reason="WRONG_PASSWORD"\}/;
    const checkedBefore = await metricSum(wrong);
    const mark = cluster.balancer.log.length;
    const answers = await Promise.all(Array.from({ length: 12 }, () => rejection(signIn(anonymous, 'mallory', 'Wrong-Horse-9'))));
    expect(new Set(servedBy(mark, 'InitiateAuth')).size).toBe(3);
    const messages = answers.map((e: { message: string }) => e.message);
    expect(messages.filter((m) => m === 'Incorrect username or password.')).toHaveLength(5);
    expect(messages.filter((m) => m === 'Password attempts exceeded')).toHaveLength(7);
    // Five passwords were checked in all three processes together, not five per instance.
    expect((await metricSum(wrong)) - checkedBefore).toBe(5);
    // The right password is refused on every instance while the lock lasts, then accepted.
    const during = await Promise.all(cluster.apis.map(async (_, i) => rejection(signIn(direct(i), 'mallory'))));
    expect(during.map((e: { message: string }) => e.message)).toEqual([
      'Password attempts exceeded',
      'Password attempts exceeded',
      'Password attempts exceeded',
    ]);
    // Refused attempts count against their address too: each retry asks from an address of its
    // own, so only the user's lock is in the way (however fast the retries come).
    let retry = 0;
    await eventually(
      async () => {
        cluster.balancer.source = `127.0.5.${++retry}`;
        return (await signIn(anonymous, 'mallory')).AuthenticationResult?.AccessToken;
      },
      10_000,
      'the lock to run out',
    );
    cluster.balancer.source = '127.0.0.1';
  });

  test('the per-address limit is shared: 20 failures from one address over all instances, then it is refused everywhere; another address is not', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `guess-${i}`);
    for (const u of users) await confirmedUser(u);
    cluster.balancer.source = '127.0.0.3';
    const mark = cluster.balancer.log.length;
    // Three wrong guesses per user (none reaches its own lockout), thirty in flight at once.
    const answers = await Promise.all(users.flatMap((u) => [1, 2, 3].map(() => rejection(signIn(anonymous, u, 'Wrong-Horse-9')))));
    expect(new Set(servedBy(mark, 'InitiateAuth')).size).toBe(3);
    expect(answers.filter((e: { name: string }) => e.name === 'NotAuthorizedException')).toHaveLength(20);
    expect(answers.filter((e: { name: string }) => e.name === 'LimitExceededException')).toHaveLength(10);
    for (let i = 0; i < cluster.apis.length; i++) {
      expect((await rejection(signIn(anonymous, users[i]))).name).toBe('LimitExceededException');
    }
    cluster.balancer.source = '127.0.0.4';
    for (let i = 0; i < cluster.apis.length; i++) expect((await signIn(anonymous, users[i])).AuthenticationResult?.AccessToken).toBeDefined();
    cluster.balancer.source = '127.0.0.1';
  });

  test('settings changed on one instance reach the others within a second: an app client, a new admin key, a revoked one', async () => {
    await confirmedUser('sam');
    const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'changing', ExplicitAuthFlows: FLOWS as never })))
      .UserPoolClient!.ClientId!;
    const clients = cluster.apis.map((_, i) => direct(i));
    for (const sdk of clients) expect((await signIn(sdk, 'sam', PASSWORD, clientId)).AuthenticationResult).toBeDefined();
    // Every instance has the client in its stream cache now; change it through one of them.
    const changedAt = Date.now();
    await admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] }));
    for (const sdk of clients) {
      await eventually(
        async () => (await rejection(signIn(sdk, 'sam', PASSWORD, clientId))).name === 'InvalidParameterException',
        2000,
        'the client change on every instance',
      );
    }
    const clientMs = Date.now() - changedAt;

    const created = await call(cluster.apis[0].url, 'POST', '/v1/admin/keys', { label: 'scale' }, { authorization: adminAuth });
    expect(created.status).toBe(201);
    const { accessKeyId, secretAccessKey } = created.body as { accessKeyId: string; secretAccessKey: string };
    const newKey = cluster.apis.map((a) => sdkClient(a.url, { accessKeyId, secret: secretAccessKey }));
    const describe = (sdk: CognitoIdentityProviderClient) => sdk.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 1 }));
    for (const sdk of newKey) await eventually(async () => (await describe(sdk)).Users, 2000, 'the new admin key on every instance');
    expect((await call(cluster.apis[2].url, 'DELETE', `/v1/admin/keys/${accessKeyId}`, undefined, { authorization: adminAuth })).status).toBeLessThan(300);
    const refusal = async (sdk: CognitoIdentityProviderClient) => {
      try {
        await describe(sdk);
        return undefined;
      } catch (error) {
        return (error as Error).name;
      }
    };
    for (const sdk of newKey)
      expect(await eventually(() => refusal(sdk), 2000, 'the revoked key refused on every instance')).toBe('UnrecognizedClientException');
    for (const sdk of [...clients, ...newKey]) sdk.destroy();
    process.stdout.write(`scale: an app-client change reached all three instances' caches ${clientMs} ms after it was answered\n`);
  });

  test('SIGKILL of the leading projection process: the standby takes over while sign-ups go on, and read-your-writes holds throughout', async () => {
    const leader = cluster.projections.find((p) => p.proc.output().includes('projections: this runner is the leader'))!;
    const standby = cluster.projections.find((p) => p !== leader)!;
    expect(leader).toBeDefined();
    expect(standby.proc.output()).not.toContain('projections: this runner is the leader');

    const outcomes: Array<{ username: string; startedAt: number; ms: number; visible: boolean; error?: string }> = [];
    let stopped = false;
    let n = 0;
    const worker = async (w: number) => {
      const probe = sdkClient(cluster.url);
      while (!stopped) {
        const username = `load-${w}-${n++}`;
        const startedAt = Date.now();
        try {
          await anonymous.send(new SignUpCommand({ ClientId: webClient, Username: username, Password: PASSWORD }));
          const ms = Date.now() - startedAt;
          // The next request goes to another instance: the sign-up must be listed there already.
          const found = (await probe.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `username = "${username}"` }))).Users ?? [];
          outcomes.push({ username, startedAt, ms, visible: found.length === 1 });
        } catch (error) {
          outcomes.push({ username, startedAt, ms: Date.now() - startedAt, visible: false, error: (error as Error).name });
        }
      }
      probe.destroy();
    };
    const workers = Array.from({ length: 4 }, (_, w) => worker(w));
    try {
      await eventually(() => outcomes.length >= 20, 30_000, '20 sign-ups before the kill');
      const killedAt = Date.now();
      leader.proc.child.kill('SIGKILL');
      await standby.proc.waitFor('projections: this runner is the leader', 15_000);
      const tookOverAt = Date.now();
      await eventually(() => outcomes.filter((o) => o.startedAt > tookOverAt).length >= 20, 30_000, '20 sign-ups after the handover');
      stopped = true;
      await Promise.all(workers);

      expect(outcomes.filter((o) => o.error)).toEqual([]);
      expect(outcomes.filter((o) => !o.visible)).toEqual([]);
      const during = outcomes.filter((o) => o.startedAt >= killedAt - 1000 && o.startedAt <= tookOverAt);
      const slowest = Math.max(...outcomes.map((o) => o.ms));
      process.stdout.write(
        `scale: leader SIGKILLed, standby leading ${tookOverAt - killedAt} ms later; ${outcomes.length} sign-ups, ` +
          `${during.length} around the handover, slowest ${slowest} ms\n`,
      );
      // The writes in the gap waited for the new leader, well within CONSISTENCY_TIMEOUT_MS.
      expect(slowest).toBeLessThan(5000);
    } finally {
      stopped = true;
      await Promise.all(workers);
    }
    // A replacement standby (as a supervisor would restart the killed one).
    await cluster.startProjections('projections-c');
  });

  test('no instance waited out a read-your-writes timeout, and nothing was logged as an error', () => {
    const logs = cluster.logs();
    expect(logs.filter((l) => l.msg === 'read models lag behind a write').map((l) => l.process)).toEqual([]);
    expect(logs.filter((l) => l.level >= 50).map((l) => `${l.process}: ${l.msg}`)).toEqual([]);
  });
});
