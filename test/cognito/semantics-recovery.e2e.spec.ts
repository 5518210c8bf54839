import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  AdminCreateUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

/** Cognito semantics: ForgotPassword in a pool whose recovery is admin_only. */
describe('Cognito semantics: account recovery', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp('pglite');
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('ForgotPassword in an admin_only pool is NotAuthorizedException "Contact administrator to reset password."', async () => {
    const admin = sdkClient(app.url);
    const poolId = (
      await admin.send(
        new CreateUserPoolCommand({ PoolName: 'admin-only', AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } }),
      )
    ).UserPool!.Id!;
    const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'ada',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'ada@x.test' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    const anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    const error = await rejection(anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ada' })));
    expect([error.name, error.message]).toEqual(['NotAuthorizedException', 'Contact administrator to reset password.']);
  });
});
