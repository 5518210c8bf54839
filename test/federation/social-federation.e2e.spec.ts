import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  type IdentityProviderTypeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { sdkClient } from '../cognito/support.js';
import { browserPage, launchBrowser, type RelyingParty, relyingParty } from '../oauth/support.js';
import { freePort, type RunningApp, startApp } from '../support/app.js';

const DOMAIN = 'fed-social';
const APPLE = { client_id: 'com.example.web', team_id: 'TEAM123456', key_id: 'KEY1234567' };
const FACEBOOK = { client_id: 'fb-app', client_secret: 'fb-app-secret' };
const AMAZON = { client_id: 'amzn-app', client_secret: 'amzn-app-secret' };

const close = (server: Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
const bodyOf = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
const json = (res: import('node:http').ServerResponse, status: number, value: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

/**
 * The social presets against one local fake of their servers (the presets' endpoints are
 * overridden in ProviderDetails, as Cognito allows): Sign in with Apple exchanges its code with
 * the signed client_secret JWT Apple documents (ES256 by the private_key, kid key_id, iss
 * team_id, sub client_id, aud https://appleid.apple.com), checked here with jose, and answers by
 * form_post; Facebook (token by GET) and Login with Amazon (token by POST) give no ID token, so
 * the user comes from their attributes_url (`id`, `user_id` as the subject).
 */
describe('Social identity providers (Apple, Facebook, Login with Amazon) through the hosted endpoints', () => {
  const SLOW = 300_000;
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let rp: RelyingParty;
  let browser: Browser;
  let fake: Server;
  let base: string;
  let poolId: string;
  let clientId: string;
  let domainUrl: string;
  /** What the fake's token endpoint saw: Apple's verified client secret, the others' secrets. */
  const seen: {
    appleSecret?: { header: Record<string, unknown>; payload: JWTPayload };
    appleSecretError?: string;
    appleResponseMode?: string | null;
    exchanges: string[];
  } = { exchanges: [] };

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    rp = await relyingParty();
    domainUrl = `${app.url}/auth/${DOMAIN}`;

    const appleKey = await generateKeyPair('ES256', { extractable: true });
    const idTokenKey = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(idTokenKey.publicKey)), kid: 'fake-apple', alg: 'RS256', use: 'sig' }] };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const codes = new Map<string, { nonce: string; who: string }>();
    fake = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', base);
        const [, provider, step] = url.pathname.split('/');
        if (step === 'authorize') {
          // The user is signed in at the provider at once: back to the pool with a code.
          const code = `${provider}-code-${codes.size}`;
          codes.set(code, { nonce: url.searchParams.get('nonce') ?? '', who: url.searchParams.get('login_hint') ?? 'someone' });
          const back = { code, state: url.searchParams.get('state') ?? '' };
          if (provider === 'apple') seen.appleResponseMode = url.searchParams.get('response_mode');
          if (url.searchParams.get('response_mode') === 'form_post') {
            const fields = Object.entries(back)
              .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
              .join('');
            res.writeHead(200, { 'content-type': 'text/html' });
            return void res.end(
              `<!DOCTYPE html><title>provider</title><form method="post" action="${url.searchParams.get('redirect_uri')}">${fields}<button type="submit">Continue</button></form>`,
            );
          }
          const target = new URL(url.searchParams.get('redirect_uri')!);
          for (const [k, v] of Object.entries(back)) target.searchParams.set(k, v);
          return void res.writeHead(302, { location: target.href }).end();
        }
        if (step === 'token') {
          const form = req.method === 'POST' ? new URLSearchParams(await bodyOf(req)) : url.searchParams;
          const grant = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          seen.exchanges.push(`${provider} ${req.method}`);
          if (!grant) return json(res, 400, { error: 'invalid_grant' });
          if (provider === 'apple') {
            const secret = form.get('client_secret') ?? '';
            try {
              const { payload } = await jwtVerify(secret, appleKey.publicKey, {
                algorithms: ['ES256'],
                issuer: APPLE.team_id,
                subject: APPLE.client_id,
                audience: 'https://appleid.apple.com',
                requiredClaims: ['iat', 'exp'],
              });
              seen.appleSecret = { header: decodeProtectedHeader(secret) as Record<string, unknown>, payload };
            } catch (error) {
              seen.appleSecretError = String(error);
              return json(res, 400, { error: 'invalid_client' });
            }
            const idToken = await new SignJWT({ nonce: grant.nonce, email: 'ann@privaterelay.example', email_verified: 'true' })
              .setProtectedHeader({ alg: 'RS256', kid: 'fake-apple' })
              .setIssuer(`${base}/apple`)
              .setAudience(APPLE.client_id)
              .setSubject('001234.apple-user')
              .setIssuedAt()
              .setExpirationTime('10m')
              .sign(idTokenKey.privateKey);
            return json(res, 200, { access_token: 'apple-access', token_type: 'Bearer', expires_in: 3600, id_token: idToken });
          }
          const expected = provider === 'facebook' ? FACEBOOK : AMAZON;
          if (form.get('client_id') !== expected.client_id || form.get('client_secret') !== expected.client_secret)
            return json(res, 401, { error: 'invalid_client' });
          return json(res, 200, { access_token: `${provider}-access`, token_type: 'bearer', expires_in: 3600 });
        }
        if (step === 'keys') return json(res, 200, jwks);
        if (step === 'me') {
          const bearer = req.headers.authorization ?? '';
          if (provider === 'facebook' && bearer === 'Bearer facebook-access')
            return json(res, 200, { id: '10150001', email: 'fay@fb.example', name: 'Fay Book' });
          if (provider === 'amazon' && bearer === 'Bearer amazon-access')
            return json(res, 200, { user_id: 'amzn1.account.AMZ1', email: 'al@amazon.example', name: 'Al Amazon' });
          return json(res, 401, { error: 'invalid_token' });
        }
        json(res, 404, { error: 'not_found' });
      })();
    });
    await new Promise<void>((resolve) => fake.listen(port, '127.0.0.1', resolve));

    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'federation-social' }))).UserPool!.Id!;
    await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: DOMAIN }));
    const providers: Array<[string, Record<string, string>, Record<string, string>]> = [
      [
        'SignInWithApple',
        {
          ...APPLE,
          private_key: await exportPKCS8(appleKey.privateKey),
          authorize_scopes: 'email name',
          authorize_url: `${base}/apple/authorize`,
          token_url: `${base}/apple/token`,
          jwks_uri: `${base}/apple/keys`,
          oidc_issuer: `${base}/apple`,
        },
        { email: 'email' },
      ],
      [
        'Facebook',
        {
          ...FACEBOOK,
          authorize_scopes: 'public_profile,email',
          authorize_url: `${base}/facebook/authorize`,
          token_url: `${base}/facebook/token`,
          attributes_url: `${base}/facebook/me`,
        },
        { email: 'email', name: 'name' },
      ],
      [
        'LoginWithAmazon',
        {
          ...AMAZON,
          authorize_scopes: 'profile',
          authorize_url: `${base}/amazon/authorize`,
          token_url: `${base}/amazon/token`,
          attributes_url: `${base}/amazon/me`,
        },
        { email: 'email', name: 'name' },
      ],
    ];
    for (const [name, details, mapping] of providers) {
      await admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: name,
          ProviderType: name as IdentityProviderTypeType,
          ProviderDetails: details,
          AttributeMapping: mapping,
        }),
      );
    }
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid', 'email', 'profile'],
          CallbackURLs: [rp.callback],
          SupportedIdentityProviders: providers.map(([name]) => name),
        }),
      )
    ).UserPoolClient!.ClientId!;
    browser = await launchBrowser();
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    await close(fake);
    await rp?.close();
    await app?.destroy();
  });

  /** /oauth2/authorize with identity_provider, through the fake provider, back at the app: its ID token (verified) or the error. */
  async function signIn(page: Page, provider: string) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL(`${domainUrl}/oauth2/authorize`);
    const params = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: rp.callback,
      scope: 'openid email profile',
      state: 'app-state',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      identity_provider: provider,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    await page.goto(url.href);
    if (new URL(page.url()).pathname.endsWith('/authorize') && page.url().startsWith(base)) await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/callback/).catch(async (error: unknown) => {
      throw new Error(`not back at the app: ${page.url()}\n${await page.locator('body').innerText()}\n${String(error)}`);
    });
    const back = new URL(page.url());
    const code = back.searchParams.get('code');
    if (!code) return { error: `${back.searchParams.get('error')}: ${back.searchParams.get('error_description')}` };
    const exchanged = await fetch(`${domainUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, redirect_uri: rp.callback, code, code_verifier: verifier }).toString(),
    });
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as { id_token: string };
    const issuer = `${app.url}/${poolId}`;
    const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), { issuer, audience: clientId });
    return { id: payload };
  }

  test(
    'Sign in with Apple: the code is exchanged with an ES256 client_secret JWT (kid key_id, iss team_id, sub client_id, aud appleid.apple.com); the answer comes by form_post',
    async () => {
      const { page, context } = await browserPage(browser);
      page.setDefaultTimeout(100_000);
      const result = await signIn(page, 'SignInWithApple');
      expect(seen.appleSecretError).toBeUndefined();
      expect(result.id).toMatchObject({ 'cognito:username': 'SignInWithApple_001234.apple-user', email: 'ann@privaterelay.example' });
      expect(seen.appleSecret?.header).toMatchObject({ alg: 'ES256', kid: APPLE.key_id });
      const { iat, exp } = seen.appleSecret!.payload;
      expect(Math.abs(iat! - Date.now() / 1000)).toBeLessThan(120);
      expect(exp! - iat!).toBeGreaterThan(0);
      expect(exp! - iat!).toBeLessThanOrEqual(15_777_000);
      expect(seen.exchanges).toContain('apple POST');
      expect(seen.appleResponseMode).toBe('form_post');
      const user = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'SignInWithApple_001234.apple-user' }));
      expect(user.UserStatus).toBe('EXTERNAL_PROVIDER');
      await context.close();
    },
    SLOW,
  );

  test.each([
    ['Facebook', 'facebook GET', 'Facebook_10150001', 'fay@fb.example', 'Fay Book'],
    ['LoginWithAmazon', 'amazon POST', 'LoginWithAmazon_amzn1.account.AMZ1', 'al@amazon.example', 'Al Amazon'],
  ])(
    '%s: no ID token, so the user comes from attributes_url with the access token (token request as the preset says)',
    async (provider, exchange, username, email, name) => {
      const { page, context } = await browserPage(browser);
      page.setDefaultTimeout(100_000);
      const result = await signIn(page, provider);
      expect(result.id).toMatchObject({ 'cognito:username': username, email, name });
      expect(seen.exchanges).toContain(exchange);
      await context.close();
    },
    SLOW,
  );
});
