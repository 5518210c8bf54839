import {
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  AdminListUserAuthEventsCommand,
  type AuthEventType,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient, wire } from './support.js';

const PASSWORD = 'Correct-Horse-9';

describe('AdminListUserAuthEvents through the official Cognito SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  const signUpConfirmed = async (username: string) => {
    await anonymous.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
  };
  /** One USER_PASSWORD_AUTH attempt; true when it gave tokens. */
  const signIn = async (username: string, password: string) => {
    try {
      await anonymous.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
      );
      return true;
    } catch (error) {
      expect((error as Error).name).toBe('NotAuthorizedException');
      return false;
    }
  };
  const events = (username: string, extra: { MaxResults?: number; NextToken?: string } = {}) =>
    admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: username, ...extra }));

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'auth-events' }))).UserPool!.Id!;
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    await signUpConfirmed('alice');
    await signUpConfirmed('bob');
  });
  afterAll(async () => app.destroy());

  test('a user who never signed in has no events and no token', async () => {
    const r = await events('bob');
    expect(r.AuthEvents).toEqual([]);
    expect(r.NextToken).toBeUndefined();
  });

  test('failed and successful sign-ins are listed newest first, with Pass/Fail, the IP and the agent', async () => {
    const outcomes = [
      await signIn('alice', 'wrong-1'),
      await signIn('alice', PASSWORD),
      await signIn('alice', 'wrong-2'),
      await signIn('alice', PASSWORD),
      await signIn('alice', 'wrong-3'),
    ];
    expect(outcomes).toEqual([false, true, false, true, false]);

    const r = await events('alice');
    expect(r.NextToken).toBeUndefined();
    const list = r.AuthEvents!;
    expect(list.map((e) => e.EventResponse)).toEqual(['Fail', 'Pass', 'Fail', 'Pass', 'Fail']);
    expect(list.map((e) => e.ChallengeResponses)).toEqual(
      ['Failure', 'Success', 'Failure', 'Success', 'Failure'].map((r) => [{ ChallengeName: 'Password', ChallengeResponse: r }]),
    );
    for (const event of list) {
      expect(event).toMatchObject({
        EventType: 'SignIn',
        EventRisk: { RiskDecision: 'NoRisk', RiskLevel: 'Low', CompromisedCredentialsDetected: false },
        EventContextData: { IpAddress: '127.0.0.1' },
      });
      expect(event.EventContextData!.DeviceName).toMatch(/aws-sdk-js/);
      expect(event.EventContextData!.DeviceName!.length).toBeLessThanOrEqual(128);
      expect(event.EventFeedback).toBeUndefined();
      expect(event.CreationDate).toBeInstanceOf(Date);
    }
    const times = list.map((e) => e.CreationDate!.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(list.map((e) => e.EventId)).size).toBe(5);
  });

  test('MaxResults pages through the log newest first, with no duplicate and no gap', async () => {
    const all = (await events('alice')).AuthEvents!;
    const seen: AuthEventType[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await events('alice', { MaxResults: 2, ...(token ? { NextToken: token } : {}) });
      sizes.push(page.AuthEvents!.length);
      seen.push(...page.AuthEvents!);
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen.map((e) => e.EventId)).toEqual(all.map((e) => e.EventId));

    // A sign-in between pages does not shift the pages already being read.
    const first = await events('alice', { MaxResults: 2 });
    await signIn('alice', PASSWORD);
    const second = await events('alice', { MaxResults: 2, NextToken: first.NextToken });
    expect(second.AuthEvents!.map((e) => e.EventId)).toEqual(all.slice(2, 4).map((e) => e.EventId));
    expect((await events('alice', { MaxResults: 0 })).AuthEvents).toHaveLength(6);
  });

  test('a disabled user with the right password fails the sign-in but passes the password check', async () => {
    await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'bob' }));
    expect(await signIn('bob', PASSWORD)).toBe(false);
    const [latest] = (await events('bob')).AuthEvents!;
    expect(latest).toMatchObject({ EventResponse: 'Fail', ChallengeResponses: [{ ChallengeName: 'Password', ChallengeResponse: 'Success' }] });
  });

  test('refusals: unknown user, unknown pool, a token that is not ours, MaxResults out of range', async () => {
    expect((await rejection(events('nobody'))).name).toBe('UserNotFoundException');
    expect((await rejection(admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: 'eu-west-1_Nowhere99', Username: 'alice' })))).name).toBe(
      'ResourceNotFoundException',
    );
    const aliceToken = (await events('alice', { MaxResults: 1 })).NextToken!;
    expect((await rejection(events('bob', { NextToken: aliceToken }))).name).toBe('InvalidParameterException');
    expect((await rejection(events('alice', { NextToken: 'garbage' }))).name).toBe('InvalidParameterException');
    expect((await rejection(events('alice', { MaxResults: 61 }))).name).toBe('InvalidParameterException');
  });

  test('the call needs the admin signature', async () => {
    const r = await wire(app.url, 'AWSCognitoIdentityProviderService.AdminListUserAuthEvents', JSON.stringify({ UserPoolId: poolId, Username: 'alice' }));
    expect(r.body.__type).toBe('MissingAuthenticationTokenException');
  });
});
