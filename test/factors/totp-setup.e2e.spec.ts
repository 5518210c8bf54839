import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SetUserSettingsCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { generateSync } from 'otplib';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

const PASSWORD = 'Correct-Horse-9';
const code = (secret: string, offsetSteps = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

/** TOTP enrolment with an access token, MFA preferences, and what GetUser then says. */
describe('software-token MFA setup and preferences', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let accessToken: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'totp' }))).UserPool!.Id!;
    const clientId = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'tom',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }],
      }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'tom', Password: PASSWORD, Permanent: true }));
    accessToken = (
      await anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tom', PASSWORD } }))
    ).AuthenticationResult!.AccessToken!;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('TOTP cannot be enabled before a token is verified', async () => {
    const error = await rejection(
      anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })),
    );
    expect([error.name, error.message]).toEqual(['InvalidParameterException', 'User has not verified software token mfa']);
  });

  test('associate, a wrong code refused, the right one verifies; then TOTP is enabled and preferred', async () => {
    const { SecretCode } = await anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    expect(SecretCode).toMatch(/^[A-Z2-7]+=*$/);
    const wrong = await rejection(anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code(SecretCode!, 10) })));
    expect(wrong.name).toBe('EnableSoftwareTokenMFAException');
    const verified = await anonymous.send(
      new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code(SecretCode!), FriendlyDeviceName: 'phone' }),
    );
    expect(verified.Status).toBe('SUCCESS');
    await anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const me = await anonymous.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(me.PreferredMfaSetting).toBe('SOFTWARE_TOKEN_MFA');
  });

  test('the legacy SetUserSettings turns SMS MFA on; an admin can prefer it; one preferred factor at most', async () => {
    await anonymous.send(new SetUserSettingsCommand({ AccessToken: accessToken, MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] }));
    await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'tom', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const me = await anonymous.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(me.UserMFASettingList).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    expect(me.PreferredMfaSetting).toBe('SMS_MFA');
    expect(me.MFAOptions).toEqual([{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
    const both = await rejection(
      admin.send(
        new AdminSetUserMFAPreferenceCommand({
          UserPoolId: poolId,
          Username: 'tom',
          SMSMfaSettings: { Enabled: true, PreferredMfa: true },
          SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        }),
      ),
    );
    expect(both.name).toBe('InvalidParameterException');
  });

  test('AdminGetUser answers the same MFA settings as GetUser: the factors turned on (UserMFASettingList) and the preferred one', async () => {
    // tom has TOTP verified and SMS on from the tests above; the admin prefers TOTP now.
    await admin.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'tom', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    const seen = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tom' }));
    expect(seen.UserMFASettingList).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    expect(seen.PreferredMfaSetting).toBe('SOFTWARE_TOKEN_MFA');
    expect(seen.MFAOptions).toEqual([{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
    const me = await anonymous.send(new GetUserCommand({ AccessToken: accessToken }));
    expect([me.UserMFASettingList, me.PreferredMfaSetting, me.MFAOptions]).toEqual([seen.UserMFASettingList, seen.PreferredMfaSetting, seen.MFAOptions]);
    // SMS off, TOTP on but no longer preferred: one factor listed, none preferred.
    await admin.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: 'tom',
        SMSMfaSettings: { Enabled: false },
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
      }),
    );
    const after = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tom' }));
    expect([after.UserMFASettingList, after.PreferredMfaSetting, after.MFAOptions]).toEqual([['SOFTWARE_TOKEN_MFA'], undefined, []]);
  });
});
