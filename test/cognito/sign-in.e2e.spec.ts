import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { REFRESH_TOKEN_SCOPE } from '../../src/auth/refresh-token.events.js';
import { refreshTokenHash } from '../../src/auth/tokens/refresh-tokens.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient, wire } from './support.js';

const PASSWORD = 'Correct-Horse-9';
const FLOWS = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

describe('sign-in, tokens, refresh and revocation through the official Cognito SDK', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let webClient: string;
  let hiddenClient: string;
  let secretClient: { id: string; secret: string };
  let rotatingClient: string;

  const signUpConfirmed = async (username: string, email: string) => {
    await anonymous.send(new SignUpCommand({ ClientId: webClient, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${username}`, undefined, { authorization: adminAuth });
    const code = /(\d{6})/.exec(r.body.messages[0].body)![1];
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: webClient, Username: username, ConfirmationCode: code }));
  };
  const passwordSignIn = (username: string, password = PASSWORD, clientId = webClient, extra: Record<string, string> = {}) =>
    anonymous.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password, ...extra } }),
    );

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'signin', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const client = async (input: Record<string, unknown>) =>
      (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', ExplicitAuthFlows: [...FLOWS], ...input }))).UserPoolClient!;
    webClient = (await client({ ClientName: 'web' })).ClientId!;
    hiddenClient = (await client({ ClientName: 'hidden', PreventUserExistenceErrors: 'ENABLED' })).ClientId!;
    const withSecret = await client({ ClientName: 'server', GenerateSecret: true });
    secretClient = { id: withSecret.ClientId!, secret: withSecret.ClientSecret! };
    rotatingClient = (await client({ ClientName: 'rotating', RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } })).ClientId!;
    await signUpConfirmed('alice', 'alice@example.test');
    await signUpConfirmed('bob', 'bob@example.test');
    await signUpConfirmed('carol', 'carol@example.test');
    await signUpConfirmed('dave', 'dave@example.test');
  });
  afterAll(async () => app.destroy());

  test('USER_PASSWORD_AUTH returns Cognito-shaped tokens that independent verifiers accept', async () => {
    const result = (await passwordSignIn('alice')).AuthenticationResult!;
    expect(result).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    expect(result.RefreshToken).toEqual(expect.any(String));
    const issuer = `${app.url}/${poolId}`;
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(issuer);
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { payload: id, protectedHeader } = await jwtVerify(result.IdToken!, jwks, { issuer, audience: webClient });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(id).toMatchObject({ token_use: 'id', 'cognito:username': 'alice', email: 'alice@example.test', email_verified: true, aud: webClient });
    for (const claim of ['sub', 'auth_time', 'iat', 'exp', 'jti', 'origin_jti', 'event_id']) expect(id[claim]).toBeDefined();
    const { payload: access } = await jwtVerify(result.AccessToken!, jwks, { issuer });
    expect(access).toMatchObject({
      token_use: 'access',
      client_id: webClient,
      username: 'alice',
      scope: 'aws.cognito.signin.user.admin',
      sub: id.sub,
      origin_jti: id.origin_jti,
    });

    // aws-jwt-verify with the service as its issuer (its own fetcher speaks HTTPS only: one for loopback HTTP).
    const fetcher: Fetcher = { fetch: async (uri) => (await (await fetch(uri)).arrayBuffer()) as ArrayBuffer };
    const verifier = JwtVerifier.create({ issuer, jwksUri: discovery.jwks_uri, audience: webClient }, { jwksCache: new SimpleJwksCache({ fetcher }) });
    await expect(verifier.verify(result.IdToken!)).resolves.toMatchObject({ 'cognito:username': 'alice', token_use: 'id' });
  });

  test('wrong password, unknown user (with and without PreventUserExistenceErrors), unconfirmed user, disabled flow', async () => {
    expect(await rejection(passwordSignIn('alice', 'Wrong-Horse-9'))).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect((await rejection(passwordSignIn('nobody'))).name).toBe('UserNotFoundException');
    expect(await rejection(passwordSignIn('nobody', PASSWORD, hiddenClient))).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    await anonymous.send(new SignUpCommand({ ClientId: webClient, Username: 'pending', Password: PASSWORD }));
    expect((await rejection(passwordSignIn('pending'))).name).toBe('UserNotConfirmedException');
    const srpOnly = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'srp' }))).UserPoolClient!.ClientId!;
    expect(await rejection(passwordSignIn('alice', PASSWORD, srpOnly))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
  });

  test('a client with a secret needs the right SECRET_HASH', async () => {
    const hash = (u: string) =>
      createHmac('sha256', secretClient.secret)
        .update(u + secretClient.id)
        .digest('base64');
    expect((await rejection(passwordSignIn('bob', PASSWORD, secretClient.id))).name).toBe('NotAuthorizedException');
    expect((await rejection(passwordSignIn('bob', PASSWORD, secretClient.id, { SECRET_HASH: hash('eve') }))).name).toBe('NotAuthorizedException');
    const ok = await passwordSignIn('bob', PASSWORD, secretClient.id, { SECRET_HASH: hash('bob') });
    const refreshed = await anonymous.send(
      new InitiateAuthCommand({
        ClientId: secretClient.id,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: ok.AuthenticationResult!.RefreshToken!, SECRET_HASH: hash('bob') },
      }),
    );
    expect(refreshed.AuthenticationResult!.AccessToken).toEqual(expect.any(String));
  });

  test('REFRESH_TOKEN_AUTH issues new ID and access tokens; GetUser reads the user with the access token', async () => {
    const first = (await passwordSignIn('carol')).AuthenticationResult!;
    const refreshed = (
      await anonymous.send(
        new InitiateAuthCommand({ ClientId: webClient, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } }),
      )
    ).AuthenticationResult!;
    expect(refreshed.RefreshToken).toBeUndefined();
    expect(refreshed.AccessToken).not.toBe(first.AccessToken);
    const user = await anonymous.send(new GetUserCommand({ AccessToken: refreshed.AccessToken }));
    expect(user.Username).toBe('carol');
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'carol@example.test' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    );
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: refreshed.IdToken })))).name).toBe('NotAuthorizedException');
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: 'not.a.token' })))).name).toBe('NotAuthorizedException');
  });

  test('GlobalSignOut and AdminUserGlobalSignOut revoke access and refresh tokens; a new sign-in works at once', async () => {
    const before = (await passwordSignIn('dave')).AuthenticationResult!;
    await anonymous.send(new GlobalSignOutCommand({ AccessToken: before.AccessToken }));
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: before.AccessToken })))).name).toBe('NotAuthorizedException');
    const refresh = (token: string) =>
      anonymous.send(new InitiateAuthCommand({ ClientId: webClient, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));
    expect((await rejection(refresh(before.RefreshToken!))).name).toBe('NotAuthorizedException');
    const after = (await passwordSignIn('dave')).AuthenticationResult!;
    expect((await anonymous.send(new GetUserCommand({ AccessToken: after.AccessToken }))).Username).toBe('dave');
    await admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'dave' }));
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: after.AccessToken })))).name).toBe('NotAuthorizedException');
    expect((await rejection(refresh(after.RefreshToken!))).name).toBe('NotAuthorizedException');
  });

  test('RevokeToken revokes the refresh token and the access tokens of its sign-in', async () => {
    const tokens = (await passwordSignIn('alice')).AuthenticationResult!;
    const other = (await passwordSignIn('alice')).AuthenticationResult!;
    await anonymous.send(new RevokeTokenCommand({ ClientId: webClient, Token: tokens.RefreshToken! }));
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).name).toBe('NotAuthorizedException');
    expect(
      (
        await rejection(
          anonymous.send(
            new InitiateAuthCommand({ ClientId: webClient, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }),
          ),
        )
      ).name,
    ).toBe('NotAuthorizedException');
    // Another sign-in of the same user is untouched.
    expect((await anonymous.send(new GetUserCommand({ AccessToken: other.AccessToken }))).Username).toBe('alice');
  });

  test('refresh-token rotation: each use returns a new token; reuse of a rotated one revokes the family', async () => {
    const signIn = (await passwordSignIn('bob', PASSWORD, rotatingClient)).AuthenticationResult!;
    const next = (await anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingClient, RefreshToken: signIn.RefreshToken! })))
      .AuthenticationResult!;
    expect(next.RefreshToken).toEqual(expect.any(String));
    expect(next.RefreshToken).not.toBe(signIn.RefreshToken);
    const reuse = await rejection(anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingClient, RefreshToken: signIn.RefreshToken! })));
    expect(reuse.name).toBe('RefreshTokenReuseException');
    // The whole family is revoked: the newest token and its access token too.
    expect((await rejection(anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingClient, RefreshToken: next.RefreshToken! })))).name).toBe(
      'NotAuthorizedException',
    );
    expect((await rejection(anonymous.send(new GetUserCommand({ AccessToken: next.AccessToken })))).name).toBe('NotAuthorizedException');
  });

  test('a refresh token names its family, but only the whole token counts: forged prefixes are refused and revoke nothing; bare tokens still work', async () => {
    const refresh = (token: string, clientId = webClient) =>
      anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));
    const alice = (await passwordSignIn('alice')).AuthenticationResult!;
    const bob = (await passwordSignIn('bob')).AuthenticationResult!;
    const [alicePrefix, aliceSecret] = alice.RefreshToken!.split('.');
    const [bobPrefix] = bob.RefreshToken!.split('.');
    expect(Buffer.from(alicePrefix, 'base64url').toString()).toBe(`${decodeJwt(alice.AccessToken!).origin_jti}:${poolId}:${decodeJwt(alice.AccessToken!).sub}`);
    // Alice's family with a made-up secret, and Alice's secret under Bob's family.
    for (const forged of [`${alicePrefix}.${'A'.repeat(64)}`, `${bobPrefix}.${aliceSecret}`, `${alicePrefix}.`, `.${aliceSecret}`, 'x'.repeat(300)]) {
      const e = await rejection(refresh(forged));
      expect([e.name, e.message]).toEqual(['NotAuthorizedException', 'Invalid Refresh Token']);
    }
    // Neither family was touched.
    expect((await refresh(alice.RefreshToken!)).AuthenticationResult!.IdToken).toEqual(expect.any(String));
    expect((await refresh(bob.RefreshToken!)).AuthenticationResult!.IdToken).toEqual(expect.any(String));

    // A bare token (no family prefix, as first issued) is found through its hash's unique claim.
    const familyId = randomUUID();
    const bare = randomBytes(48).toString('base64url');
    const sub = decodeJwt(alice.AccessToken!).sub!;
    const now = new Date();
    await app.platform.store.append(
      `refresh-${familyId}`,
      [
        {
          type: 'RefreshTokenIssued',
          data: {
            familyId,
            poolId,
            sub,
            clientId: webClient,
            refreshTokenHash: refreshTokenHash(app.platform.secrets, bare),
            authTime: now.toISOString(),
            issuedAt: now.toISOString(),
            expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
          },
          metadata: { eventId: randomUUID(), occurredAt: now.toISOString(), correlationId: familyId, causationId: familyId, actor: { kind: 'system' } },
        },
      ],
      { expectedRevision: 'no_stream', unique: [{ scope: REFRESH_TOKEN_SCOPE, value: refreshTokenHash(app.platform.secrets, bare), change: 'claim' }] },
    );
    const viaBare = (await refresh(bare)).AuthenticationResult!;
    expect(decodeJwt(viaBare.IdToken!)).toMatchObject({ sub, origin_jti: familyId, 'cognito:username': 'alice' });
    expect((await rejection(refresh(bare, hiddenClient))).name).toBe('NotAuthorizedException');
  });

  test('a username freed by a deletion and taken by a new user signs in the new user at once (remembered names are checked)', async () => {
    await signUpConfirmed('erin', 'erin@example.test');
    const first = decodeJwt((await passwordSignIn('erin')).AuthenticationResult!.IdToken!).sub;
    await passwordSignIn('erin'); // now remembered by this process
    await admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'erin' }));
    expect((await rejection(passwordSignIn('erin'))).name).toBe('UserNotFoundException');
    await signUpConfirmed('erin', 'erin2@example.test');
    const second = decodeJwt((await passwordSignIn('erin')).AuthenticationResult!.IdToken!);
    expect(second.sub).not.toBe(first);
    expect(second.email).toBe('erin2@example.test');
  });

  test('AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH needs a signature', async () => {
    const r = await admin.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: webClient,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'carol', PASSWORD },
      }),
    );
    expect(r.AuthenticationResult!.IdToken).toEqual(expect.any(String));
    const unsigned = await wire(
      app.url,
      'AWSCognitoIdentityProviderService.AdminInitiateAuth',
      JSON.stringify({ UserPoolId: poolId, ClientId: webClient, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD } }),
    );
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.__type).toBe('MissingAuthenticationTokenException');
    expect(JSON.stringify(unsigned.body)).not.toContain('IdToken');
  });

  test('failed sign-ins lock the user out progressively ("Password attempts exceeded")', async () => {
    await signUpConfirmed('mallory', 'mallory@example.test');
    for (let i = 0; i < 5; i++) expect((await rejection(passwordSignIn('mallory', 'Wrong-Horse-9'))).message).toBe('Incorrect username or password.');
    expect(await rejection(passwordSignIn('mallory'))).toMatchObject({ name: 'NotAuthorizedException', message: 'Password attempts exceeded' });
  });
});
