import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminListUserAuthEventsCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { generateSync } from 'otplib';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

const PASSWORD = 'Correct-Horse-9';
const FLOWS = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

/** The system's time, or an instant it is held at (moved forward to let codes run out). */
const clock = {
  held: undefined as Date | undefined,
  now(): Date {
    return this.held ?? new Date();
  },
};
const totp = (secret: string, at = clock.now(), steps = 0) => generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) + steps * 30 });

describe('MFA at sign-in through the AWS SDK: the pool setting, each factor, SELECT_MFA_TYPE, MFA_SETUP, wrong, expired and reused codes', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  const outboxCode = async (username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    return { code: /(\d{6})/.exec(r.body.messages[0]?.body ?? '')![1], message: r.body.messages[0] };
  };
  const user = async (username: string, attributes: Record<string, string> = {}) => {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
  };
  const signIn = (username: string) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));
  const respond = (ChallengeName: any, Session: string | undefined, responses: Record<string, string>) =>
    anonymous.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName, Session, ChallengeResponses: responses }));
  /** A user with a verified authenticator (enrolled with an access token while the pool's MFA was optional and they had none). */
  const enrolTotp = async (username: string) => {
    const first = await signIn(username);
    const accessToken = first.AuthenticationResult!.AccessToken!;
    const { SecretCode } = await anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!) }));
    return SecretCode!;
  };
  const setMfa = (input: Record<string, unknown>) => admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, ...input }));

  beforeAll(async () => {
    app = await startApp('pglite', {}, undefined, { clock });
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'mfa' }))).UserPool!.Id!;
    clientId = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: [...FLOWS], AuthSessionValidity: 15 }))
    ).UserPoolClient!.ClientId!;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test("SetUserPoolMfaConfig refuses Cognito's contradictions, replaces the whole setting, and DescribeUserPool agrees", async () => {
    const off = await rejection(setMfa({ MfaConfiguration: 'OFF', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    expect([off.name, off.message]).toEqual([
      'InvalidParameterException',
      "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
    ]);
    const none = await rejection(setMfa({ MfaConfiguration: 'ON' }));
    expect([none.name, none.message]).toEqual([
      'InvalidParameterException',
      "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.",
    ]);
    const set = await setMfa({
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Sign-in code {####}' },
      EmailMfaConfiguration: { Subject: 'Your code', Message: 'Code: {####}' },
      WebAuthnConfiguration: { RelyingPartyId: 'localhost' },
    });
    expect(set).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Sign-in code {####}' },
      EmailMfaConfiguration: { Subject: 'Your code', Message: 'Code: {####}' },
      WebAuthnConfiguration: { RelyingPartyId: 'localhost', UserVerification: 'preferred' },
    });
    expect(await admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }))).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    const described = await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(described.UserPool).toMatchObject({ MfaConfiguration: 'OPTIONAL', SmsAuthenticationMessage: 'Sign-in code {####}' });
  });

  test('TOTP: enrolment, then SOFTWARE_TOKEN_MFA at sign-in; a wrong code and a reused one are refused and logged; amr says how', async () => {
    await user('tina');
    const secret = await enrolTotp('tina');
    const started = await signIn('tina');
    expect(started.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(started.AuthenticationResult).toBeUndefined();
    const wrong = await rejection(respond('SOFTWARE_TOKEN_MFA', started.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: totp(secret, clock.now(), 20) }));
    expect(wrong.name).toBe('CodeMismatchException');
    // The same Session takes another try (the next step's code: enrolment used this one).
    const code = totp(secret, clock.now(), 1);
    const done = await respond('SOFTWARE_TOKEN_MFA', started.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: code });
    expect(decodeJwt(done.AuthenticationResult!.IdToken!).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(decodeJwt(done.AuthenticationResult!.AccessToken!).amr).toEqual(['pwd', 'otp', 'mfa']);
    // The code that signed in cannot sign in again, nor can its Session.
    const again = await signIn('tina');
    const reused = await rejection(respond('SOFTWARE_TOKEN_MFA', again.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: code }));
    expect([reused.name, reused.message]).toEqual(['ExpiredCodeException', 'Your software token has already been used once.']);
    clock.held = new Date(Date.now() + 90_000);
    try {
      const replayed = await rejection(respond('SOFTWARE_TOKEN_MFA', started.Session, { USERNAME: 'tina', SOFTWARE_TOKEN_MFA_CODE: totp(secret) }));
      expect([replayed.name, replayed.message]).toEqual(['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);
    } finally {
      clock.held = undefined;
    }
    const events = (await admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: 'tina' }))).AuthEvents!;
    expect(events[events.length - 1 - 1]).toMatchObject({
      EventResponse: 'Fail',
      ChallengeResponses: [
        { ChallengeName: 'Password', ChallengeResponse: 'Success' },
        { ChallengeName: 'Mfa', ChallengeResponse: 'Failure' },
      ],
    });
    expect(events.find((e) => e.EventResponse === 'Pass' && e.ChallengeResponses!.length === 2)).toMatchObject({
      ChallengeResponses: [
        { ChallengeName: 'Password', ChallengeResponse: 'Success' },
        { ChallengeName: 'Mfa', ChallengeResponse: 'Success' },
      ],
    });
  });

  test('SMS_MFA: the code goes to the phone in the words of the pool (dev outbox); a Session that signed in cannot be used again', async () => {
    await user('sam', { phone_number: '+15555550123' });
    await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'sam', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const started = await signIn('sam');
    expect(started.ChallengeName).toBe('SMS_MFA');
    expect(started.ChallengeParameters).toMatchObject({ CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******0123' });
    const { code, message } = await outboxCode('sam');
    expect(message).toMatchObject({ medium: 'SMS', to: '+15555550123', body: `Sign-in code ${code}` });
    const done = await respond('SMS_MFA', started.Session, { USERNAME: 'sam', SMS_MFA_CODE: code });
    expect(decodeJwt(done.AuthenticationResult!.IdToken!).amr).toEqual(['pwd', 'sms', 'mfa']);
    const replayed = await rejection(respond('SMS_MFA', started.Session, { USERNAME: 'sam', SMS_MFA_CODE: code }));
    expect([replayed.name, replayed.message]).toEqual(['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);
  });

  test('EMAIL_OTP: the code goes by email; a wrong code is CodeMismatch, an expired one ExpiredCode', async () => {
    await user('emma', { email: 'emma@example.com' });
    await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'emma', EmailMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const started = await signIn('emma');
    expect(started).toMatchObject({
      ChallengeName: 'EMAIL_OTP',
      ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: 'e***@e***' },
    });
    const { code, message } = await outboxCode('emma');
    expect(message).toMatchObject({ medium: 'EMAIL', subject: 'Your code', body: `Code: ${code}` });
    const wrong = await rejection(respond('EMAIL_OTP', started.Session, { USERNAME: 'emma', EMAIL_OTP_CODE: code === '000000' ? '111111' : '000000' }));
    expect([wrong.name, wrong.message]).toEqual(['CodeMismatchException', 'Invalid code or auth state for the user.']);
    clock.held = new Date(Date.now() + 4 * 60_000);
    try {
      const late = await rejection(respond('EMAIL_OTP', started.Session, { USERNAME: 'emma', EMAIL_OTP_CODE: code }));
      expect(late.name).toBe('ExpiredCodeException');
    } finally {
      clock.held = undefined;
    }
  });

  test('SELECT_MFA_TYPE: two factors and none preferred; the answer picks one, whose challenge follows', async () => {
    await user('sel', { phone_number: '+15555550188' });
    const secret = await enrolTotp('sel');
    await admin.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: 'sel',
        SMSMfaSettings: { Enabled: true },
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
      }),
    );
    const started = await signIn('sel');
    expect(started.ChallengeName).toBe('SELECT_MFA_TYPE');
    expect(JSON.parse(started.ChallengeParameters!.MFAS_CAN_CHOOSE)).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    const notOffered = await rejection(respond('SELECT_MFA_TYPE', started.Session, { USERNAME: 'sel', ANSWER: 'EMAIL_OTP' }));
    expect(notOffered.name).toBe('InvalidParameterException');
    const chosen = await respond('SELECT_MFA_TYPE', started.Session, { USERNAME: 'sel', ANSWER: 'SOFTWARE_TOKEN_MFA' });
    expect(chosen.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const done = await respond('SOFTWARE_TOKEN_MFA', chosen.Session, { USERNAME: 'sel', SOFTWARE_TOKEN_MFA_CODE: totp(secret, clock.now(), 1) });
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  test('wrong codes count against the lockout as wrong passwords do', async () => {
    await user('lock', { phone_number: '+15555550199' });
    await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'lock', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const started = await signIn('lock');
    const { code } = await outboxCode('lock');
    const bad = code === '000000' ? '111111' : '000000';
    clock.held = new Date();
    try {
      for (let i = 0; i < 5; i++)
        expect((await rejection(respond('SMS_MFA', started.Session, { USERNAME: 'lock', SMS_MFA_CODE: bad }))).name).toBe('CodeMismatchException');
      const locked = await rejection(respond('SMS_MFA', started.Session, { USERNAME: 'lock', SMS_MFA_CODE: code }));
      expect([locked.name, locked.message]).toEqual(['NotAuthorizedException', 'Password attempts exceeded']);
    } finally {
      clock.held = undefined;
    }
  });

  test('MFA_SETUP: MFA required and the user has no factor; TOTP is set up with the Session and the sign-in ends with tokens (admin API)', async () => {
    await user('newbie');
    await setMfa({ MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } });
    try {
      const started = await admin.send(
        new AdminInitiateAuthCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'newbie', PASSWORD },
        }),
      );
      expect(started.ChallengeName).toBe('MFA_SETUP');
      expect(JSON.parse(started.ChallengeParameters!.MFAS_CAN_SETUP)).toEqual(['SOFTWARE_TOKEN_MFA']);
      const early = await rejection(
        admin.send(
          new AdminRespondToAuthChallengeCommand({
            UserPoolId: poolId,
            ClientId: clientId,
            ChallengeName: 'MFA_SETUP',
            Session: started.Session,
            ChallengeResponses: { USERNAME: 'newbie' },
          }),
        ),
      );
      expect(early.name).toBe('NotAuthorizedException');
      const associated = await anonymous.send(new AssociateSoftwareTokenCommand({ Session: started.Session }));
      const verified = await anonymous.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totp(associated.SecretCode!) }));
      const done = await admin.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          ChallengeName: 'MFA_SETUP',
          Session: verified.Session,
          ChallengeResponses: { USERNAME: 'newbie' },
        }),
      );
      const accessToken = done.AuthenticationResult!.AccessToken!;
      expect((await anonymous.send(new GetUserCommand({ AccessToken: accessToken }))).UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
      // From now on TOTP is asked for.
      expect((await signIn('newbie')).ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    } finally {
      await setMfa({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, SmsMfaConfiguration: {}, EmailMfaConfiguration: {} });
    }
  });
});
