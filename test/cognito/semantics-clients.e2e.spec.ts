import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

/** Issue 16, points 1 and 9: app-client settings as Cognito accepts and refuses them. */
describe('Cognito semantics: app clients', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const client = async (input: Record<string, unknown>) =>
    (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', ...input }))).UserPoolClient!;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'clients',
          Schema: [
            { Name: 'given_name', Required: true },
            { Name: 'tier', AttributeDataType: 'String' },
          ],
        }),
      )
    ).UserPool!.Id!;
    await admin.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'lena', UserAttributes: [{ Name: 'given_name', Value: 'Lena' }], MessageAction: 'SUPPRESS' }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'lena', Password: PASSWORD, Permanent: true }));
  });
  afterAll(async () => app.destroy());

  test('legacy ExplicitAuthFlows names are accepted, described as given and grant their ALLOW_* flows', async () => {
    const legacy = await client({ ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH'] });
    expect(legacy.ExplicitAuthFlows).toEqual(['ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH']);
    const described = (await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: legacy.ClientId }))).UserPoolClient!;
    expect(described.ExplicitAuthFlows).toEqual(['ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH']);

    // USER_PASSWORD_AUTH → ALLOW_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH → ALLOW_ADMIN_USER_PASSWORD_AUTH; legacy clients always refresh.
    const signedIn = await anonymous.send(
      new InitiateAuthCommand({ ClientId: legacy.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lena', PASSWORD } }),
    );
    const refreshed = await anonymous.send(
      new InitiateAuthCommand({
        ClientId: legacy.ClientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: signedIn.AuthenticationResult!.RefreshToken! },
      }),
    );
    expect(refreshed.AuthenticationResult!.AccessToken).toEqual(expect.any(String));
    const adminSignIn = await admin.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: legacy.ClientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'lena', PASSWORD },
      }),
    );
    expect(adminSignIn.AuthenticationResult!.IdToken).toEqual(expect.any(String));

    // CUSTOM_AUTH_FLOW_ONLY grants custom authentication only: no password flow.
    const custom = await client({ ExplicitAuthFlows: ['CUSTOM_AUTH_FLOW_ONLY'] });
    expect(custom.ExplicitAuthFlows).toEqual(['CUSTOM_AUTH_FLOW_ONLY']);
    const noPassword = await failure(
      anonymous.send(new InitiateAuthCommand({ ClientId: custom.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lena', PASSWORD } })),
    );
    expect(noPassword).toEqual({ name: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' });

    // An update with ALLOW_* names replaces the legacy ones.
    const updated = (
      await admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: legacy.ClientId, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient!;
    expect(updated.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  test('legacy names cannot be mixed with ALLOW_* names', async () => {
    const mixed = await failure(client({ ExplicitAuthFlows: ['USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
    expect(mixed.name).toBe('InvalidParameterException');
    expect(mixed.message).toMatch(/ALLOW_/);
  });

  test('ReadAttributes and WriteAttributes must name attributes of the pool schema', async () => {
    const read = await failure(client({ ReadAttributes: ['email', 'custom:nope'] }));
    expect(read).toEqual({ name: 'InvalidParameterException', message: 'Invalid read attributes specified while creating a client' });
    const write = await failure(client({ WriteAttributes: ['given_name', 'custom:nope'] }));
    expect(write).toEqual({ name: 'InvalidParameterException', message: 'Invalid write attributes specified while creating a client' });
    // No client may write the sub, and every client must be able to write the required attributes.
    expect(await failure(client({ WriteAttributes: ['given_name', 'sub'] }))).toEqual(write);
    expect(await failure(client({ WriteAttributes: ['name'] }))).toEqual(write);

    const ok = await client({ ReadAttributes: ['email', 'email_verified', 'custom:tier'], WriteAttributes: ['given_name', 'custom:tier'] });
    expect(ok).toMatchObject({ ReadAttributes: ['email', 'email_verified', 'custom:tier'], WriteAttributes: ['given_name', 'custom:tier'] });
    const update = await failure(admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: ok.ClientId, ReadAttributes: ['custom:nope'] })));
    expect(update).toEqual({ name: 'InvalidParameterException', message: 'Invalid read attributes specified while creating a client' });
  });
});
