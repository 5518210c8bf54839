import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

/** Issue 16, point 10: AdminResetUserPassword refuses the users Cognito refuses. */
describe('Cognito semantics: AdminResetUserPassword', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let poolId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const reset = (username: string) => admin.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: username }));
  const status = async (username: string) => (await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).UserStatus;
  const create = async (username: string, attributes: Record<string, string>, permanent: boolean) => {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    if (permanent) await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
  };

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'resets', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
  });
  afterAll(async () => app.destroy());

  test('a user still in FORCE_CHANGE_PASSWORD cannot be reset', async () => {
    await create('fresh', { email: 'fresh@example.test', email_verified: 'true' }, false);
    expect(await failure(reset('fresh'))).toEqual({ name: 'NotAuthorizedException', message: 'User password cannot be reset in the current state.' });
    expect(await status('fresh')).toBe('FORCE_CHANGE_PASSWORD');
  });

  test('a disabled user cannot be reset', async () => {
    await create('gone', { email: 'gone@example.test', email_verified: 'true' }, true);
    await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'gone' }));
    expect(await failure(reset('gone'))).toEqual({ name: 'NotAuthorizedException', message: 'User is disabled' });
    expect(await status('gone')).toBe('CONFIRMED');
  });

  test('a user with no verified email or phone number cannot be reset', async () => {
    await create('mute', { email: 'mute@example.test' }, true);
    expect(await failure(reset('mute'))).toEqual({
      name: 'InvalidParameterException',
      message: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
    });
    expect(await status('mute')).toBe('CONFIRMED');
  });

  test('a confirmed user with a verified email is reset, and may be reset again', async () => {
    await create('ok', { email: 'ok@example.test', email_verified: 'true' }, true);
    await reset('ok');
    expect(await status('ok')).toBe('RESET_REQUIRED');
    await reset('ok');
    expect(await status('ok')).toBe('RESET_REQUIRED');
  });
});
