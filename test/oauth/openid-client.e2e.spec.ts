import type { Browser } from 'playwright-core';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';
import { browserPage, confirmedUser, launchBrowser, oauthPool, PASSWORD, type RelyingParty, relyingParty, shot, signIn } from './support.js';

/**
 * The service as an OpenID Provider, driven by openid-client as the relying party and a real
 * browser (Debian's chromium through playwright-core) for the user's step.
 */
describe('OpenID Connect with openid-client and a browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let admin: ReturnType<typeof sdkClient>;
  let rp: RelyingParty;
  beforeAll(async () => {
    rp = await relyingParty();
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await app?.destroy();
  });

  test('discovery, authorization code + PKCE, token exchange, ID token, userInfo, refresh, revoke, logout', async () => {
    const pool = await oauthPool(admin, app.url, rp, 'rp-flow');
    await confirmedUser(admin, pool.poolId, 'alice');
    const config = await oidc.discovery(new URL(pool.issuer), pool.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata()).toMatchObject({
      issuer: pool.issuer,
      authorization_endpoint: `${pool.domainUrl}/oauth2/authorize`,
      jwks_uri: `${pool.issuer}/.well-known/jwks.json`,
    });

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorize = oidc.buildAuthorizationUrl(config, {
      redirect_uri: rp.callback,
      scope: 'openid email aws.cognito.signin.user.admin',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const { page } = await browserPage(browser);
    await page.goto(authorize.href);
    await shot(page, 'login');
    await signIn(page, 'alice', PASSWORD);
    await page.waitForURL(/\/callback/);
    const callback = new URL(rp.arrivals.filter((u) => u.includes('/callback')).at(-1)!);
    expect(callback.searchParams.get('state')).toBe(state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: pool.issuer, aud: pool.clientId, token_use: 'id', 'cognito:username': 'alice', email: 'alice@example.com', nonce });
    expect(typeof claims.at_hash).toBe('string');
    // The same Cognito-format tokens the API issues: the pool's JWKS verifies them.
    const jwks = createRemoteJWKSet(new URL(`${pool.issuer}/.well-known/jwks.json`));
    const access = await jwtVerify(tokens.access_token, jwks, { issuer: pool.issuer });
    expect(access.payload).toMatchObject({
      token_use: 'access',
      client_id: pool.clientId,
      username: 'alice',
      scope: 'openid email aws.cognito.signin.user.admin',
    });

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: claims.sub, email: 'alice@example.com', email_verified: true, username: 'alice' });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await jwtVerify(refreshed.access_token, jwks)).payload).toMatchObject({
      scope: 'openid email aws.cognito.signin.user.admin',
      origin_jti: access.payload.origin_jti,
    });

    await oidc.tokenRevocation(config, tokens.refresh_token!);
    const afterRevoke = await oidc.refreshTokenGrant(config, tokens.refresh_token!).catch((e: unknown) => e);
    expect(afterRevoke).toMatchObject({ error: 'invalid_grant' });

    const endSession = oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: rp.signedOut, id_token_hint: tokens.id_token!, client_id: pool.clientId });
    await page.goto(endSession.href);
    await page.waitForURL(/signed-out/);
    // The login session is over: a new authorization asks the user to sign in again.
    await page.goto(authorize.href);
    await page.getByLabel('Username').waitFor();
  });
});
