import {
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminLinkProviderForUserCommand,
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { rejection, sdkClient } from '../cognito/support.js';
import { confirmedUser, PASSWORD } from '../oauth/support.js';
import { type RunningApp, startApp } from '../support/app.js';
import { fastSrpSignIn } from '../support/srp-client.js';

const WRONG = ['NotAuthorizedException', 'Incorrect username or password.'];

/**
 * AdminDisableProviderForUser with ProviderName Cognito (Cognito_Subject, the username): the
 * native user can no longer sign in with its password, in any flow; the call is not refused, the
 * user stays (enabled, with its linked identities), and other users are untouched.
 */
describe('AdminDisableProviderForUser on a native user (ProviderName Cognito)', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'native-disable' }))).UserPool!.Id!;
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'app',
          ExplicitAuthFlows: [
            'ALLOW_USER_PASSWORD_AUTH',
            'ALLOW_ADMIN_USER_PASSWORD_AUTH',
            'ALLOW_USER_SRP_AUTH',
            'ALLOW_USER_AUTH',
            'ALLOW_REFRESH_TOKEN_AUTH',
          ],
        }),
      )
    ).UserPoolClient!.ClientId!;
    await admin.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'Corp',
        ProviderType: 'OIDC',
        ProviderDetails: {
          client_id: 'c',
          client_secret: 's',
          attributes_request_method: 'GET',
          oidc_issuer: 'https://idp.example.com',
          authorize_scopes: 'openid',
        },
      }),
    );
  }, 300_000);
  afterAll(() => app.destroy());

  const passwordAuth = (username: string) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
  const adminPasswordAuth = (username: string) =>
    admin.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD },
      }),
    );
  const userAuthPassword = (username: string) =>
    anonymous.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: username, PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD } }),
    );
  const every = (username: string) => [
    passwordAuth(username),
    adminPasswordAuth(username),
    fastSrpSignIn(anonymous, { poolId, clientId, username, password: PASSWORD }),
    userAuthPassword(username),
    fastSrpSignIn(anonymous, { poolId, clientId, username, password: PASSWORD, flow: 'USER_AUTH' }),
  ];

  test('the call is accepted; password, admin password, SRP and USER_AUTH PASSWORD / PASSWORD_SRP sign-ins are refused as a wrong password', async () => {
    await confirmedUser(admin, poolId, 'olga');
    await confirmedUser(admin, poolId, 'pavel');
    await admin.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: poolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'olga' },
        SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'olga-at-corp' },
      }),
    );
    // Before: every password flow signs olga in.
    for (const answer of await Promise.all(every('olga'))) expect(answer.AuthenticationResult?.AccessToken).toEqual(expect.any(String));

    const answer = await admin.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId: poolId,
        User: { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'olga' },
      }),
    );
    expect(answer.$metadata.httpStatusCode).toBe(200);
    // Again: nothing more to disable, still accepted.
    await admin.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId: poolId,
        User: { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'olga' },
      }),
    );

    for (const attempt of every('olga')) {
      const refused = await rejection(attempt);
      expect([refused.name, refused.message]).toEqual(WRONG);
    }
    // The user stays, enabled and confirmed, with its linked identity.
    const olga = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'olga' }));
    expect([olga.Enabled, olga.UserStatus]).toEqual([true, 'CONFIRMED']);
    expect(JSON.parse(olga.UserAttributes!.find((a) => a.Name === 'identities')!.Value!)).toEqual([
      expect.objectContaining({ userId: 'olga-at-corp', providerName: 'Corp' }),
    ]);
    // Another user is untouched.
    for (const ok of await Promise.all(every('pavel'))) expect(ok.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  }, 300_000);

  test('an unknown username is UserNotFoundException; another attribute than Cognito_Subject is InvalidParameterException', async () => {
    const unknown = await rejection(
      admin.send(
        new AdminDisableProviderForUserCommand({
          UserPoolId: poolId,
          User: { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'nobody' },
        }),
      ),
    );
    expect([unknown.name, unknown.message]).toEqual(['UserNotFoundException', 'User does not exist.']);
    const attribute = await rejection(
      admin.send(
        new AdminDisableProviderForUserCommand({
          UserPoolId: poolId,
          User: { ProviderName: 'Cognito', ProviderAttributeName: 'email', ProviderAttributeValue: 'pavel' },
        }),
      ),
    );
    expect(attribute.name).toBe('InvalidParameterException');
    // pavel still signs in: a refused call wrote nothing.
    expect((await passwordAuth('pavel')).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });
});
