import { CreateResourceServerCommand, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';
import { browserPage, confirmedUser, launchBrowser, oauthPool, PASSWORD, type RelyingParty, relyingParty, signIn } from './support.js';

type Pool = Awaited<ReturnType<typeof oauthPool>>;

const form = (values: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
});

/**
 * The token endpoint's grants and every refusal the issue names: each gets its RFC 6749 error and
 * issues nothing (no refresh-token family, no OAuth grant event is written).
 */
describe('OAuth grants and their refusals', () => {
  let app: RunningApp;
  let browser: Browser;
  let rp: RelyingParty;
  let admin: ReturnType<typeof sdkClient>;
  let pool: Pool;
  let page: Page;
  const issued = async () =>
    Number((await app.platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM es_events WHERE type = 'OAuthTokensIssued'`)).rows[0].n);

  beforeAll(async () => {
    rp = await relyingParty();
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    browser = await launchBrowser();
    pool = await oauthPool(admin, app.url, rp, 'grants');
    await confirmedUser(admin, pool.poolId, 'bob');
    ({ page } = await browserPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await app?.destroy();
  });

  /** An authorization code for the pool's client (the browser's login session answers after the first sign-in). */
  async function code(extra: Record<string, string> = {}, clientId = pool.clientId): Promise<{ code: string; verifier: string; url: URL }> {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL(`${pool.domainUrl}/oauth2/authorize`);
    const params = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: rp.callback,
      scope: 'openid',
      state: 's1',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    await page.goto(url.href);
    if (page.url().includes('/login')) await signIn(page, 'bob', PASSWORD);
    await page.waitForURL(/\/callback/);
    const back = new URL(page.url());
    return { code: back.searchParams.get('code') ?? '', verifier, url: back };
  }

  const exchange = (values: Record<string, string>) =>
    fetch(`${pool.domainUrl}/oauth2/token`, form({ grant_type: 'authorization_code', client_id: pool.clientId, redirect_uri: rp.callback, ...values }));

  test('client_credentials with a custom resource-server scope; the access token verifies with jose against the JWKS', async () => {
    await admin.send(
      new CreateResourceServerCommand({
        UserPoolId: pool.poolId,
        Identifier: 'orders',
        Name: 'orders',
        Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read orders' }],
      }),
    );
    const m2m = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.poolId,
          ClientName: 'm2m',
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['orders/read'],
        }),
      )
    ).UserPoolClient!;
    const basic = `Basic ${Buffer.from(`${m2m.ClientId}:${m2m.ClientSecret}`).toString('base64')}`;
    const r = await fetch(`${pool.domainUrl}/oauth2/token`, {
      ...form({ grant_type: 'client_credentials', scope: 'orders/read' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(`${pool.issuer}/.well-known/jwks.json`)), {
      issuer: pool.issuer,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: m2m.ClientId, client_id: m2m.ClientId, token_use: 'access', scope: 'orders/read' });

    // client_secret_post works too; a wrong secret, an unknown scope and a user-facing scope do not.
    const post = await fetch(
      `${pool.domainUrl}/oauth2/token`,
      form({ grant_type: 'client_credentials', client_id: m2m.ClientId!, client_secret: m2m.ClientSecret! }),
    );
    expect(post.status).toBe(200);
    const wrong = await fetch(`${pool.domainUrl}/oauth2/token`, form({ grant_type: 'client_credentials', client_id: m2m.ClientId!, client_secret: 'nope' }));
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
    for (const scope of ['orders/write', 'openid']) {
      const refused = await fetch(`${pool.domainUrl}/oauth2/token`, {
        ...form({ grant_type: 'client_credentials', scope }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      });
      expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([400, 'invalid_scope']);
    }
    // A public client has no client_credentials grant.
    const publicClient = await fetch(`${pool.domainUrl}/oauth2/token`, form({ grant_type: 'client_credentials', client_id: pool.clientId }));
    expect(((await publicClient.json()) as { error: string }).error).toMatch(/unauthorized_client|invalid_request/);
  });

  test('a wrong redirect URI is never redirected to; at the token endpoint it is invalid_grant', async () => {
    const r = await fetch(
      `${pool.domainUrl}/oauth2/authorize?response_type=code&client_id=${pool.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&scope=openid`,
      { redirect: 'manual' },
    );
    expect(r.status).toBe(400);
    expect(r.headers.get('location')).toBeNull();
    expect(await r.text()).toContain('redirect_uri');
    const before = await issued();
    const { code: c, verifier } = await code();
    const mismatch = await exchange({ code: c, code_verifier: verifier, redirect_uri: `${rp.callback}/other` });
    expect([mismatch.status, ((await mismatch.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    expect(await issued()).toBe(before);
  });

  test('PKCE: a public client must send a challenge; a missing or wrong verifier is invalid_grant and issues nothing', async () => {
    const noChallenge = await code({ code_challenge: '', code_challenge_method: '' });
    expect(noChallenge.url.searchParams.get('error')).toBe('invalid_request');
    expect(noChallenge.url.searchParams.get('state')).toBe('s1');
    const before = await issued();
    const { code: c, verifier } = await code();
    const attempts: Array<Record<string, string>> = [{}, { code_verifier: oidc.randomPKCECodeVerifier() }];
    for (const attempt of attempts) {
      const r = await exchange({ code: c, ...attempt });
      expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    }
    expect(await issued()).toBe(before);
    // The code was not spent by the refusals.
    expect((await exchange({ code: c, code_verifier: verifier })).status).toBe(200);
  });

  test('a code is single use: the second exchange fails and revokes the tokens the first produced', async () => {
    const { code: c, verifier } = await code();
    const first = (await (await exchange({ code: c, code_verifier: verifier })).json()) as { refresh_token: string; access_token: string };
    const before = await issued();
    const second = await exchange({ code: c, code_verifier: verifier });
    expect([second.status, ((await second.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    expect(await issued()).toBe(before);
    const refresh = await fetch(
      `${pool.domainUrl}/oauth2/token`,
      form({ grant_type: 'refresh_token', client_id: pool.clientId, refresh_token: first.refresh_token }),
    );
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
    const info = await fetch(`${pool.domainUrl}/oauth2/userInfo`, { headers: { authorization: `Bearer ${first.access_token}` } });
    expect(info.status).toBe(401);
  });

  test('a code is bound to its client: another client gets invalid_grant', async () => {
    const other = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.poolId,
          ClientName: 'other',
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid'],
          CallbackURLs: [rp.callback],
          SupportedIdentityProviders: ['COGNITO'],
        }),
      )
    ).UserPoolClient!;
    const before = await issued();
    const { code: c, verifier } = await code();
    const r = await exchange({ code: c, code_verifier: verifier, client_id: other.ClientId! });
    expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    expect(await issued()).toBe(before);
  });

  test('an invalid scope goes back to the client as invalid_scope, before anyone signs in', async () => {
    for (const scope of ['openid nonexistent', 'phone']) {
      const { url } = await code({ scope });
      expect(url.searchParams.get('error')).toBe('invalid_scope');
      expect(url.searchParams.get('code')).toBeNull();
    }
  });

  test('an expired code is invalid_grant and issues nothing', async () => {
    const { code: c, verifier } = await code();
    // Five minutes later, as far as the code is concerned.
    await app.platform.db.query(
      `UPDATE oauth_artifacts_v1 SET payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch from now())::bigint - 1)) WHERE kind = 'AuthorizationCode' AND NOT (payload ? 'consumed')`,
    );
    const before = await issued();
    const r = await exchange({ code: c, code_verifier: verifier });
    expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    expect(await issued()).toBe(before);
  });

  test('prompt=login asks again although a session exists; max_age=0 too', async () => {
    await code();
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }]) {
      const url = new URL(`${pool.domainUrl}/oauth2/authorize`);
      const verifier = oidc.randomPKCECodeVerifier();
      for (const [k, v] of Object.entries({
        response_type: 'code',
        client_id: pool.clientId,
        redirect_uri: rp.callback,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...extra,
      }))
        url.searchParams.set(k, v);
      await page.goto(url.href);
      await page.getByLabel('Username').waitFor();
      await signIn(page, 'bob', PASSWORD);
      await page.waitForURL(/\/callback/);
    }
  });

  test('the session cookie is HttpOnly and SameSite', async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'cairn_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/auth/grants' });
  });
});
