import {
  AdminDeleteSoftwareTokenCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetClientTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { generateSync } from 'otplib';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

/** Issue 12: GetClientToken (machine-to-machine tokens through the API) and AdminDeleteSoftwareToken, through the official SDK. */
describe('GetClientToken and AdminDeleteSoftwareToken', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  /** The SDK signs GetClientToken like any call; Cognito (and this service) does not evaluate IAM for it. */
  let machineCaller: CognitoIdentityProviderClient;
  let poolId: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    machineCaller = sdkClient(app.url, { accessKeyId: 'AKIAMACHINEEXAMPLE', secret: 'not-an-admin-key-at-all' });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'machines' }))).UserPool!.Id!;
    await admin.send(
      new CreateResourceServerCommand({
        UserPoolId: poolId,
        Identifier: 'inventory',
        Name: 'inventory',
        Scopes: [
          { ScopeName: 'read', ScopeDescription: 'Read' },
          { ScopeName: 'write', ScopeDescription: 'Write' },
        ],
      }),
    );
  });
  afterAll(async () => app?.destroy());

  const machine = async (flows: string[], secret = true) =>
    (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'm2m',
          GenerateSecret: secret,
          ExplicitAuthFlows: flows as never,
          AllowedOAuthScopes: ['inventory/read', 'inventory/write'],
        }),
      )
    ).UserPoolClient!;

  test('GetClientToken: an access token for the client itself, with its custom scopes, verifiable with the pool’s JWKS', async () => {
    const client = await machine(['ALLOW_CLIENT_TOKEN_AUTH']);
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_CLIENT_TOKEN_AUTH']);
    const all = await machineCaller.send(new GetClientTokenCommand({ ClientId: client.ClientId, Secret: client.ClientSecret }));
    expect(all.ClientAuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    // A generous timeout: the shared test machine can be slow to answer.
    const jwks = createRemoteJWKSet(new URL(`${app.url}/${poolId}/.well-known/jwks.json`), { timeoutDuration: 60_000 });
    const { payload } = await jwtVerify(all.ClientAuthenticationResult!.AccessToken!, jwks, { issuer: `${app.url}/${poolId}` });
    expect(payload).toMatchObject({ sub: client.ClientId, client_id: client.ClientId, token_use: 'access', scope: 'inventory/read inventory/write' });

    const some = await machineCaller.send(new GetClientTokenCommand({ ClientId: client.ClientId, Secret: client.ClientSecret, Scopes: ['inventory/read'] }));
    const { payload: narrowed } = await jwtVerify(some.ClientAuthenticationResult!.AccessToken!, jwks);
    expect(narrowed.scope).toBe('inventory/read');
  });

  test("GetClientToken's errors: a wrong secret, a client without the flow or a secret, an unknown client, a scope it is not allowed", async () => {
    const client = await machine(['ALLOW_CLIENT_TOKEN_AUTH']);
    const wrong = await rejection(machineCaller.send(new GetClientTokenCommand({ ClientId: client.ClientId, Secret: 'notTheSecret123' })));
    expect([wrong.name, wrong.message]).toEqual(['NotAuthorizedException', `Unable to verify secret for client ${client.ClientId}`]);
    const users = await machine(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    const flow = await rejection(machineCaller.send(new GetClientTokenCommand({ ClientId: users.ClientId, Secret: users.ClientSecret })));
    expect([flow.name, flow.message]).toEqual(['InvalidParameterException', 'ALLOW_CLIENT_TOKEN_AUTH flow not enabled for this client']);
    const publicClient = await machine(['ALLOW_CLIENT_TOKEN_AUTH'], false);
    expect((await rejection(machineCaller.send(new GetClientTokenCommand({ ClientId: publicClient.ClientId, Secret: 'anything' })))).name).toBe(
      'NotAuthorizedException',
    );
    expect((await rejection(machineCaller.send(new GetClientTokenCommand({ ClientId: 'nosuchclient123', Secret: 'x' })))).name).toBe(
      'ResourceNotFoundException',
    );
    const scope = await rejection(
      machineCaller.send(new GetClientTokenCommand({ ClientId: client.ClientId, Secret: client.ClientSecret, Scopes: ['inventory/admin'] })),
    );
    expect([scope.name, scope.message]).toEqual(['InvalidParameterException', 'Invalid scope requested: inventory/admin']);
    const missing = await rejection(machineCaller.send(new GetClientTokenCommand({ ClientId: client.ClientId } as never)));
    expect(missing.name).toBe('InvalidParameterException');
    // The flow is for machines only: never beside a user flow.
    const mixed = await rejection(machine(['ALLOW_CLIENT_TOKEN_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']));
    expect(mixed.name).toBe('InvalidParameterException');
  });

  test('AdminDeleteSoftwareToken: the TOTP factor and its MFA setting go; the user signs in without it; twice is ResourceNotFound', async () => {
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'tom', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'tom', Password: 'Correct-Horse-9', Permanent: true }));
    const signIn = () =>
      anonymous.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tom', PASSWORD: 'Correct-Horse-9' } }),
      );
    const accessToken = (await signIn()).AuthenticationResult!.AccessToken!;
    const { SecretCode } = await anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: generateSync({ secret: SecretCode! }) }));
    await admin.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'tom', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    expect((await signIn()).ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(await anonymous.send(new GetUserCommand({ AccessToken: accessToken }))).toMatchObject({
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
    });

    await admin.send(new AdminDeleteSoftwareTokenCommand({ UserPoolId: poolId, Username: 'tom' }));
    const signedIn = (await signIn()).AuthenticationResult?.AccessToken;
    expect(signedIn).toBeDefined();
    const after = await anonymous.send(new GetUserCommand({ AccessToken: signedIn }));
    expect([after.UserMFASettingList ?? [], after.PreferredMfaSetting]).toEqual([[], undefined]);

    const again = await rejection(admin.send(new AdminDeleteSoftwareTokenCommand({ UserPoolId: poolId, Username: 'tom' })));
    expect(again.name).toBe('ResourceNotFoundException');
    expect((await rejection(admin.send(new AdminDeleteSoftwareTokenCommand({ UserPoolId: poolId, Username: 'nobody' })))).name).toBe('UserNotFoundException');
    // The admin action needs admin credentials.
    expect((await rejection(anonymous.send(new AdminDeleteSoftwareTokenCommand({ UserPoolId: poolId, Username: 'tom' })))).name).not.toBe(undefined);
  });
});
