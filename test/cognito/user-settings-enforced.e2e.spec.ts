import {
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';
const FLOWS = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

describe('pool and client settings enforced in the self-service flows', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;

  const latest = async (poolId: string, username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    return {
      code: /(\d{6})/.exec(r.body.messages[0]?.body ?? '')?.[1],
      count: r.body.messages.length as number,
      to: r.body.messages[0]?.to as string | undefined,
    };
  };
  const setup = async (poolInput: Record<string, unknown>, clientInput: Record<string, unknown> = {}) => {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'enforced', AutoVerifiedAttributes: ['email'], ...poolInput }))).UserPool!.Id!;
    const clientId = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: [...FLOWS], ...clientInput }))
    ).UserPoolClient!.ClientId!;
    return { poolId, clientId };
  };
  const confirmedUser = async (poolId: string, clientId: string, username: string, extra: Array<{ Name: string; Value: string }> = []) => {
    await anonymous.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: `${username}@example.test` }, ...extra],
      }),
    );
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: (await latest(poolId, username)).code! }));
    return (
      await anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }))
    ).AuthenticationResult!;
  };

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  });
  afterAll(async () => app.destroy());

  test('PreventUserExistenceErrors: unknown users get the answers known ones would', async () => {
    const { clientId } = await setup({}, { PreventUserExistenceErrors: 'ENABLED' });
    const forgot = await anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ghost' }));
    expect(forgot.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    expect((await anonymous.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'ghost' }))).CodeDeliveryDetails).toBeDefined();
    expect((await rejection(anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ghost', ConfirmationCode: '123456' })))).name).toBe(
      'CodeMismatchException',
    );
    expect(
      (
        await rejection(
          anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'ghost', ConfirmationCode: '123456', Password: PASSWORD })),
        )
      ).name,
    ).toBe('CodeMismatchException');
    // Without the setting (LEGACY), the same calls say the user does not exist.
    const legacy = await setup({});
    expect((await rejection(anonymous.send(new ForgotPasswordCommand({ ClientId: legacy.clientId, Username: 'ghost' })))).name).toBe('UserNotFoundException');
  });

  test('ReadAttributes and WriteAttributes limit what a client sees and changes', async () => {
    const { poolId, clientId } = await setup({}, { ReadAttributes: ['email', 'email_verified', 'name'], WriteAttributes: ['name'] });
    const tokens = await confirmedUser(poolId, clientId, 'rw', [{ Name: 'nickname', Value: 'hidden' }]);
    const names = (await anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes!.map((a) => a.Name).sort();
    expect(names).toEqual(['email', 'email_verified', 'sub']);
    await anonymous.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'name', Value: 'RW' }] }));
    const refused = await rejection(
      anonymous.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: 'x@example.test' }] })),
    );
    expect(refused.name).toBe('NotAuthorizedException');
  });

  test('UserAttributeUpdateSettings: a new email takes effect only once verified', async () => {
    const { poolId, clientId } = await setup({ UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } });
    const tokens = await confirmedUser(poolId, clientId, 'keeper');
    await anonymous.send(
      new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: 'new-keeper@example.test' }] }),
    );
    const sent = await latest(poolId, 'keeper');
    expect(sent.to).toBe('new-keeper@example.test');
    let attributes = (await anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes!;
    expect(attributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'keeper@example.test' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    );
    await anonymous.send(new VerifyUserAttributeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email', Code: sent.code! }));
    attributes = (await anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes!;
    expect(attributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'new-keeper@example.test' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    );
  });

  test('password history: a recent password cannot be chosen again', async () => {
    const { poolId, clientId } = await setup({ Policies: { PasswordPolicy: { MinimumLength: 8, PasswordHistorySize: 2 } } });
    const tokens = await confirmedUser(poolId, clientId, 'historian');
    await anonymous.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'Second-Horse-2' }));
    const reuse = await rejection(
      anonymous.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: 'Second-Horse-2', ProposedPassword: PASSWORD })),
    );
    expect(reuse).toMatchObject({ name: 'InvalidPasswordException', message: 'Password has previously been used' });
    await anonymous.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: 'Second-Horse-2', ProposedPassword: 'Third-Horse-3' }));
  });

  test('AccountRecoverySetting admin_only refuses self-service password reset', async () => {
    const { poolId, clientId } = await setup({ AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } });
    await confirmedUser(poolId, clientId, 'locked');
    expect((await rejection(anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'locked' })))).name).toBe('NotAuthorizedException');
  });
});
