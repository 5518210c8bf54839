import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { createHmac } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';
import { fastSrpSignIn } from '../support/srp-client.js';

const PASSWORD = 'Correct-Horse-9';
const secretHash = (secret: string, username: string, clientId: string) =>
  createHmac('sha256', secret)
    .update(username + clientId)
    .digest('base64');

/** amazon-cognito-identity-js's authenticateUser: it runs USER_SRP_AUTH and PASSWORD_VERIFIER itself. */
function srpSignIn(url: string, poolId: string, clientId: string, username: string, password: string): Promise<CognitoUserSession> {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: url });
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('NEW_PASSWORD_REQUIRED')),
    }),
  );
}

/** The system's time, or an instant it is held at (a lock of one second outlasts the library's slow SRP arithmetic). */
const clock = {
  held: undefined as Date | undefined,
  now(): Date {
    return this.held ?? new Date();
  },
};

/** The library's SRP arithmetic is pure JavaScript: seconds per sign-in on a quiet machine, minutes on a loaded one. */
const LIBRARY_SIGN_IN_MS = 300_000;

describe('USER_SRP_AUTH, as amazon-cognito-identity-js signs in', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  let hidingClientId: string;

  const user = async (username: string) => {
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
    // The SRP verifier is recorded with the password the admin sets (no password sign-in needed first).
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
  };

  beforeAll(async () => {
    app = await startApp('pglite', {}, undefined, { clock });
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'srp' }))).UserPool!.Id!;
    const flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: [...flows] }))).UserPoolClient!
      .ClientId!;
    hidingClientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'hiding', ExplicitAuthFlows: [...flows], PreventUserExistenceErrors: 'ENABLED' }),
      )
    ).UserPoolClient!.ClientId!;
    await user('sally');
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test(
    'the right password signs in over SRP; the tokens verify against the JWKS',
    async () => {
      const session = await srpSignIn(app.url, poolId, clientId, 'sally', PASSWORD);
      const jwks = createRemoteJWKSet(new URL(`${app.url}/${poolId}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(session.getIdToken().getJwtToken(), jwks, { issuer: `${app.url}/${poolId}`, audience: clientId });
      expect(payload['cognito:username']).toBe('sally');
      expect(session.getRefreshToken().getToken()).toBeTruthy();
    },
    LIBRARY_SIGN_IN_MS,
  );

  test(
    'a user who signed up signs in over SRP at once: the verifier came with the sign-up',
    async () => {
      await anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'sam', Password: PASSWORD }));
      await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'sam' }));
      const session = await srpSignIn(app.url, poolId, clientId, 'sam', PASSWORD);
      expect(decodeJwt(session.getAccessToken().getJwtToken()).username).toBe('sam');
    },
    LIBRARY_SIGN_IN_MS,
  );

  test(
    'a wrong password is NotAuthorizedException, recorded as an auth event like a password sign-in',
    async () => {
      const error = await rejection(srpSignIn(app.url, poolId, clientId, 'sally', 'Wrong-Horse-1'));
      expect(error.code ?? error.name).toBe('NotAuthorizedException');
      expect(error.message).toBe('Incorrect username or password.');
      const events = await admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: 'sally' }));
      expect(events.AuthEvents![0]).toMatchObject({ EventResponse: 'Fail', ChallengeResponses: [{ ChallengeName: 'Password', ChallengeResponse: 'Failure' }] });
    },
    LIBRARY_SIGN_IN_MS,
  );

  test('an unknown user: UserNotFoundException, or with existence hidden the same challenge and the wrong-password answer', async () => {
    expect((await rejection(fastSrpSignIn(anonymous, { poolId, clientId, username: 'nobody', password: PASSWORD }))).name).toBe('UserNotFoundException');
    const hidden = await rejection(fastSrpSignIn(anonymous, { poolId, clientId: hidingClientId, username: 'nobody', password: PASSWORD }));
    expect([hidden.name, hidden.message]).toEqual(['NotAuthorizedException', 'Incorrect username or password.']);
    // The fake challenge is stable per name, as a real user's salt is.
    const start = (username: string) =>
      anonymous.send(new InitiateAuthCommand({ ClientId: hidingClientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: 'abcdef' } }));
    const [a, b, real] = [await start('nobody'), await start('nobody'), await start('sally')];
    expect(a.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(a.ChallengeParameters!.SALT).toBe(b.ChallengeParameters!.SALT);
    expect(Object.keys(a.ChallengeParameters!).sort()).toEqual(Object.keys(real.ChallengeParameters!).sort());
  });

  test('SRP counts against the lockout as password sign-ins do', async () => {
    // Seven SRP sign-ins: with the test's native-arithmetic client (the library above takes seconds each).
    await user('lucky');
    const signIn = (password: string) => fastSrpSignIn(anonymous, { poolId, clientId, username: 'lucky', password, now: clock.now() });
    expect((await signIn(PASSWORD)).AuthenticationResult?.AccessToken).toBeTruthy();
    clock.held = new Date();
    try {
      for (let i = 0; i < 5; i++) expect((await rejection(signIn('Wrong-Horse-1'))).message).toBe('Incorrect username or password.');
      expect((await rejection(signIn(PASSWORD))).message).toBe('Password attempts exceeded');
    } finally {
      clock.held = undefined;
    }
  });

  test('a client with a secret needs SECRET_HASH on both halves; a forged claim is refused', async () => {
    const secretClient = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'server', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] }),
      )
    ).UserPoolClient!;
    const missing = await rejection(
      anonymous.send(
        new InitiateAuthCommand({ ClientId: secretClient.ClientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'sally', SRP_A: 'abcdef' } }),
      ),
    );
    expect(missing.name).toBe('NotAuthorizedException');
    const hash = secretHash(secretClient.ClientSecret!, 'sally', secretClient.ClientId!);
    const started = await anonymous.send(
      new InitiateAuthCommand({
        ClientId: secretClient.ClientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: 'sally', SRP_A: 'abcdef', SECRET_HASH: hash },
      }),
    );
    const forged = await rejection(
      anonymous.send(
        new RespondToAuthChallengeCommand({
          ClientId: secretClient.ClientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeResponses: {
            USERNAME: 'sally',
            SECRET_HASH: hash,
            PASSWORD_CLAIM_SECRET_BLOCK: started.ChallengeParameters!.SECRET_BLOCK,
            PASSWORD_CLAIM_SIGNATURE: Buffer.alloc(32).toString('base64'),
            TIMESTAMP: new Date().toUTCString(),
          },
        }),
      ),
    );
    expect(forged.name).toBe('NotAuthorizedException');
  });
});
