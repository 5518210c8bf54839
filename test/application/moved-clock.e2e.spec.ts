import {
  ConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  AdminCreateUserCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeProtectedHeader } from 'jose';
import { ManualClock } from '../../src/shared/clock.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

const PASSWORD = 'Correct-Horse-9';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Time-dependent rules, tested by moving the service's injected clock instead of waiting:
 * a code expires, a lockout ends, a challenge session and an access token expire, a rotated
 * signing key takes over and the old one leaves the JWKS. (SigV4 stays on the wall clock: it
 * is about the caller's clock, not the service's rules.)
 */
describe('the injected clock drives every time-dependent rule', () => {
  const clock = new ManualClock('2026-06-01T12:00:00.000Z');
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  const outboxCode = async (username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${username}`, undefined, { authorization: adminAuth });
    return /(\d{6})/.exec(r.body.messages[0].body)![1];
  };
  const signIn = (username: string, password = PASSWORD) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
  const signUpConfirmed = async (username: string) => {
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@clock.test` }] }),
    );
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: await outboxCode(username) }));
  };

  beforeAll(async () => {
    app = await startApp('pglite', {}, undefined, { clock });
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'clock', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const client = await admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'web',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AuthSessionValidity: 5,
      }),
    );
    clientId = client.UserPoolClient!.ClientId!;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('a sign-up code expires 24 hours after it was sent', async () => {
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'late', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'late@clock.test' }] }),
    );
    const code = await outboxCode('late');
    clock.advance(DAY + 1000);
    const error = await rejection(anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'late', ConfirmationCode: code })));
    expect(error.name).toBe('ExpiredCodeException');
  });

  test('a lockout ends when its time has passed, not before', async () => {
    await signUpConfirmed('locked');
    for (let i = 0; i < 5; i++) expect((await rejection(signIn('locked', 'Wrong-Horse-1'))).message).toBe('Incorrect username or password.');
    // Five failures lock for a second: the right password is refused until the clock moves.
    expect((await rejection(signIn('locked'))).message).toBe('Password attempts exceeded');
    clock.advance(999);
    expect((await rejection(signIn('locked'))).message).toBe('Password attempts exceeded');
    clock.advance(2);
    expect((await signIn('locked')).AuthenticationResult?.AccessToken).toBeDefined();
  });

  test("a challenge session lasts the client's AuthSessionValidity", async () => {
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'invited', TemporaryPassword: 'Temp-Horse-9', MessageAction: 'SUPPRESS' }));
    const first = await signIn('invited', 'Temp-Horse-9');
    expect(first.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const answer = () =>
      anonymous.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: first.Session,
          ChallengeResponses: { USERNAME: 'invited', NEW_PASSWORD: PASSWORD },
        }),
      );
    clock.advance(5 * 60_000 + 1000);
    expect((await rejection(answer())).message).toBe('Invalid session for the user, session is expired.');
    const second = await signIn('invited', 'Temp-Horse-9');
    clock.advance(4 * 60_000);
    const done = await anonymous.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: second.Session,
        ChallengeResponses: { USERNAME: 'invited', NEW_PASSWORD: PASSWORD },
      }),
    );
    expect(done.AuthenticationResult?.IdToken).toBeDefined();
  });

  test('an access token expires after its validity (one hour by default)', async () => {
    await signUpConfirmed('expiring');
    const tokens = (await signIn('expiring')).AuthenticationResult!;
    expect((await anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).Username).toBe('expiring');
    clock.advance(HOUR + 1000);
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).message).toBe('Access Token has expired');
  });

  test('a rotated key signs after the publish lead; the old one leaves the JWKS once no token it signed can be valid', async () => {
    await signUpConfirmed('rotator');
    const kidOf = async () => decodeProtectedHeader((await signIn('rotator')).AuthenticationResult!.IdToken!).kid;
    const jwks = async () => (await call(app.url, 'GET', `/${poolId}/.well-known/jwks.json`)).body.keys.map((k: { kid: string }) => k.kid);
    const oldKid = await kidOf();
    const rotated = await call(app.url, 'POST', `/v1/user-pools/${poolId}/signing-keys/rotate`, undefined, { authorization: adminAuth });
    expect(rotated.status).toBe(200);
    const newKid = rotated.body.kid;
    expect(newKid).not.toBe(oldKid);
    // Published at once, signing only after the publish lead (an hour).
    expect(await jwks()).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(await kidOf()).toBe(oldKid);
    clock.set(rotated.body.activatesAt);
    clock.advance(1000);
    expect(await kidOf()).toBe(newKid);
    expect(await jwks()).toEqual(expect.arrayContaining([oldKid, newKid]));
    // The old key stays published for the longest token lifetime (a day) plus clock skew, then goes.
    clock.advance(DAY + 10 * 60_000);
    expect(await jwks()).toEqual([newKid]);
  });
});
