import { createHmac } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  SignUpCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

describe('app clients and sign-up through the official Cognito SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  /** As a browser app would hold it: no AWS credentials at all. */
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'signups', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
  });
  afterAll(async () => app.destroy());

  async function latestCode(username: string): Promise<string> {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    const match = /(\d{6})/.exec(r.body.messages[0]?.body ?? '');
    if (!match) throw new Error(`no code for ${username}`);
    return match[1];
  }

  test('CreateUserPoolClient, Describe, List, Update (replaces the configuration) and Delete', async () => {
    const created = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          AccessTokenValidity: 2,
        }),
      )
    ).UserPoolClient!;
    expect(created.ClientId).toMatch(/^[a-z0-9]{26}$/);
    expect(created.ClientSecret).toBeUndefined();
    expect(created.CreationDate).toBeInstanceOf(Date);
    // A validity without its unit is in hours, as in Cognito.
    expect(created).toMatchObject({ AccessTokenValidity: 2, TokenValidityUnits: { AccessToken: 'hours', IdToken: 'minutes', RefreshToken: 'days' } });

    const described = (await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId }))).UserPoolClient!;
    expect(described).toMatchObject({ ClientName: 'web', UserPoolId: poolId, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });

    const listed = await admin.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 10 }));
    expect(listed.UserPoolClients).toEqual([{ ClientId: created.ClientId, UserPoolId: poolId, ClientName: 'web' }]);

    const updated = (await admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId, ClientName: 'web2' }))).UserPoolClient!;
    expect(updated).toMatchObject({ ClientName: 'web2', AccessTokenValidity: 60, TokenValidityUnits: { AccessToken: 'minutes' } });

    await admin.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId }));
    const gone = await rejection(admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId })));
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  test('SignUp and ConfirmSignUp need no AWS credentials; a wrong code is CodeMismatchException', async () => {
    const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'spa' }))).UserPoolClient!.ClientId!;
    const signed = await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'alice', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'alice@example.test' }] }),
    );
    expect(signed).toMatchObject({ UserConfirmed: false, CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: 'a***@e***' } });
    expect(signed.UserSub).toMatch(/^[0-9a-f-]{36}$/);

    const dup = await rejection(anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'ALICE', Password: PASSWORD })));
    expect(dup.name).toBe('UsernameExistsException');
    const weak = await rejection(anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: 'short' })));
    expect(weak.name).toBe('InvalidPasswordException');

    const code = await latestCode('alice');
    const wrong = await rejection(
      anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: code === '000000' ? '111111' : '000000' })),
    );
    expect(wrong.name).toBe('CodeMismatchException');
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: code }));
    const users = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users?usernamePrefix=alice`, undefined, { authorization: adminAuth });
    expect(users.body.users[0]).toMatchObject({ username: 'alice', status: 'CONFIRMED' });
  });

  test('a client with a secret needs SECRET_HASH; an unknown client is ResourceNotFoundException', async () => {
    const client = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'server', GenerateSecret: true }))).UserPoolClient!;
    expect(client.ClientSecret).toEqual(expect.any(String));
    const missing = await rejection(anonymous.send(new SignUpCommand({ ClientId: client.ClientId, Username: 'carol', Password: PASSWORD })));
    expect(missing.name).toBe('NotAuthorizedException');
    const hash = createHmac('sha256', client.ClientSecret!).update(`carol${client.ClientId}`).digest('base64');
    const ok = await anonymous.send(new SignUpCommand({ ClientId: client.ClientId, SecretHash: hash, Username: 'carol', Password: PASSWORD }));
    expect(ok.UserSub).toEqual(expect.any(String));

    const unknown = await rejection(anonymous.send(new SignUpCommand({ ClientId: 'nosuchclient0000000000000a', Username: 'dave', Password: PASSWORD })));
    expect(unknown.name).toBe('ResourceNotFoundException');
    expect(unknown.$metadata.httpStatusCode).toBe(400);
  });
});
