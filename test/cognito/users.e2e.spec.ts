import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminResetUserPasswordCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  ConfirmSignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';
const NEW_PASSWORD = 'Battery-Staple-7';

describe('user management and self-service through the official Cognito SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  /** The newest message the dev outbox holds for a user, and the 6-digit code in it if any. */
  const lastMessage = async (username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    const body: string = r.body.messages[0]?.body ?? '';
    return { body, code: /(\d{6})/.exec(body)?.[1], count: r.body.messages.length as number };
  };
  const signIn = (username: string, password: string) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
  const signUpConfirmed = async (username: string) => {
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.test` }] }),
    );
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: (await lastMessage(username)).code! }));
  };

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'users', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'app',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!.ClientId!;
  });
  afterAll(async () => app.destroy());

  test('AdminCreateUser → NEW_PASSWORD_REQUIRED challenge → tokens; the invitation carries the temporary password', async () => {
    const created = await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'olivia',
        UserAttributes: [
          { Name: 'email', Value: 'olivia@example.test' },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    expect(created.User).toMatchObject({ Username: 'olivia', UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    expect(created.User!.UserCreateDate).toBeInstanceOf(Date);
    const invitation = await lastMessage('olivia');
    const temporary = /temporary password is (\S+)/.exec(invitation.body)![1];
    const challenge = await signIn('olivia', temporary);
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(challenge.Session).toEqual(expect.any(String));
    expect(
      (
        await rejection(
          anonymous.send(
            new RespondToAuthChallengeCommand({
              ClientId: clientId,
              ChallengeName: 'NEW_PASSWORD_REQUIRED',
              Session: challenge.Session,
              ChallengeResponses: { USERNAME: 'olivia', NEW_PASSWORD: 'weak' },
            }),
          ),
        )
      ).name,
    ).toBe('InvalidPasswordException');
    const done = await anonymous.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: 'olivia', NEW_PASSWORD },
      }),
    );
    expect(done.AuthenticationResult!.AccessToken).toEqual(expect.any(String));
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'olivia' }))).UserStatus).toBe('CONFIRMED');
    expect(
      (
        await rejection(
          anonymous.send(
            new RespondToAuthChallengeCommand({
              ClientId: clientId,
              ChallengeName: 'NEW_PASSWORD_REQUIRED',
              Session: 'x'.repeat(40),
              ChallengeResponses: { USERNAME: 'olivia', NEW_PASSWORD },
            }),
          ),
        )
      ).name,
    ).toBe('NotAuthorizedException');
  });

  test('AdminCreateUser: SUPPRESS sends nothing, a duplicate is UsernameExistsException, RESEND re-invites; admin challenge response', async () => {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'quiet',
        TemporaryPassword: 'Temp-Pass-123',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'quiet@example.test' }],
      }),
    );
    expect((await lastMessage('quiet')).count).toBe(0);
    expect((await rejection(admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'QUIET' })))).name).toBe('UsernameExistsException');
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'quiet', MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] }));
    const temporary = /temporary password is (\S+)/.exec((await lastMessage('quiet')).body)![1];
    expect((await rejection(signIn('quiet', 'Temp-Pass-123'))).name).toBe('NotAuthorizedException');
    const challenge = await admin.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'quiet', PASSWORD: temporary },
      }),
    );
    const done = await admin.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: 'quiet', NEW_PASSWORD },
      }),
    );
    expect(done.AuthenticationResult!.IdToken).toEqual(expect.any(String));
  });

  test('AdminGetUser, AdminDisableUser/EnableUser, AdminConfirmSignUp, AdminSetUserPassword, AdminDeleteUser', async () => {
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'pat', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'pat@example.test' }] }),
    );
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'pat' }))).UserStatus).toBe('UNCONFIRMED');
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'pat' }));
    expect((await rejection(admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'pat' })))).name).toBe('NotAuthorizedException');
    await signIn('pat', PASSWORD);
    await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'pat' }));
    expect(await rejection(signIn('pat', PASSWORD))).toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'pat' }))).Enabled).toBe(false);
    await admin.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'pat' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'pat', Password: NEW_PASSWORD, Permanent: true }));
    expect((await rejection(signIn('pat', PASSWORD))).name).toBe('NotAuthorizedException');
    await signIn('pat', NEW_PASSWORD);
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'pat', Password: 'Temporary-Pass-1', Permanent: false }));
    expect((await signIn('pat', 'Temporary-Pass-1')).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(
      (await rejection(admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'pat', Password: 'short', Permanent: true })))).name,
    ).toBe('InvalidPasswordException');
    await admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'pat' }));
    expect((await rejection(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'pat' })))).name).toBe('UserNotFoundException');
    // The name is free again.
    await anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'pat', Password: PASSWORD }));
    expect((await rejection(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'nobody' })))).name).toBe('UserNotFoundException');
  });

  test('ResendConfirmationCode gives a new code; the old one no longer works', async () => {
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'rita', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'rita@example.test' }] }),
    );
    const first = (await lastMessage('rita')).code!;
    const resent = await anonymous.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'rita' }));
    expect(resent.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: 'r***@e***' });
    const second = (await lastMessage('rita')).code!;
    if (first !== second) {
      expect((await rejection(anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'rita', ConfirmationCode: first })))).name).toBe(
        'CodeMismatchException',
      );
    }
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'rita', ConfirmationCode: second }));
    expect((await rejection(anonymous.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'rita' })))).name).toBe(
      'InvalidParameterException',
    );
  });

  test('ForgotPassword / ConfirmForgotPassword; AdminResetUserPassword forces a reset', async () => {
    await signUpConfirmed('sam');
    const sent = await anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'sam' }));
    expect(sent.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', Destination: 's***@e***' });
    const code = (await lastMessage('sam')).code!;
    const wrong = code === '000000' ? '111111' : '000000';
    expect(
      (
        await rejection(
          anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'sam', ConfirmationCode: wrong, Password: NEW_PASSWORD })),
        )
      ).name,
    ).toBe('CodeMismatchException');
    expect(
      (await rejection(anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'sam', ConfirmationCode: code, Password: 'weak' }))))
        .name,
    ).toBe('InvalidPasswordException');
    await anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'sam', ConfirmationCode: code, Password: NEW_PASSWORD }));
    await signIn('sam', NEW_PASSWORD);
    expect(
      (await rejection(anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'sam', ConfirmationCode: code, Password: PASSWORD }))))
        .name,
    ).toBe('ExpiredCodeException');

    await admin.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'sam' }));
    expect((await rejection(signIn('sam', NEW_PASSWORD))).name).toBe('PasswordResetRequiredException');
    const resetCode = (await lastMessage('sam')).code!;
    await anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'sam', ConfirmationCode: resetCode, Password: PASSWORD }));
    await signIn('sam', PASSWORD);
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'sam' }))).UserStatus).toBe('CONFIRMED');
  });

  test('ChangePassword, UpdateUserAttributes with email verification, DeleteUserAttributes, DeleteUser', async () => {
    await signUpConfirmed('tom');
    const tokens = (await signIn('tom', PASSWORD)).AuthenticationResult!;
    expect(
      (
        await rejection(
          anonymous.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: 'Wrong-Horse-1', ProposedPassword: NEW_PASSWORD })),
        )
      ).name,
    ).toBe('NotAuthorizedException');
    await anonymous.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD }));
    await signIn('tom', NEW_PASSWORD);

    const updated = await anonymous.send(
      new UpdateUserAttributesCommand({
        AccessToken: tokens.AccessToken,
        UserAttributes: [
          { Name: 'email', Value: 'tom2@example.test' },
          { Name: 'name', Value: 'Tom' },
        ],
      }),
    );
    expect(updated.CodeDeliveryDetailsList).toEqual([{ Destination: 't***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
    let attributes = (await anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes!;
    expect(attributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'tom2@example.test' },
        { Name: 'email_verified', Value: 'false' },
        { Name: 'name', Value: 'Tom' },
      ]),
    );
    expect(
      (
        await rejection(
          anonymous.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] })),
        )
      ).name,
    ).toBe('InvalidParameterException');

    const code = (await lastMessage('tom')).code!;
    await anonymous.send(new VerifyUserAttributeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email', Code: code }));
    attributes = (await anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes!;
    expect(attributes).toEqual(expect.arrayContaining([{ Name: 'email_verified', Value: 'true' }]));
    const again = await anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email' }));
    expect(again.CodeDeliveryDetails!.AttributeName).toBe('email');

    await anonymous.send(new DeleteUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributeNames: ['name'] }));
    await admin.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: 'tom',
        UserAttributes: [
          { Name: 'nickname', Value: 'T' },
          { Name: 'email', Value: 'tom3@example.test' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: 'tom', UserAttributeNames: ['nickname'] }));
    const user = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tom' }));
    const names = user.UserAttributes!.map((a) => a.Name);
    expect(names).not.toContain('name');
    expect(names).not.toContain('nickname');
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'tom3@example.test' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    );

    await anonymous.send(new DeleteUserCommand({ AccessToken: tokens.AccessToken }));
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).name).toBe('NotAuthorizedException');
    expect((await rejection(signIn('tom', NEW_PASSWORD))).name).toBe('UserNotFoundException');
  });
});
