import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { rejection, sdkClient } from '../cognito/support.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';

const PASSWORD = 'Correct-Horse-9';

/**
 * Issue 8 point 4, "SignUp's Session handed to ConfirmSignUp signs in": SignUp answers a Session;
 * ConfirmSignUp with it answers a Session that InitiateAuth (USER_AUTH) takes in place of a first
 * factor, once, for that user through that client.
 */
describe('Sign-in straight after sign-up (SignUp Session → ConfirmSignUp → USER_AUTH) through the AWS SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  let otherClientId: string;

  const signUpCode = async (username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    const messages = r.body.messages as Array<{ body: string }>;
    return /(\d{6})/.exec(messages.at(-1)?.body ?? '')![1];
  };
  const signUp = (username: string, client = clientId) =>
    anonymous.send(
      new SignUpCommand({ ClientId: client, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }),
    );
  const confirm = async (username: string, Session?: string, client = clientId) =>
    anonymous.send(new ConfirmSignUpCommand({ ClientId: client, Username: username, ConfirmationCode: await signUpCode(username), Session }));
  const signIn = (username: string, Session: string, client = clientId) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: client, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: username }, Session }));
  const status = async (username: string) => (await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).UserStatus;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'sign-up-sign-in',
          AutoVerifiedAttributes: ['email'],
          Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] } },
        }),
      )
    ).UserPool!.Id!;
    const client = async (name: string) =>
      (
        await admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name, ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
        )
      ).UserPoolClient!.ClientId!;
    clientId = await client('web');
    otherClientId = await client('other');
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('the Session of SignUp, given to ConfirmSignUp, answers a Session that signs the user in without a password (amr email), once', async () => {
    const signedUp = await signUp('ada');
    expect(signedUp.UserConfirmed).toBe(false);
    expect(signedUp.Session).toEqual(expect.any(String));
    const confirmed = await confirm('ada', signedUp.Session);
    expect(confirmed.Session).toEqual(expect.any(String));
    expect(await status('ada')).toBe('CONFIRMED');

    const answer = await signIn('ada', confirmed.Session!);
    expect(answer.ChallengeName).toBeUndefined();
    const id = decodeJwt(answer.AuthenticationResult!.IdToken!);
    expect(id.sub).toBe(signedUp.UserSub);
    expect(id.amr).toEqual(['email']);
    expect(answer.AuthenticationResult!.RefreshToken).toEqual(expect.any(String));

    // The same Session again: refused (the user has signed in; the sign-in's id is taken).
    const again = await rejection(signIn('ada', confirmed.Session!));
    expect(again.name).toBe('NotAuthorizedException');
    expect(again.message).toBe('Invalid session for the user, session can only be used once.');
  });

  test('ConfirmSignUp without a Session answers none; a Session is bound to its user and client; a wrong one confirms nothing', async () => {
    const plain = await signUp('bea');
    expect(Object.keys(await confirm('bea')).filter((k) => k !== '$metadata')).toEqual([]);
    // bea's SignUp Session cannot confirm carl, and a garbled one is refused: carl stays UNCONFIRMED.
    await signUp('carl');
    const wrongUser = await rejection(confirm('carl', plain.Session));
    expect(wrongUser.name).toBe('NotAuthorizedException');
    expect(wrongUser.message).toBe('Invalid session for the user.');
    expect((await rejection(confirm('carl', `${'x'.repeat(40)}`))).name).toBe('NotAuthorizedException');
    expect(await status('carl')).toBe('UNCONFIRMED');

    // A SignUp Session given through another client is refused too.
    const dora = await signUp('dora');
    expect((await rejection(confirm('dora', dora.Session, otherClientId))).name).toBe('NotAuthorizedException');
    expect(await status('dora')).toBe('UNCONFIRMED');
    const confirmed = await confirm('dora', dora.Session);

    // ConfirmSignUp's Session signs in only its user, only through its client, and is not a SignUp Session.
    expect((await rejection(signIn('bea', confirmed.Session!))).message).toBe('Invalid session for the user.');
    expect((await rejection(signIn('dora', confirmed.Session!, otherClientId))).message).toBe('Invalid session for the user.');
    expect((await rejection(signIn('dora', dora.Session!))).message).toBe('Invalid session for the user.');
    const signedIn = await signIn('dora', confirmed.Session!);
    expect(decodeJwt(signedIn.AuthenticationResult!.AccessToken!).sub).toBe(dora.UserSub);
  });

  test('a user who has signed in already cannot use the Session afterwards', async () => {
    const eve = await signUp('eve');
    const confirmed = await confirm('eve', eve.Session);
    await anonymous.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'eve', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD } }),
    );
    const refused = await rejection(signIn('eve', confirmed.Session!));
    expect(refused.name).toBe('NotAuthorizedException');
  });
});
