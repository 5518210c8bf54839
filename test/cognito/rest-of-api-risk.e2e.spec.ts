import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateAuthEventFeedbackCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeRiskConfigurationCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
  SetRiskConfigurationCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateAuthEventFeedbackCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

/**
 * Issue 12, point 4: threat protection through the official SDK. The breach corpus is the
 * fixture range folder (test/fixtures/risk/pwned-ranges, HIBP's k-anonymity format) and the
 * addresses' places come from the fixture CSV: 203.0.113.0/24 is Paris, 198.51.100.0/24 Sydney,
 * 192.0.2.0/24 London. Each sign-in comes through a trusted proxy naming its address, with a
 * user agent of its own (the "device").
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'risk');
const PASSWORD = 'Correct-Horse-9';
/** Listed in the fixture corpus (a real count); Padded-Horse-7 is listed only as padding (count 0). */
const BREACHED = 'Breached-Horse-7';
const PADDED = 'Padded-Horse-7';
const PARIS = '203.0.113.10';
const SYDNEY = '198.51.100.20';
const LONDON = '192.0.2.30';
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Safari/604.1';
const SOURCE_ARN = 'arn:aws:ses:eu-west-1:123456789012:identity/security@example.com';

describe('threat protection (risk configuration, compromised credentials, account takeover, feedback)', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;

  /** A public client whose calls come from `address` with `agent`, as a trusted proxy forwards them. */
  const device = (address: string, agent: string) => {
    const client = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        headers['x-forwarded-for'] = address;
        headers['user-agent'] = agent;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'asDevice' },
    );
    return client;
  };

  const pool = async (name: string, mode?: 'AUDIT' | 'ENFORCED') => {
    const created = await admin.send(
      new CreateUserPoolCommand({ PoolName: name, ...(mode ? { UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: mode } } : {}) }),
    );
    const poolId = created.UserPool!.Id!;
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    return { poolId, clientId };
  };
  const user = async (poolId: string, username: string, password = PASSWORD, attributes: Record<string, string> = {}) => {
    const extra = Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: extra }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
  };
  const signIn = (clientId: string, username: string, from: CognitoIdentityProviderClient, password = PASSWORD): Promise<InitiateAuthCommandOutput> =>
    from.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
  const events = async (poolId: string, username: string) =>
    (await admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: username }))).AuthEvents!;
  const outbox = (poolId: string, username: string) => app.platform.delivery.outbox!.list({ poolId, username });

  beforeAll(async () => {
    app = await startApp('pglite', {
      COMPROMISED_PASSWORDS_FILE: join(FIXTURES, 'pwned-ranges'),
      IP_LOCATIONS_FILE: join(FIXTURES, 'ip-locations.csv'),
      TRUST_PROXY: '127.0.0.1',
    });
    admin = sdkClient(app.url);
  });
  afterAll(async () => app?.destroy());

  test('UserPoolAddOns need the Plus plan; DescribeUserPool shows them; UpdateUserPool can turn them off', async () => {
    const essentials = await rejection(admin.send(new CreateUserPoolCommand({ PoolName: 'no-plan', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } })));
    expect([essentials.name, essentials.message]).toEqual([
      'FeatureUnavailableInTierException',
      'The following features need to be disabled for the ESSENTIALS pricing tier configured: Threat Protection',
    ]);
    const { poolId } = await pool('plus', 'AUDIT');
    const described = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
    expect(described).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
    await admin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'OFF' } }));
    const off = await rejection(admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId })));
    expect(off.name).toBe('UserPoolAddOnNotEnabledException');
  });

  test('without the add-on the risk calls are UserPoolAddOnNotEnabledException and nothing is written', async () => {
    const { poolId } = await pool('plain');
    await user(poolId, 'olga');
    for (const call of [
      admin.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } } })),
      admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId })),
      admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: poolId, Username: 'olga', EventId: 'e1', FeedbackValue: 'Valid' })),
    ]) {
      const error = await rejection(call);
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['UserPoolAddOnNotEnabledException', 400]);
    }
    expect((await app.platform.store.readStream(`risk-${poolId}`)).length).toBe(0);
  });

  test("Set/DescribeRiskConfiguration: the pool's and a client's; a client inherits the pool's; ids alone reset; Cognito's errors", async () => {
    const { poolId, clientId } = await pool('configured', 'ENFORCED');
    const empty = (await admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId }))).RiskConfiguration!;
    expect(empty).toEqual({ UserPoolId: poolId, ClientId: 'ALL' });

    const set = await admin.send(
      new SetRiskConfigurationCommand({
        UserPoolId: poolId,
        CompromisedCredentialsRiskConfiguration: { EventFilter: ['SIGN_IN', 'SIGN_UP'], Actions: { EventAction: 'BLOCK' } },
        AccountTakeoverRiskConfiguration: {
          NotifyConfiguration: {
            SourceArn: SOURCE_ARN,
            From: 'security@example.com',
            BlockEmail: { Subject: 'Blocked', TextBody: 'Blocked {username} from {ip-address}' },
          },
          Actions: { HighAction: { EventAction: 'BLOCK', Notify: true }, LowAction: { EventAction: 'NO_ACTION', Notify: false } },
        },
        RiskExceptionConfiguration: { BlockedIPRangeList: ['192.0.2.0/24'], SkippedIPRangeList: ['2001:db8::/32'] },
      }),
    );
    expect(set.RiskConfiguration).toMatchObject({
      UserPoolId: poolId,
      ClientId: 'ALL',
      CompromisedCredentialsRiskConfiguration: { EventFilter: ['SIGN_IN', 'SIGN_UP'], Actions: { EventAction: 'BLOCK' } },
      AccountTakeoverRiskConfiguration: {
        NotifyConfiguration: { SourceArn: SOURCE_ARN, From: 'security@example.com', BlockEmail: { Subject: 'Blocked' } },
        Actions: { HighAction: { EventAction: 'BLOCK', Notify: true }, LowAction: { EventAction: 'NO_ACTION', Notify: false } },
      },
      RiskExceptionConfiguration: { BlockedIPRangeList: ['192.0.2.0/24'], SkippedIPRangeList: ['2001:db8::/32'] },
    });
    expect(set.RiskConfiguration!.LastModifiedDate).toBeInstanceOf(Date);

    // A client without its own configuration follows the pool's.
    const inherited = (await admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }))).RiskConfiguration!;
    expect(inherited).toMatchObject({ ClientId: 'ALL', CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } } });
    await admin.send(
      new SetRiskConfigurationCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'NO_ACTION' } },
      }),
    );
    const own = (await admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }))).RiskConfiguration!;
    expect(own).toEqual({
      UserPoolId: poolId,
      ClientId: clientId,
      CompromisedCredentialsRiskConfiguration: { EventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'], Actions: { EventAction: 'NO_ACTION' } },
      LastModifiedDate: expect.any(Date),
    });
    // Ids alone: the client inherits again; then the pool goes back to the defaults.
    await admin.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }));
    expect((await admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }))).RiskConfiguration!.ClientId).toBe('ALL');
    await admin.send(new SetRiskConfigurationCommand({ UserPoolId: poolId }));
    expect((await admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId }))).RiskConfiguration).toEqual({ UserPoolId: poolId, ClientId: 'ALL' });

    const before = (await app.platform.store.readStream(`risk-${poolId}`)).length;
    const refusals = [
      // Notify without a NotifyConfiguration.
      admin.send(
        new SetRiskConfigurationCommand({
          UserPoolId: poolId,
          AccountTakeoverRiskConfiguration: { Actions: { LowAction: { EventAction: 'BLOCK', Notify: true } } },
        }),
      ),
      admin.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, RiskExceptionConfiguration: { BlockedIPRangeList: ['10.0.0.0/33'] } })),
      admin.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, RiskExceptionConfiguration: { SkippedIPRangeList: ['not-an-address'] } })),
      admin.send(
        new SetRiskConfigurationCommand({ UserPoolId: poolId, CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK_ALL' as never } } }),
      ),
    ];
    for (const call of refusals) expect((await rejection(call)).name).toBe('InvalidParameterException');
    expect((await rejection(admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId, ClientId: 'nosuchclient1' })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await rejection(admin.send(new DescribeRiskConfigurationCommand({ UserPoolId: 'eu-west-1_Nowhere99' })))).name).toBe('ResourceNotFoundException');
    expect((await app.platform.store.readStream(`risk-${poolId}`)).length).toBe(before);
  });

  test('compromised credentials (ENFORCED, BLOCK): sign-up and password change refuse a breached password; a sign-in with one sets RESET_REQUIRED', async () => {
    const { poolId, clientId } = await pool('breach', 'ENFORCED');
    await admin.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } } }));
    const laptop = device(PARIS, LAPTOP);

    const signUp = await rejection(laptop.send(new SignUpCommand({ ClientId: clientId, Username: 'sid', Password: BREACHED })));
    expect([signUp.name, signUp.message]).toEqual(['InvalidPasswordException', 'Provided password cannot be used for security reasons.']);
    expect((await rejection(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'sid' })))).name).toBe('UserNotFoundException');
    // Listed only as padding (count 0): not compromised.
    await laptop.send(new SignUpCommand({ ClientId: clientId, Username: 'pia', Password: PADDED }));

    await user(poolId, 'carl');
    const session = await signIn(clientId, 'carl', laptop);
    const change = await rejection(
      laptop.send(
        new ChangePasswordCommand({ AccessToken: session.AuthenticationResult!.AccessToken!, PreviousPassword: PASSWORD, ProposedPassword: BREACHED }),
      ),
    );
    expect([change.name, change.message]).toEqual(['InvalidPasswordException', 'Provided password cannot be used for security reasons.']);

    // An administrator's password is not checked (Cognito checks sign-up, sign-in and user changes); the sign-in with it is.
    await user(poolId, 'bree', BREACHED);
    const blocked = await rejection(signIn(clientId, 'bree', laptop, BREACHED));
    expect([blocked.name, blocked.message]).toEqual(['PasswordResetRequiredException', 'Password reset required for the user']);
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bree' }))).UserStatus).toBe('RESET_REQUIRED');
    const [entry] = await events(poolId, 'bree');
    expect(entry).toMatchObject({ EventResponse: 'Fail', EventRisk: { RiskDecision: 'NoRisk', CompromisedCredentialsDetected: true } });
  });

  test('compromised credentials in AUDIT mode: detected and recorded, the sign-in goes on', async () => {
    const { poolId, clientId } = await pool('breach-audit', 'AUDIT');
    await admin.send(new SetRiskConfigurationCommand({ UserPoolId: poolId, CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } } }));
    await user(poolId, 'audra', BREACHED);
    expect((await signIn(clientId, 'audra', device(PARIS, LAPTOP), BREACHED)).AuthenticationResult?.AccessToken).toBeDefined();
    const [entry] = await events(poolId, 'audra');
    expect(entry).toMatchObject({ EventResponse: 'Pass', EventRisk: { RiskDecision: 'NoRisk', CompromisedCredentialsDetected: true } });
  });

  test('account takeover: a new device is Low (NO_ACTION, notified), impossible travel is High (BLOCK, notified), feedback teaches it', async () => {
    const { poolId, clientId } = await pool('takeover', 'ENFORCED');
    await admin.send(
      new SetRiskConfigurationCommand({
        UserPoolId: poolId,
        AccountTakeoverRiskConfiguration: {
          NotifyConfiguration: {
            SourceArn: SOURCE_ARN,
            BlockEmail: { Subject: 'Blocked sign-in for {username}', TextBody: 'From {ip-address}. Feedback token: {one-click-link-invalid}' },
          },
          Actions: {
            LowAction: { EventAction: 'NO_ACTION', Notify: true },
            MediumAction: { EventAction: 'MFA_REQUIRED', Notify: false },
            HighAction: { EventAction: 'BLOCK', Notify: true },
          },
        },
      }),
    );
    await user(poolId, 'tess', PASSWORD, { email: 'tess@example.com', email_verified: 'true' });

    // The first sign-in: nothing to compare with.
    await signIn(clientId, 'tess', device(PARIS, LAPTOP));
    // The same place, a new device: Low, allowed, the user told.
    expect((await signIn(clientId, 'tess', device(PARIS, PHONE))).AuthenticationResult).toBeDefined();
    expect(outbox(poolId, 'tess').map((m) => m.subject)).toEqual(['New sign-in']);
    // Seconds later from Sydney: impossible travel, High, blocked, the user told.
    const blocked = await rejection(signIn(clientId, 'tess', device(SYDNEY, LAPTOP)));
    expect([blocked.name, blocked.message]).toEqual(['NotAuthorizedException', 'Unable to login because of security reasons.']);
    const mail = outbox(poolId, 'tess').find((m) => m.subject.startsWith('Blocked'))!;
    expect(outbox(poolId, 'tess')).toHaveLength(2);
    expect(mail).toMatchObject({ subject: 'Blocked sign-in for tess', to: 'tess@example.com' });
    expect(mail.body).toContain(`From ${SYDNEY}.`);
    const token = /Feedback token: (\S+)/.exec(mail.body)![1];

    const log = await events(poolId, 'tess');
    expect(log.map((e) => [e.EventResponse, e.EventRisk])).toEqual([
      ['Fail', { RiskDecision: 'Block', RiskLevel: 'High', CompromisedCredentialsDetected: false }],
      ['Pass', { RiskDecision: 'AccountTakeover', RiskLevel: 'Low', CompromisedCredentialsDetected: false }],
      ['Pass', { RiskDecision: 'NoRisk', CompromisedCredentialsDetected: false }],
    ]);
    expect(log[0].EventContextData).toMatchObject({ IpAddress: SYDNEY, DeviceName: LAPTOP });

    // The user says it was them (the token from the notification): the event's feedback changes…
    const anonymous = device(SYDNEY, LAPTOP);
    const wrong = await rejection(
      anonymous.send(
        new UpdateAuthEventFeedbackCommand({ UserPoolId: poolId, Username: 'tess', EventId: log[0].EventId!, FeedbackToken: 'forged', FeedbackValue: 'Valid' }),
      ),
    );
    expect(wrong.name).toBe('NotAuthorizedException');
    await anonymous.send(
      new UpdateAuthEventFeedbackCommand({ UserPoolId: poolId, Username: 'tess', EventId: log[0].EventId!, FeedbackToken: token, FeedbackValue: 'Valid' }),
    );
    const after = await events(poolId, 'tess');
    expect(after[0].EventFeedback).toMatchObject({ FeedbackValue: 'Valid', Provider: 'User' });
    expect(after[0].EventFeedback!.FeedbackDate).toBeInstanceOf(Date);
    expect(after[1].EventFeedback).toBeUndefined();
    // …and Sydney is now a place of hers: the same sign-in passes.
    expect((await signIn(clientId, 'tess', device(SYDNEY, LAPTOP))).AuthenticationResult).toBeDefined();
    expect((await events(poolId, 'tess'))[0].EventRisk).toEqual({ RiskDecision: 'NoRisk', CompromisedCredentialsDetected: false });

    // An administrator marks the phone's sign-in as not hers: the phone is new again.
    await admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: poolId, Username: 'tess', EventId: log[1].EventId!, FeedbackValue: 'Invalid' }));
    expect((await events(poolId, 'tess')).find((e) => e.EventId === log[1].EventId)!.EventFeedback).toMatchObject({
      FeedbackValue: 'Invalid',
      Provider: 'Admin',
    });
    await signIn(clientId, 'tess', device(SYDNEY, PHONE));
    expect((await events(poolId, 'tess'))[0].EventRisk).toMatchObject({ RiskDecision: 'AccountTakeover', RiskLevel: 'Low' });
    const missing = await rejection(
      admin.send(new AdminUpdateAuthEventFeedbackCommand({ UserPoolId: poolId, Username: 'tess', EventId: 'no-such-event', FeedbackValue: 'Valid' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');

    // A new device from a new address (in Sydney still: no travel) is Medium: MFA_REQUIRED, and she has no MFA, so it is blocked.
    const medium = await rejection(signIn(clientId, 'tess', device('198.51.100.99', 'curl/8.5.0')));
    expect(medium.name).toBe('NotAuthorizedException');
    expect((await events(poolId, 'tess'))[0]).toMatchObject({ EventResponse: 'Fail', EventRisk: { RiskDecision: 'Block', RiskLevel: 'Medium' } });
  });

  test('MFA_IF_CONFIGURED: a risky sign-in of a user with a phone gets SMS_MFA, though the pool would not ask; an address on the block list is blocked', async () => {
    const { poolId, clientId } = await pool('takeover-mfa', 'ENFORCED');
    await admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', SmsMfaConfiguration: { SmsAuthenticationMessage: 'Code {####}' } }),
    );
    await admin.send(
      new SetRiskConfigurationCommand({
        UserPoolId: poolId,
        AccountTakeoverRiskConfiguration: { Actions: { LowAction: { EventAction: 'MFA_IF_CONFIGURED', Notify: false } } },
        RiskExceptionConfiguration: { BlockedIPRangeList: ['192.0.2.0/24'] },
      }),
    );
    await user(poolId, 'mo', PASSWORD, { phone_number: '+15555550199', phone_number_verified: 'true' });
    expect((await signIn(clientId, 'mo', device(PARIS, LAPTOP))).AuthenticationResult).toBeDefined();
    expect((await signIn(clientId, 'mo', device(PARIS, LAPTOP))).AuthenticationResult).toBeDefined();
    const risky = await signIn(clientId, 'mo', device(PARIS, PHONE));
    expect(risky.ChallengeName).toBe('SMS_MFA');
    const code = /Code (\d{6})/.exec(outbox(poolId, 'mo').find((m) => m.medium === 'SMS')!.body)![1];
    const done = await device(PARIS, PHONE).send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SMS_MFA',
        Session: risky.Session,
        ChallengeResponses: { USERNAME: 'mo', SMS_MFA_CODE: code },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeDefined();
    expect((await events(poolId, 'mo'))[0]).toMatchObject({
      EventResponse: 'Pass',
      EventRisk: { RiskDecision: 'AccountTakeover', RiskLevel: 'Low' },
      ChallengeResponses: expect.arrayContaining([{ ChallengeName: 'Mfa', ChallengeResponse: 'Success' }]),
    });
    const listed = await rejection(signIn(clientId, 'mo', device(LONDON, LAPTOP)));
    expect([listed.name, listed.message]).toEqual(['NotAuthorizedException', 'Unable to login because of security reasons.']);
    expect((await events(poolId, 'mo'))[0].EventRisk).toMatchObject({ RiskDecision: 'Block' });
  });
});
