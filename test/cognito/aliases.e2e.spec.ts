import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

describe('sign-in names: email alias and email-as-username pools', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;

  const code = async (poolId: string, username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    return /(\d{6})/.exec(r.body.messages[0].body)![1];
  };
  const pool = async (input: Record<string, unknown>) => {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'names', AutoVerifiedAttributes: ['email'], ...input }))).UserPool!.Id!;
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    return { poolId, clientId };
  };
  const signIn = (clientId: string, name: string) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD } }));

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  });
  afterAll(async () => app.destroy());

  test('an email alias works for sign-in once verified; a second user cannot verify the same email as an alias', async () => {
    const { poolId, clientId } = await pool({ AliasAttributes: ['email'] });
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'ada', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'Ada@Example.test' }] }),
    );
    // Not verified yet: the email is no sign-in name.
    expect((await rejection(signIn(clientId, 'ada@example.test'))).name).toBe('UserNotFoundException');
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ada', ConfirmationCode: await code(poolId, 'ada') }));
    const tokens = await signIn(clientId, 'ADA@example.TEST');
    expect(tokens.AuthenticationResult!.IdToken).toEqual(expect.any(String));
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ada@example.test' }))).Username).toBe('ada');
    await anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ada@example.test' }));

    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'bea', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'ada@example.test' }] }),
    );
    const taken = await rejection(
      anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'bea', ConfirmationCode: await code(poolId, 'bea') })),
    );
    expect(taken.name).toBe('AliasExistsException');
    // An admin moving the verified email to another user is refused the same way.
    const moved = await rejection(
      admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'bea', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] })),
    );
    expect(moved.name).toBe('AliasExistsException');
  });

  test('an email-as-username pool signs in by email; the username is the sub', async () => {
    const { poolId, clientId } = await pool({ UsernameAttributes: ['email'] });
    const signedUp = await anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'cy@example.test', Password: PASSWORD }));
    await anonymous.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: 'CY@example.test', ConfirmationCode: await code(poolId, signedUp.UserSub!) }),
    );
    const tokens = (await signIn(clientId, 'cy@example.test')).AuthenticationResult!;
    const claims = JSON.parse(Buffer.from(tokens.IdToken!.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ 'cognito:username': signedUp.UserSub, email: 'cy@example.test', sub: signedUp.UserSub });
    expect((await rejection(anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'Cy@Example.test', Password: PASSWORD })))).name).toBe(
      'UsernameExistsException',
    );
  });
});
