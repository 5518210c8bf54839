import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUsersInGroupCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { generateSync } from 'otplib';
import { adminAuth, call, type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';
import { settled } from './support/chained-log.js';
import { caughtUp } from './support/follow.js';

const PASSWORD = 'Correct-Horse-9';
const PASSPHRASE = 'moving day for the whole directory';
const TEST_MS = 540_000;
const totp = (secret: string) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) });

/**
 * Export → import into a fresh deployment (embedded PGlite → another database on PostgreSQL, a
 * new master key): the same users sign in with their old passwords through the AWS SDK, the TOTP
 * user with their authenticator too; groups come along; an erased user does not.
 */
describe('export and import without lock-in (PGlite → PostgreSQL)', () => {
  let from: RunningApp;
  let to: RunningApp;
  let poolId: string;
  let clientId: string;
  let totpSecret: string;
  /** The TOTP time step the enrolment used: the imported user's state remembers it, so the same code is refused as a replay. */
  let enrolledStep: number;
  let file: string;

  const anonymous = (app: RunningApp) => new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  const signIn = (app: RunningApp, username: string, password = PASSWORD) =>
    anonymous(app).send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );

  beforeAll(async () => {
    from = await startApp('pglite');
    const admin = sdkClient(from.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'moving' }))).UserPool!.Id!;
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    for (const [username, email] of [
      ['ann-moves', 'ann@moving.test'],
      ['tom-totp', 'tom@moving.test'],
      ['eve-erased', 'eve.gone@moving.test'],
    ]) {
      await anonymous(from).send(
        new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
      );
      await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
    }
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'ann-moves', GroupName: 'staff' }));
    // Tom enrols an authenticator and prefers it.
    const accessToken = (await signIn(from, 'tom-totp')).AuthenticationResult!.AccessToken!;
    totpSecret = (await anonymous(from).send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }))).SecretCode!;
    await anonymous(from).send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(totpSecret) }));
    enrolledStep = Math.floor(Date.now() / 30_000);
    await anonymous(from).send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    expect((await call(from.url, 'POST', `/v1/user-pools/${poolId}/users/eve-erased/erase`, undefined, { authorization: adminAuth })).status).toBe(200);
    await settled(from.platform.db);
    await caughtUp(from.platform);

    const exported = await call(from.url, 'POST', '/v1/admin/export', { passphrase: PASSPHRASE }, { authorization: adminAuth });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    file = exported.body as string;
    await from.stop();

    to = await startApp('postgres', { BODY_LIMIT: String(20 * 1024 * 1024) });
  }, TEST_MS);

  afterAll(async () => {
    await to?.destroy();
    await from?.destroy().catch(() => undefined);
  }, TEST_MS);

  test('the file: the format header, secrets under the transport key only, no trace of the erased user', () => {
    const lines = file
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines[0]).toMatchObject({ format: 'cairn-export', version: 1, pool: null, transport: { kdf: 'scrypt' } });
    expect(lines.at(-1)!.end.events).toBe(lines.length - 2);
    const seeds = lines.filter((l) => l.event?.type === 'SoftwareTokenAssociated').map((l) => l.event.data.encryptedSeed as string);
    expect(seeds.length).toBe(1);
    expect(seeds[0]).toMatch(/^x1\./);
    expect(file).not.toContain(totpSecret);
    expect(file).not.toMatch(/eve-erased|eve\.gone@moving\.test/);
    expect(file).toContain('ann@moving.test');
    expect(lines.some((l) => l.event?.streamId === 'admin-keys')).toBe(false);
  });

  test(
    'imported into a fresh deployment with another master key: the same users sign in with their old passwords and their authenticator',
    async () => {
      expect((await call(to.url, 'POST', '/v1/admin/import', { passphrase: 'not the passphrase at all', file }, { authorization: adminAuth })).status).toBe(
        400,
      );
      const imported = await call(to.url, 'POST', '/v1/admin/import', { passphrase: PASSPHRASE, file }, { authorization: adminAuth });
      expect(imported.status).toBe(200);
      expect(imported.body).toMatchObject({ pools: [poolId] });
      // Into a deployment that already holds the pool: refused, nothing written.
      expect((await call(to.url, 'POST', '/v1/admin/import', { passphrase: PASSPHRASE, file }, { authorization: adminAuth })).status).toBe(400);
      await settled(to.platform.db);
      await caughtUp(to.platform);

      const ann = await signIn(to, 'ann-moves');
      expect(ann.AuthenticationResult?.AccessToken).toBeDefined();
      await expect(signIn(to, 'ann-moves', 'Wrong-Horse-9')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      // Signed in by email alias? No: the pool has none; by username, as before.
      // A code of a later time step than the enrolment's (the step used there counts once, after the move too).
      while (Math.floor(Date.now() / 30_000) <= enrolledStep) await new Promise((resolve) => setTimeout(resolve, 500));
      const tom = await signIn(to, 'tom-totp');
      expect(tom.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      const answered = await anonymous(to).send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: tom.Session,
          ChallengeResponses: { USERNAME: 'tom-totp', SOFTWARE_TOKEN_MFA_CODE: totp(totpSecret) },
        }),
      );
      expect(answered.AuthenticationResult?.IdToken).toBeDefined();

      const admin = sdkClient(to.url);
      const members = await admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
      expect(members.Users?.map((u) => u.Username)).toEqual(['ann-moves']);
      const got = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann-moves' }));
      expect(got.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'ann@moving.test' }]));
      await expect(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'eve-erased' }))).rejects.toMatchObject({
        name: 'UserNotFoundException',
      });
      // The imported log is chained anew and verifies.
      const verification = await call(to.url, 'GET', '/v1/admin/log/verification', undefined, { authorization: adminAuth });
      expect(verification.body).toMatchObject({ ok: true });
    },
    TEST_MS,
  );
});
