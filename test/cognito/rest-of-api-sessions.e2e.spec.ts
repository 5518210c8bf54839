import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminListUserSessionsCommand,
  AdminRevokeUserSessionCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GetUserPoolClientSessionConfigurationCommand,
  GetUserPoolSessionConfigurationCommand,
  ListUserSessionsCommand,
  RevokeUserSessionCommand,
  SetUserPoolClientSessionConfigurationCommand,
  SetUserPoolSessionConfigurationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { sessionIdOf } from '../../src/auth/sessions/session-ids.js';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const PASSWORD = 'Correct-Horse-9';

/** Issue 12, point 3: sessions (the refresh-token families) and the session configuration, through the SDK. */
describe('sessions: List/AdminList/Revoke/AdminRevokeUserSession and the session configuration', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const setup = async (name: string) => {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
    const client = async (clientName: string, extra: object = {}) =>
      (
        await admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: clientName,
            ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            ...extra,
          }),
        )
      ).UserPoolClient!.ClientId!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'sam', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'sam', Password: PASSWORD, Permanent: true }));
    return { poolId, client };
  };
  const signIn = async (poolId: string, clientId: string) =>
    (
      await admin.send(
        new AdminInitiateAuthCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'sam', PASSWORD },
        }),
      )
    ).AuthenticationResult!;
  const sessionOf = (accessToken: string) => sessionIdOf(String(decodeJwt(accessToken).origin_jti))!;
  const track = (poolId: string, tracking: 'ENABLED' | 'DISABLED' = 'ENABLED') =>
    admin.send(new SetUserPoolSessionConfigurationCommand({ UserPoolId: poolId, UserSessionTracking: tracking, TokenSession: { MaxPerUser: 20 } }));
  const adminList = async (poolId: string) => (await admin.send(new AdminListUserSessionsCommand({ UserPoolId: poolId, Username: 'sam' }))).Sessions!;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  });
  afterAll(async () => app.destroy());

  test('the pool and client session configuration: defaults, replacement, bounds, tracking required', async () => {
    const { poolId, client } = await setup('config');
    const clientId = await client('web');
    expect(await admin.send(new GetUserPoolSessionConfigurationCommand({ UserPoolId: poolId }))).toMatchObject({
      UserPoolId: poolId,
      UserSessionTracking: 'DISABLED',
      TokenSession: { MaxPerUser: 20 },
    });
    expect(
      await failure(
        admin.send(new SetUserPoolClientSessionConfigurationCommand({ UserPoolId: poolId, ClientId: clientId, SSOSession: { MaxValidityMinutes: 120 } })),
      ),
    ).toEqual({
      name: 'OperationNotEnabledException',
      message: `Session tracking is not enabled for user pool ${poolId}.`,
    });
    expect(await failure(adminList(poolId))).toEqual({
      name: 'OperationNotEnabledException',
      message: `Session tracking is not enabled for user pool ${poolId}.`,
    });

    const set = await admin.send(
      new SetUserPoolSessionConfigurationCommand({ UserPoolId: poolId, UserSessionTracking: 'ENABLED', TokenSession: { MaxPerUser: 5 } }),
    );
    expect(set).toMatchObject({ UserPoolId: poolId, UserSessionTracking: 'ENABLED', TokenSession: { MaxPerUser: 5 } });
    expect(await admin.send(new GetUserPoolSessionConfigurationCommand({ UserPoolId: poolId }))).toMatchObject({
      UserSessionTracking: 'ENABLED',
      TokenSession: { MaxPerUser: 5 },
    });

    expect(await admin.send(new GetUserPoolClientSessionConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }))).toMatchObject({
      UserPoolId: poolId,
      ClientId: clientId,
      SSOSession: { MaxValidityMinutes: 60 },
    });
    await admin.send(new SetUserPoolClientSessionConfigurationCommand({ UserPoolId: poolId, ClientId: clientId, SSOSession: { MaxValidityMinutes: 0 } }));
    expect(await admin.send(new GetUserPoolClientSessionConfigurationCommand({ UserPoolId: poolId, ClientId: clientId }))).toMatchObject({
      SSOSession: { MaxValidityMinutes: 0 },
    });

    expect((await failure(admin.send(new GetUserPoolClientSessionConfigurationCommand({ UserPoolId: poolId, ClientId: 'nosuchclient' })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect(
      await failure(
        admin.send(new SetUserPoolSessionConfigurationCommand({ UserPoolId: poolId, UserSessionTracking: 'ENABLED', TokenSession: { MaxPerUser: 101 } })),
      ),
    ).toEqual({
      name: 'InvalidParameterException',
      message:
        "1 validation error detected: Value '101' at 'tokenSession.maxPerUser' failed to satisfy constraint: Member must have value less than or equal to 100",
    });
    expect((await failure(admin.send(new GetUserPoolSessionConfigurationCommand({ UserPoolId: 'eu-west-1_Nope12345' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  test("a user's sign-ins are their sessions: listed by admin and by the user, the caller's own marked", async () => {
    const { poolId, client } = await setup('listing');
    const web = await client('web');
    const mobile = await client('mobile');
    const untracked = await signIn(poolId, web);
    await track(poolId);
    const first = await signIn(poolId, web);
    const second = await signIn(poolId, web);
    const third = await signIn(poolId, mobile);

    const listed = await adminList(poolId);
    // Only sign-ins made while the pool tracks sessions are sessions.
    expect(listed.map((s) => s.SessionId).sort()).toEqual([first, second, third].map((t) => sessionOf(t.AccessToken!)).sort());
    expect(listed.map((s) => s.SessionId)).not.toContain(sessionOf(untracked.AccessToken!));
    const mine = listed.find((s) => s.SessionId === sessionOf(third.AccessToken!))!;
    expect(mine).toEqual({
      SessionId: expect.stringMatching(/^tkn[0-9a-z]{25}$/),
      SessionType: 'TOKEN',
      ClientId: mobile,
      CreateDate: expect.any(Date),
      LastActiveDate: mine.CreateDate,
      DeviceType: expect.stringContaining('aws-sdk-js'),
      LastIPAddress: '127.0.0.1',
      IsCurrentSession: false,
    });

    const own = (await anonymous.send(new ListUserSessionsCommand({ AccessToken: second.AccessToken }))).Sessions!;
    expect(own.filter((s) => s.IsCurrentSession).map((s) => s.SessionId)).toEqual([sessionOf(second.AccessToken!)]);
    expect(own).toHaveLength(3);
  });

  test('revoking a session ends its refresh and access tokens; the own session and other users cannot be revoked', async () => {
    const { poolId, client } = await setup('revoking');
    const web = await client('web');
    await track(poolId);
    const current = await signIn(poolId, web);
    const other = await signIn(poolId, web);
    const third = await signIn(poolId, web);

    expect(
      await failure(anonymous.send(new RevokeUserSessionCommand({ AccessToken: current.AccessToken, SessionId: sessionOf(current.AccessToken!) }))),
    ).toEqual({
      name: 'InvalidParameterException',
      message: 'The session of the access token in the request cannot be revoked.',
    });
    await anonymous.send(new RevokeUserSessionCommand({ AccessToken: current.AccessToken, SessionId: sessionOf(other.AccessToken!) }));
    expect(await failure(anonymous.send(new GetUserCommand({ AccessToken: other.AccessToken })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
    expect(await failure(anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: web, RefreshToken: other.RefreshToken })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    expect((await anonymous.send(new GetUserCommand({ AccessToken: current.AccessToken }))).Username).toBe('sam');
    // Gone from the list at once, and not revocable twice.
    expect((await adminList(poolId)).map((s) => s.SessionId).sort()).toEqual([sessionOf(current.AccessToken!), sessionOf(third.AccessToken!)].sort());
    expect(await failure(anonymous.send(new RevokeUserSessionCommand({ AccessToken: current.AccessToken, SessionId: sessionOf(other.AccessToken!) })))).toEqual(
      {
        name: 'ResourceNotFoundException',
        message: 'Session does not exist.',
      },
    );

    // The admin form names the user: another user's session is not found.
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'tess', MessageAction: 'SUPPRESS' }));
    expect(
      await failure(admin.send(new AdminRevokeUserSessionCommand({ UserPoolId: poolId, Username: 'tess', SessionId: sessionOf(third.AccessToken!) }))),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Session does not exist.',
    });
    await admin.send(
      new AdminRevokeUserSessionCommand({ UserPoolId: poolId, Username: 'sam', SessionId: sessionOf(third.AccessToken!), RevokeAssociatedSessions: 'LINKED' }),
    );
    expect((await adminList(poolId)).map((s) => s.SessionId)).toEqual([sessionOf(current.AccessToken!)]);
    expect(
      (await failure(admin.send(new AdminRevokeUserSessionCommand({ UserPoolId: poolId, Username: 'nobody', SessionId: sessionOf(third.AccessToken!) })))).name,
    ).toBe('UserNotFoundException');
    expect(
      (await failure(admin.send(new AdminRevokeUserSessionCommand({ UserPoolId: poolId, Username: 'sam', SessionId: 'sso0000000000000000000000001' })))).name,
    ).toBe('ResourceNotFoundException');
  });

  test('a global sign-out ends every session; a rotation moves LastActiveDate; turning tracking off refuses the calls', async () => {
    const { poolId, client } = await setup('lifecycle');
    const rotating = await client('rotating', { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } });
    await track(poolId);
    const signedIn = await signIn(poolId, rotating);
    const [before] = await adminList(poolId);
    await anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotating, RefreshToken: signedIn.RefreshToken }));
    const [after] = await adminList(poolId);
    expect(after.SessionId).toBe(before.SessionId);
    expect(after.CreateDate).toEqual(before.CreateDate);
    expect(after.LastActiveDate!.getTime()).toBeGreaterThanOrEqual(before.LastActiveDate!.getTime());

    await admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'sam' }));
    expect(await adminList(poolId)).toEqual([]);
    const again = await signIn(poolId, rotating);
    expect((await adminList(poolId)).map((s) => s.SessionId)).toEqual([sessionOf(again.AccessToken!)]);

    await track(poolId, 'DISABLED');
    expect((await failure(anonymous.send(new ListUserSessionsCommand({ AccessToken: again.AccessToken })))).name).toBe('OperationNotEnabledException');
    expect((await failure(anonymous.send(new ListUserSessionsCommand({ AccessToken: 'not-a-token' })))).name).toBe('NotAuthorizedException');
  });
});
