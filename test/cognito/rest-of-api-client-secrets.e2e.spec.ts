import { createHmac } from 'node:crypto';
import {
  AddUserPoolClientSecretCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientSecretCommand,
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

/** Issue 12, point 2: client secret rotation through the SDK (two active secrets, either accepted). */
describe('client secrets: Add/List/DeleteUserPoolClientSecret', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const hash = (secret: string, clientId: string, username = 'rita') =>
    createHmac('sha256', secret)
      .update(username + clientId)
      .digest('base64');
  const signIn = (clientId: string, secretHash: string) =>
    anonymous.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'rita', PASSWORD, SECRET_HASH: secretHash } }),
    );
  const confidential = async () =>
    (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'backend',
          GenerateSecret: true,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'rotation' }))).UserPool!.Id!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'rita', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'rita', Password: PASSWORD, Permanent: true }));
  });
  afterAll(async () => app.destroy());

  test('a generated second secret: both are accepted until the first is deleted', async () => {
    const client = await confidential();
    const clientId = client.ClientId!;
    const first = client.ClientSecret!;

    const listed = (await admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets!;
    expect(listed).toEqual([{ ClientSecretId: expect.stringMatching(new RegExp(`^${clientId}--\\d+$`)), ClientSecretCreateDate: client.CreationDate }]);
    const firstId = listed[0].ClientSecretId!;

    const added = (await admin.send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecretDescriptor!;
    expect(added).toEqual({
      ClientSecretId: expect.stringMatching(new RegExp(`^${clientId}--\\d+$`)),
      ClientSecretValue: expect.stringMatching(/^[a-z0-9]{51}$/),
      ClientSecretCreateDate: expect.any(Date),
    });
    const second = added.ClientSecretValue!;
    expect(added.ClientSecretId).not.toBe(firstId);

    // The list never shows values.
    const both = (await admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets!;
    expect(both.map((s) => s.ClientSecretId)).toEqual([firstId, added.ClientSecretId]);
    expect(both.every((s) => s.ClientSecretValue === undefined)).toBe(true);

    // SECRET_HASH under either secret; the client secret itself too (GetTokensFromRefreshToken).
    const old = await signIn(clientId, hash(first, clientId));
    const fresh = await signIn(clientId, hash(second, clientId));
    expect(fresh.AuthenticationResult!.AccessToken).toEqual(expect.any(String));
    const refreshed = await anonymous.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: clientId, ClientSecret: second, RefreshToken: old.AuthenticationResult!.RefreshToken! }),
    );
    expect(refreshed.AuthenticationResult!.AccessToken).toEqual(expect.any(String));

    await admin.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId, ClientSecretId: firstId }));
    expect(await failure(signIn(clientId, hash(first, clientId)))).toEqual({
      name: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${clientId}`,
    });
    expect(
      await failure(
        anonymous.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: clientId, ClientSecret: first, RefreshToken: fresh.AuthenticationResult!.RefreshToken! }),
        ),
      ),
    ).toEqual({ name: 'NotAuthorizedException', message: `Unable to verify secret for client ${clientId}` });
    expect((await signIn(clientId, hash(second, clientId))).AuthenticationResult!.IdToken).toEqual(expect.any(String));
    // DescribeUserPoolClient shows the secret still active.
    expect((await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!.ClientSecret).toBe(second);
    expect(
      (await admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets!.map((s) => s.ClientSecretId),
    ).toEqual([added.ClientSecretId]);
  });

  test('a secret the caller brings is not echoed back, and signs like any other', async () => {
    const client = await confidential();
    const custom = 'Own_secret_of_the_team_0123456789';
    const added = (await admin.send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: client.ClientId, ClientSecret: custom })))
      .ClientSecretDescriptor!;
    expect(added.ClientSecretValue).toBeUndefined();
    expect(added.ClientSecretId).toEqual(expect.stringMatching(/--\d+$/));
    expect((await signIn(client.ClientId!, hash(custom, client.ClientId!))).AuthenticationResult!.AccessToken).toEqual(expect.any(String));
  });

  test('two secrets at most, the last cannot go, unknown ids and public clients are refused', async () => {
    const client = await confidential();
    const clientId = client.ClientId!;
    await admin.send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId }));
    expect(await failure(admin.send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId })))).toEqual({
      name: 'LimitExceededException',
      message: `Client ${clientId} already has the maximum of 2 client secrets.`,
    });

    const [first, second] = (await admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets!;
    await admin.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId, ClientSecretId: first.ClientSecretId }));
    expect(
      await failure(admin.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId, ClientSecretId: second.ClientSecretId }))),
    ).toEqual({
      name: 'InvalidParameterException',
      message: 'The last client secret of an app client cannot be deleted.',
    });
    expect(
      await failure(admin.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId, ClientSecretId: first.ClientSecretId }))),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `Client secret ${first.ClientSecretId} does not exist.`,
    });

    const publicClient = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'spa' }))).UserPoolClient!;
    expect(await failure(admin.send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: publicClient.ClientId })))).toEqual({
      name: 'InvalidParameterException',
      message: `Client ${publicClient.ClientId} is not configured with a client secret.`,
    });
    expect((await admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: publicClient.ClientId }))).ClientSecrets).toEqual([]);

    const otherPool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'other' }))).UserPool!.Id!;
    expect((await failure(admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: otherPool, ClientId: clientId })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect(await failure(admin.send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId, ClientSecret: 'short' })))).toEqual({
      name: 'InvalidParameterException',
      message: "1 validation error detected: Value at 'clientSecret' failed to satisfy constraint: Member must have length greater than or equal to 24",
    });
  });
});
