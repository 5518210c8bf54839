import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN, adminAuth, call, type RunningApp, startApp } from '../support/app.js';
import { REPO } from '../support/processes.js';
import { rejection, sdkClient } from '../cognito/support.js';
import { settled } from './support/chained-log.js';
import { caughtUp } from './support/follow.js';

const PASSWORD = 'Correct-Horse-9';

/**
 * A user's history through the REST route, driven by the AWS SDK on the real app (PostgreSQL):
 * sign-up, confirmation, an attribute change, sign-ins (one failed), a revoked refresh token,
 * group changes and deletion, in global order with who did it and from where, no secrets.
 */
describe("a user's history (REST, PostgreSQL)", () => {
  let app: RunningApp & { dataDir: string; databaseUrl?: string };
  let poolId: string;
  let aliceSub: string;

  const get = (path: string, auth = adminAuth) => call(app.url, 'GET', path, undefined, auth ? { authorization: auth } : {});

  beforeAll(async () => {
    app = await startApp('postgres');
    const admin = sdkClient(app.url);
    const anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'history' }))).UserPool!.Id!;
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    const signIn = (username: string, password: string) =>
      anonymous.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
      );

    aliceSub = (
      await anonymous.send(
        new SignUpCommand({ ClientId: clientId, Username: 'alice', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'alice@history.test' }] }),
      )
    ).UserSub!;
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'bob@history.test' }] }),
    );
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'alice' }));
    await admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'alice', UserAttributes: [{ Name: 'name', Value: 'Alice' }] }));
    const tokens = (await signIn('alice', PASSWORD)).AuthenticationResult!;
    await rejection(signIn('alice', 'Wrong-Horse-9'));
    await anonymous.send(new RevokeTokenCommand({ ClientId: clientId, Token: tokens.RefreshToken! }));
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'staff' }));
    await admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'staff' }));
    await admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'alice' }));
    // Readers (the projections among them) see an event once no older transaction is still running, server-wide.
    await settled(app.platform.db);
    await caughtUp(app.platform);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('every event of the user, in global order, across its streams; found by the name it had after deletion', async () => {
    const r = await get(`/v1/user-pools/${poolId}/users/alice/history`);
    expect(r.status).toBe(200);
    expect(r.body.sub).toBe(aliceSub);
    const events = r.body.events as Array<{ type: string; stream: string; streamId: string; position: string }>;
    // Only this user's streams: their own, sign-ins, memberships, and the one sign-in's refresh tokens.
    const family = events.find((e) => e.type === 'RefreshTokenIssued')!.streamId;
    for (const e of events)
      expect([`user-${poolId}-${aliceSub}`, `authlog-${poolId}-${aliceSub}`, `groups-${poolId}-${aliceSub}`, family]).toContain(e.streamId);
    const positions = events.map((e) => e.position.split('/').map(BigInt));
    expect(positions.every((p, i) => i === 0 || p[0] > positions[i - 1][0] || (p[0] === positions[i - 1][0] && p[1] > positions[i - 1][1]))).toBe(true);
    // The changes this test made, in the order it made them (other events, e.g. an SRP verifier recorded at sign-in, may sit between).
    const made = [
      'UserSignedUp',
      'UserConfirmed',
      'UserAttributesUpdated',
      'SignInSucceeded',
      'RefreshTokenIssued',
      'SignInFailed',
      'RefreshTokenFamilyRevoked',
      'UserAddedToGroup',
      'UserRemovedFromGroup',
      'UserDeleted',
    ];
    const seen = events.map((e) => `${e.stream}:${e.type}`).filter((t) => made.includes(t.split(':')[1]));
    expect(seen).toEqual([
      'user:UserSignedUp',
      'user:UserConfirmed',
      'user:UserAttributesUpdated',
      // One transaction writes both; their order inside it is the append's.
      expect.stringMatching(/^(authlog:SignInSucceeded|refresh:RefreshTokenIssued)$/),
      expect.stringMatching(/^(authlog:SignInSucceeded|refresh:RefreshTokenIssued)$/),
      'authlog:SignInFailed',
      'refresh:RefreshTokenFamilyRevoked',
      'groups:UserAddedToGroup',
      'groups:UserRemovedFromGroup',
      'user:UserDeleted',
    ]);
    expect(new Set(seen.slice(3, 5))).toEqual(new Set(['authlog:SignInSucceeded', 'refresh:RefreshTokenIssued']));
  });

  test('each event says who caused it, from where, under which request; secrets are removed', async () => {
    const r = await get(`/v1/user-pools/${poolId}/users/${aliceSub}/history`);
    const byType = Object.fromEntries((r.body.events as Array<{ type: string }>).map((e) => [e.type, e])) as Record<string, Record<string, any>>;
    expect(byType.UserConfirmed.actor).toEqual({ kind: 'admin', id: ADMIN.id });
    expect(byType.UserSignedUp.actor).toEqual({ kind: 'anonymous' });
    expect(byType.SignInFailed).toMatchObject({ clientIp: '127.0.0.1', data: { reason: 'WRONG_PASSWORD' } });
    for (const e of Object.values(byType))
      expect(e).toMatchObject({
        correlationId: expect.any(String),
        causationId: expect.any(String),
        eventId: expect.any(String),
        occurredAt: expect.any(String),
      });
    const text = JSON.stringify(r.body);
    for (const secret of ['passwordHash', 'codeHash', 'refreshTokenHash', '"srp"', '$argon2id']) expect(text).not.toContain(secret);
    expect(byType.UserSignedUp.data).toMatchObject({ username: 'alice', attributes: { email: 'alice@history.test' } });
  });

  test('pages of 4 go on after each other with an opaque token, and add up to the whole history', async () => {
    const all = (await get(`/v1/user-pools/${poolId}/users/alice/history`)).body.events;
    const seen: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await get(`/v1/user-pools/${poolId}/users/alice/history?limit=4${token ? `&cursor=${encodeURIComponent(token)}` : ''}`);
      seen.push(...r.body.events);
      token = r.body.nextCursor;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(all.length / 4));
    expect(seen).toEqual(all);
  });

  test("another user's history holds only their own events; a token of one user's history is refused for another's", async () => {
    const bob = await get(`/v1/user-pools/${poolId}/users/bob/history?limit=1`);
    expect(bob.body.events.map((e: { type: string }) => e.type)).toEqual(['UserSignedUp']);
    const refused = await get(`/v1/user-pools/${poolId}/users/alice/history?cursor=${encodeURIComponent(bob.body.nextCursor)}`);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('InvalidParameterException');
  });

  test('an unknown user is 404, a missing admin key 401', async () => {
    expect((await get(`/v1/user-pools/${poolId}/users/nobody/history`)).body.code).toBe('UserNotFoundException');
    expect((await get(`/v1/user-pools/${poolId}/users/alice/history`, '')).status).toBe(401);
  });

  test('the CLI shows the same history, and the directory as of now, from the same database', async () => {
    const cli = async (...args: string[]) =>
      JSON.parse(
        (
          await promisify(execFile)(process.execPath, [join(REPO, 'dist/src/cli.js'), 'history', ...args], {
            cwd: REPO,
            env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: app.databaseUrl, DATA_DIR: app.dataDir },
          })
        ).stdout,
      );
    const rest = (await get(`/v1/user-pools/${poolId}/users/alice/history`)).body;
    const shown = await cli('user', poolId, 'alice');
    expect(shown.events.map((e: { eventId: string }) => e.eventId)).toEqual(rest.events.map((e: { eventId: string }) => e.eventId));
    const now = await cli('as-of', poolId, new Date(Date.now() + 60_000).toISOString(), 'users');
    expect(now.Users.map((u: { Username: string }) => u.Username)).toEqual(['bob']);
  });

  test("the log verification route proves the app's whole log: every event chained, checkpoints matching", async () => {
    await settled(app.platform.db);
    await caughtUp(app.platform);
    const r = await get('/v1/admin/log/verification');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, findings: [], preChain: 0 });
    expect(r.body.chained).toBe(r.body.events);
    expect(r.body.checkpoints.eventsCovered).toBe(r.body.events);
  });
});
