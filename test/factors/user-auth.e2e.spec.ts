import {
  AdminCreateUserCommand,
  AdminGetUserAuthFactorsCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CompleteWebAuthnRegistrationCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteWebAuthnCredentialCommand,
  DescribeUserPoolCommand,
  GetUserAuthFactorsCommand,
  InitiateAuthCommand,
  ListWebAuthnCredentialsCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  StartWebAuthnRegistrationCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { passkeysStream } from '../../src/auth/webauthn/passkey.events.js';
import { authLogStream } from '../../src/auth/auth-log.events.js';
import { rejection, sdkClient } from '../cognito/support.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { fastSrpSignIn } from '../support/srp-client.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';

const PASSWORD = 'Correct-Horse-9';
const ORIGIN = 'https://localhost';
const FLOWS = ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

describe('Choice-based sign-in (USER_AUTH) and passkeys through the AWS SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  /** A pool with the default policy: PASSWORD alone. */
  let strictPoolId: string;
  let strictClientId: string;

  const outboxCode = async (pool: string, username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${pool}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    const messages = r.body.messages as Array<{ body: string; medium?: string; channel?: string }>;
    return { code: /(\d{6})/.exec(messages[0]?.body ?? '')![1], message: messages[0] };
  };
  const user = async (pool: string, username: string) => {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: pool,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: `${username}@example.com` },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'phone_number', Value: '+15555550100' },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: username, Password: PASSWORD, Permanent: true }));
  };
  const start = (parameters: Record<string, string>, client = clientId) =>
    anonymous.send(new InitiateAuthCommand({ ClientId: client, AuthFlow: 'USER_AUTH', AuthParameters: parameters }));
  const respond = (ChallengeName: any, Session: string | undefined, responses: Record<string, string>, client = clientId) =>
    anonymous.send(new RespondToAuthChallengeCommand({ ClientId: client, ChallengeName, Session, ChallengeResponses: responses }));
  const amr = (r: { AuthenticationResult?: { IdToken?: string } }) => decodeJwt(r.AuthenticationResult!.IdToken!).amr;
  const accessTokenOf = async (username: string) =>
    (await start({ USERNAME: username, PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD })).AuthenticationResult!.AccessToken!;
  const authLog = async (username: string) => {
    const sub = decodeJwt(await accessTokenOf(username)).sub!;
    return (await app.platform.store.readStream(authLogStream(poolId, sub))).map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
  };

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'choice',
          Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'] } },
        }),
      )
    ).UserPool!.Id!;
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OFF', WebAuthnConfiguration: { RelyingPartyId: 'localhost' } }));
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          ExplicitAuthFlows: [...FLOWS, 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
          AuthSessionValidity: 15,
        }),
      )
    ).UserPoolClient!.ClientId!;
    strictPoolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'strict' }))).UserPool!.Id!;
    strictClientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: strictPoolId, ClientName: 'web', ExplicitAuthFlows: [...FLOWS] })))
      .UserPoolClient!.ClientId!;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('SignInPolicy: DescribeUserPool shows the allowed first factors (PASSWORD alone by default); a policy without PASSWORD is refused', async () => {
    const described = await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(described.UserPool!.Policies!.SignInPolicy).toEqual({ AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'] });
    const strict = await admin.send(new DescribeUserPoolCommand({ UserPoolId: strictPoolId }));
    expect(strict.UserPool!.Policies!.SignInPolicy).toEqual({ AllowedFirstAuthFactors: ['PASSWORD'] });
    const refused = await rejection(
      admin.send(new UpdateUserPoolCommand({ UserPoolId: strictPoolId, Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['EMAIL_OTP'] } } })),
    );
    expect([refused.name, refused.message]).toEqual(['InvalidParameterException', 'AllowedFirstAuthFactors must contain PASSWORD.']);
  });

  test('PASSWORD and PASSWORD_SRP as the preferred challenge sign in at once; a wrong password is refused; amr says pwd; the log names USER_AUTH', async () => {
    await user(poolId, 'pia');
    const signedIn = await start({ USERNAME: 'pia', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD });
    expect(amr(signedIn)).toEqual(['pwd']);
    const wrong = await rejection(start({ USERNAME: 'pia', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD: 'Wrong-Horse-9' }));
    expect([wrong.name, wrong.message]).toEqual(['NotAuthorizedException', 'Incorrect username or password.']);
    const srp = await fastSrpSignIn(anonymous, { poolId, clientId, username: 'pia', password: PASSWORD, flow: 'USER_AUTH' });
    expect(amr(srp)).toEqual(['pwd']);
    const srpWrong = await rejection(fastSrpSignIn(anonymous, { poolId, clientId, username: 'pia', password: 'Wrong-Horse-9', flow: 'USER_AUTH' }));
    expect(srpWrong.name).toBe('NotAuthorizedException');
    // The admin surface: PASSWORD through AdminInitiateAuth.
    const adminSignIn = await admin.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        AuthFlow: 'USER_AUTH',
        AuthParameters: { USERNAME: 'pia', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD },
      }),
    );
    expect(amr(adminSignIn)).toEqual(['pwd']);
    const log = await authLog('pia');
    expect(log.filter((e) => e.type === 'SignInSucceeded').every((e) => e.data.flow === 'USER_AUTH' && JSON.stringify(e.data.factors) === '["PASSWORD"]')).toBe(
      true,
    );
    expect(log.filter((e) => e.type === 'SignInFailed').map((e) => [e.data.flow, e.data.reason])).toEqual([
      ['USER_AUTH', 'WRONG_PASSWORD'],
      ['USER_AUTH', 'WRONG_PASSWORD'],
    ]);
  });

  test('SELECT_CHALLENGE lists AvailableChallenges; choosing EMAIL_OTP sends a code that signs in (amr email); choosing PASSWORD completes in the answer', async () => {
    await user(poolId, 'sel');
    const started = await start({ USERNAME: 'sel' });
    expect(started.ChallengeName).toBe('SELECT_CHALLENGE');
    expect(started.AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP']);
    const email = await respond('SELECT_CHALLENGE', started.Session, { USERNAME: 'sel', ANSWER: 'EMAIL_OTP' });
    expect(email.ChallengeName).toBe('EMAIL_OTP');
    expect(email.ChallengeParameters).toMatchObject({ CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: expect.stringContaining('@') });
    const { code } = await outboxCode(poolId, 'sel');
    const wrong = await rejection(respond('EMAIL_OTP', email.Session, { USERNAME: 'sel', EMAIL_OTP_CODE: code === '000000' ? '111111' : '000000' }));
    expect([wrong.name, wrong.message]).toEqual(['CodeMismatchException', 'Invalid code or auth state for the user.']);
    const done = await respond('EMAIL_OTP', email.Session, { USERNAME: 'sel', EMAIL_OTP_CODE: code });
    expect(amr(done)).toEqual(['email']);
    const replayed = await rejection(respond('EMAIL_OTP', email.Session, { USERNAME: 'sel', EMAIL_OTP_CODE: code }));
    expect([replayed.name, replayed.message]).toEqual(['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);

    const again = await start({ USERNAME: 'sel' });
    const password = await respond('SELECT_CHALLENGE', again.Session, { USERNAME: 'sel', ANSWER: 'PASSWORD', PASSWORD });
    expect(amr(password)).toEqual(['pwd']);
    const log = await authLog('sel');
    expect(log.find((e) => e.type === 'SignInFailed')!.data).toMatchObject({ flow: 'USER_AUTH', factor: 'EMAIL_OTP', reason: 'WRONG_CODE', passed: [] });
    expect(log.filter((e) => e.type === 'SignInSucceeded').map((e) => e.data.factors)).toEqual([['EMAIL_OTP'], ['PASSWORD'], ['PASSWORD']]);
  });

  test('SMS_OTP as the preferred challenge: a code by SMS signs in (amr sms)', async () => {
    await user(poolId, 'sid');
    const started = await start({ USERNAME: 'sid', PREFERRED_CHALLENGE: 'SMS_OTP' });
    expect(started.ChallengeName).toBe('SMS_OTP');
    expect(started.ChallengeParameters).toMatchObject({ CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: expect.stringContaining('0100') });
    const { code } = await outboxCode(poolId, 'sid');
    const done = await respond('SMS_OTP', started.Session, { USERNAME: 'sid', SMS_OTP_CODE: code });
    expect(amr(done)).toEqual(['sms']);
    const log = await authLog('sid');
    expect(log[0].data).toMatchObject({ flow: 'USER_AUTH', factors: ['SMS_OTP'] });
  });

  test('A factor the pool does not allow is not offered, and choosing it anyway is refused with nothing sent', async () => {
    await user(strictPoolId, 'nora');
    const started = await start({ USERNAME: 'nora', PREFERRED_CHALLENGE: 'EMAIL_OTP' }, strictClientId);
    expect(started.ChallengeName).toBe('SELECT_CHALLENGE');
    expect(started.AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP']);
    const refused = await rejection(respond('SELECT_CHALLENGE', started.Session, { USERNAME: 'nora', ANSWER: 'EMAIL_OTP' }, strictClientId));
    expect([refused.name, refused.message]).toEqual(['InvalidParameterException', 'The challenge EMAIL_OTP is not available for this user.']);
    const skipped = await rejection(respond('EMAIL_OTP', started.Session, { USERNAME: 'nora', EMAIL_OTP_CODE: '123456' }, strictClientId));
    expect([skipped.name, skipped.message]).toEqual(['NotAuthorizedException', 'Invalid session for the user.']);
    const outbox = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${strictPoolId}&username=nora`, undefined, { authorization: adminAuth });
    expect(outbox.body.messages).toEqual([]);
    const token = (await respond('SELECT_CHALLENGE', started.Session, { USERNAME: 'nora', ANSWER: 'PASSWORD', PASSWORD }, strictClientId)).AuthenticationResult!
      .AccessToken!;
    const factors = await anonymous.send(new GetUserAuthFactorsCommand({ AccessToken: token }));
    expect(factors.ConfiguredUserAuthFactors).toEqual(['PASSWORD']);
    const passkeys = await rejection(anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: token })));
    expect(passkeys.name).toBe('WebAuthnNotEnabledException');
    // A client that does not allow USER_AUTH.
    const other = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: strictPoolId, ClientName: 'old', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    const notEnabled = await rejection(start({ USERNAME: 'nora' }, other));
    expect(notEnabled.name).toBe('InvalidParameterException');
  });

  test('A name that matches no user: UserNotFoundException, or the password choices and a wrong-password answer when the client hides user existence', async () => {
    const legacy = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: strictPoolId,
          ClientName: 'legacy',
          ExplicitAuthFlows: [...FLOWS],
          PreventUserExistenceErrors: 'LEGACY',
        }),
      )
    ).UserPoolClient!.ClientId!;
    const hiding = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: strictPoolId,
          ClientName: 'hiding',
          ExplicitAuthFlows: [...FLOWS],
          PreventUserExistenceErrors: 'ENABLED',
        }),
      )
    ).UserPoolClient!.ClientId!;
    const told = await rejection(start({ USERNAME: 'ghost' }, legacy));
    expect([told.name, told.message]).toEqual(['UserNotFoundException', 'User does not exist.']);
    const hidden = await start({ USERNAME: 'ghost' }, hiding);
    expect([hidden.ChallengeName, hidden.AvailableChallenges]).toEqual(['SELECT_CHALLENGE', ['PASSWORD', 'PASSWORD_SRP']]);
    const answered = await rejection(respond('SELECT_CHALLENGE', hidden.Session, { USERNAME: 'ghost', ANSWER: 'PASSWORD', PASSWORD }, hiding));
    expect([answered.name, answered.message]).toEqual(['NotAuthorizedException', 'Incorrect username or password.']);
    const direct = await rejection(start({ USERNAME: 'ghost', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD }, hiding));
    expect([direct.name, direct.message]).toEqual(['NotAuthorizedException', 'Incorrect username or password.']);
  });

  test('A pool that requires MFA: no one-time code alone is offered, and PASSWORD goes on to the second factor (amr pwd sms mfa)', async () => {
    const required = (
      await admin.send(
        new CreateUserPoolCommand({ PoolName: 'required', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'] } } }),
      )
    ).UserPool!.Id!;
    await admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: required, MfaConfiguration: 'ON', SmsMfaConfiguration: { SmsAuthenticationMessage: 'Code {####}' } }),
    );
    const client = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: required, ClientName: 'web', ExplicitAuthFlows: [...FLOWS] })))
      .UserPoolClient!.ClientId!;
    await user(required, 'max');
    const offered = await start({ USERNAME: 'max', PREFERRED_CHALLENGE: 'EMAIL_OTP' }, client);
    expect([offered.ChallengeName, offered.AvailableChallenges]).toEqual(['SELECT_CHALLENGE', ['PASSWORD', 'PASSWORD_SRP']]);
    const first = await respond('SELECT_CHALLENGE', offered.Session, { USERNAME: 'max', ANSWER: 'PASSWORD', PASSWORD }, client);
    expect(first.ChallengeName).toBe('SMS_MFA');
    const { code } = await outboxCode(required, 'max');
    const done = await respond('SMS_MFA', first.Session, { USERNAME: 'max', SMS_MFA_CODE: code }, client);
    expect(amr(done)).toEqual(['pwd', 'sms', 'mfa']);
  });

  test('Passkeys: registration with a software authenticator (wrong origin, wrong RP id, unsupported algorithm refused), WEB_AUTHN sign-in (amr hwk), replays refused, listing and deleting', async () => {
    await user(poolId, 'kim');
    const token = await accessTokenOf('kim');
    expect((await anonymous.send(new GetUserAuthFactorsCommand({ AccessToken: token }))).ConfiguredUserAuthFactors).toEqual([
      'PASSWORD',
      'EMAIL_OTP',
      'SMS_OTP',
    ]);
    const authenticator = new SoftwareAuthenticator({ counter: 1 });
    const { CredentialCreationOptions } = await anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: token }));
    const creation = CredentialCreationOptions as { challenge: string; rp: { id: string }; user: { name: string }; pubKeyCredParams: Array<{ alg: number }> };
    expect(creation.rp.id).toBe('localhost');
    expect(creation.user.name).toBe('kim');
    expect(creation.pubKeyCredParams.map((p) => p.alg)).toEqual([-7, -257]);
    const complete = (credential: unknown) => anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: token, Credential: credential as never }));

    const wrongOrigin = await rejection(complete(authenticator.register(creation, { origin: 'https://evil.example' })));
    expect(wrongOrigin.name).toBe('WebAuthnOriginNotAllowedException');
    const wrongRp = await rejection(complete(authenticator.register(creation, { origin: ORIGIN, rpId: 'evil.example' })));
    expect(wrongRp.name).toBe('WebAuthnRelyingPartyMismatchException');
    const eddsa = await rejection(complete(new SoftwareAuthenticator({ alg: -8 }).register(creation, { origin: ORIGIN })));
    expect(eddsa.name).toBe('WebAuthnCredentialNotSupportedException');
    const otherChallenge = await rejection(
      complete(authenticator.register({ ...creation, challenge: Buffer.alloc(32, 7).toString('base64url') }, { origin: ORIGIN })),
    );
    expect(otherChallenge.name).toBe('WebAuthnChallengeNotFoundException');
    expect(await complete(authenticator.register(creation, { origin: ORIGIN }))).toMatchObject({ $metadata: { httpStatusCode: 200 } });
    // The challenge is spent.
    const again = await rejection(complete(authenticator.register(creation, { origin: ORIGIN })));
    expect(again.name).toBe('WebAuthnChallengeNotFoundException');

    const listed = await anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: token }));
    expect(listed.Credentials).toEqual([
      expect.objectContaining({
        CredentialId: authenticator.id,
        RelyingPartyId: 'localhost',
        AuthenticatorAttachment: 'platform',
        AuthenticatorTransports: ['internal'],
      }),
    ]);
    expect((await anonymous.send(new GetUserAuthFactorsCommand({ AccessToken: token }))).ConfiguredUserAuthFactors).toEqual([
      'PASSWORD',
      'EMAIL_OTP',
      'SMS_OTP',
      'WEB_AUTHN',
    ]);
    expect((await admin.send(new AdminGetUserAuthFactorsCommand({ UserPoolId: poolId, Username: 'kim' }))).ConfiguredUserAuthFactors).toContain('WEB_AUTHN');
    expect((await start({ USERNAME: 'kim' })).AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN']);

    // Sign-in.
    const started = await start({ USERNAME: 'kim', PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(started.ChallengeName).toBe('WEB_AUTHN');
    const request = JSON.parse(started.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as {
      challenge: string;
      rpId: string;
      allowCredentials: Array<{ id: string }>;
    };
    expect(request.rpId).toBe('localhost');
    expect(request.allowCredentials.map((c) => c.id)).toEqual([authenticator.id]);
    const answer = (session: string | undefined, credential: unknown) =>
      respond('WEB_AUTHN', session, { USERNAME: 'kim', CREDENTIAL: JSON.stringify(credential) });

    const badOrigin = await rejection(answer(started.Session, authenticator.assert(request, { origin: 'https://localhost.evil.example' })));
    expect(badOrigin.name).toBe('WebAuthnOriginNotAllowedException');
    const badRp = await rejection(answer(started.Session, authenticator.assert(request, { origin: ORIGIN, rpId: 'example.com' })));
    expect(badRp.name).toBe('WebAuthnRelyingPartyMismatchException');
    const assertion = authenticator.assert(request, { origin: ORIGIN });
    const done = await answer(started.Session, assertion);
    expect(amr(done)).toEqual(['hwk']);
    // The same assertion again: its signature counter did not move.
    const replayed = await rejection(answer(started.Session, assertion));
    expect([replayed.name, replayed.message]).toEqual(['NotAuthorizedException', 'Incorrect username or password.']);
    // ...nor does it answer another sign-in's challenge.
    const next = await start({ USERNAME: 'kim', PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const elsewhere = await rejection(answer(next.Session, assertion));
    expect(elsewhere.name).toBe('NotAuthorizedException');
    const nextRequest = JSON.parse(next.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as { challenge: string };
    expect(amr(await answer(next.Session, authenticator.assert(nextRequest, { origin: ORIGIN })))).toEqual(['hwk']);
    // Chosen in SELECT_CHALLENGE: the answer is the WEB_AUTHN challenge.
    const chosen = await respond('SELECT_CHALLENGE', (await start({ USERNAME: 'kim' })).Session, { USERNAME: 'kim', ANSWER: 'WEB_AUTHN' });
    expect(chosen.ChallengeName).toBe('WEB_AUTHN');
    const chosenRequest = JSON.parse(chosen.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as { challenge: string };
    expect(amr(await answer(chosen.Session, authenticator.assert(chosenRequest, { origin: ORIGIN })))).toEqual(['hwk']);

    const sub = decodeJwt(token).sub!;
    const counters = (await app.platform.store.readStream(passkeysStream(poolId, sub)))
      .filter((e) => e.type === 'PasskeyUsed')
      .map((e) => (e.data as { counter: number }).counter);
    // Refused assertions moved the authenticator on but were not recorded: the stored counter went 1 → 4 → 5 → 6.
    expect(counters).toEqual([4, 5, 6]);
    const log = await authLog('kim');
    expect(log.filter((e) => e.type === 'SignInSucceeded' && JSON.stringify(e.data.factors) === '["WEB_AUTHN"]')).toHaveLength(3);
    expect(log.filter((e) => e.type === 'SignInFailed').map((e) => e.data.factor)).toEqual(['WEB_AUTHN', 'WEB_AUTHN', 'WEB_AUTHN', 'WEB_AUTHN']);

    await anonymous.send(new DeleteWebAuthnCredentialCommand({ AccessToken: token, CredentialId: authenticator.id }));
    expect((await anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: token }))).Credentials).toEqual([]);
    const gone = await rejection(anonymous.send(new DeleteWebAuthnCredentialCommand({ AccessToken: token, CredentialId: authenticator.id })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect((await start({ USERNAME: 'kim' })).AvailableChallenges).not.toContain('WEB_AUTHN');
  });

  test('A pool that requires MFA and counts a user-verified passkey as multi-factor: WEB_AUTHN is offered and signs in alone', async () => {
    const strong = (
      await admin.send(new CreateUserPoolCommand({ PoolName: 'strong', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } } }))
    ).UserPool!.Id!;
    await admin.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: strong,
        MfaConfiguration: 'ON',
        SmsMfaConfiguration: { SmsAuthenticationMessage: 'Code {####}' },
        WebAuthnConfiguration: { RelyingPartyId: 'localhost', UserVerification: 'required', FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION' },
      }),
    );
    const client = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: strong, ClientName: 'web', ExplicitAuthFlows: [...FLOWS] }))).UserPoolClient!
      .ClientId!;
    await user(strong, 'uma');
    const first = await start({ USERNAME: 'uma', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD }, client);
    expect(first.ChallengeName).toBe('SMS_MFA');
    const token = (await respond('SMS_MFA', first.Session, { USERNAME: 'uma', SMS_MFA_CODE: (await outboxCode(strong, 'uma')).code }, client))
      .AuthenticationResult!.AccessToken!;
    const authenticator = new SoftwareAuthenticator({ counter: 10 });
    const { CredentialCreationOptions } = await anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: token }));
    expect((CredentialCreationOptions as { authenticatorSelection: { userVerification: string } }).authenticatorSelection.userVerification).toBe('required');
    await anonymous.send(
      new CompleteWebAuthnRegistrationCommand({
        AccessToken: token,
        Credential: authenticator.register(CredentialCreationOptions as never, { origin: ORIGIN }) as never,
      }),
    );
    const started = await start({ USERNAME: 'uma' }, client);
    expect(started.AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP', 'WEB_AUTHN']);
    const passkey = await respond('SELECT_CHALLENGE', started.Session, { USERNAME: 'uma', ANSWER: 'WEB_AUTHN' }, client);
    const request = JSON.parse(passkey.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as { challenge: string; userVerification: string };
    expect(request.userVerification).toBe('required');
    const done = await respond(
      'WEB_AUTHN',
      passkey.Session,
      { USERNAME: 'uma', CREDENTIAL: JSON.stringify(authenticator.assert(request, { origin: ORIGIN })) },
      client,
    );
    expect(amr(done)).toEqual(['hwk']);
  });

  test('A passkey whose authenticator keeps no counter: a replayed last answer finds its session used', async () => {
    await user(poolId, 'zed');
    const token = await accessTokenOf('zed');
    const authenticator = new SoftwareAuthenticator();
    const { CredentialCreationOptions } = await anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: token }));
    await anonymous.send(
      new CompleteWebAuthnRegistrationCommand({
        AccessToken: token,
        Credential: authenticator.register(CredentialCreationOptions as never, { origin: ORIGIN }) as never,
      }),
    );
    const started = await start({ USERNAME: 'zed', PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    const request = JSON.parse(started.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS) as { challenge: string };
    const credential = JSON.stringify(authenticator.assert(request, { origin: ORIGIN }));
    expect(amr(await respond('WEB_AUTHN', started.Session, { USERNAME: 'zed', CREDENTIAL: credential }))).toEqual(['hwk']);
    const replayed = await rejection(respond('WEB_AUTHN', started.Session, { USERNAME: 'zed', CREDENTIAL: credential }));
    expect([replayed.name, replayed.message]).toEqual(['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);
  });
});
