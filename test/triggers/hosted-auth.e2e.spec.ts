import {
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { triggerLogStream } from '../../src/triggers/trigger-log.events.js';
import { handlers } from '../fixtures/hooks/scenario-hooks.js';
import { sdkClient } from '../cognito/support.js';
import { type RunningApp, startApp } from '../support/app.js';
import { browserPage, confirmedUser, launchBrowser, PASSWORD, type RelyingParty, relyingParty, signIn } from '../oauth/support.js';
import { ARN, type HookHost, hostHooks } from './support.js';

const form = (values: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
});

/**
 * Tokens of the hosted pages and the OAuth token endpoint go through the pool's pre token
 * generation hook (TokenGeneration_HostedAuth; a refresh grant: TokenGeneration_RefreshTokens,
 * once), with the example hooks as an in-process module, a real browser signing in.
 */
describe('pre token generation for hosted sign-in', () => {
  let host: HookHost;
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let rp: RelyingParty;
  let browser: Browser;
  let page: Page;
  let poolId: string;
  let clientId: string;
  let domainUrl: string;

  beforeAll(async () => {
    host = await hostHooks('module', handlers);
    rp = await relyingParty();
    app = await startApp('pglite', host.env);
    admin = sdkClient(app.url);
    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'hosted-hooks',
          AutoVerifiedAttributes: ['email'],
          LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: ARN('pre-token') } },
        }),
      )
    ).UserPool!.Id!;
    await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'hosted-hooks' }));
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid', 'email'],
          CallbackURLs: [rp.callback],
          SupportedIdentityProviders: ['COGNITO'],
        }),
      )
    ).UserPoolClient!.ClientId!;
    domainUrl = `${app.url}/auth/hosted-hooks`;
    await confirmedUser(admin, poolId, 'hana');
    browser = await launchBrowser();
    ({ page } = await browserPage(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await app?.destroy();
    await host?.stop();
  });

  const attempts = async (source: string) =>
    (await app.platform.store.readStream(triggerLogStream(poolId)))
      .map((e) => e.data as { kind: string; triggerSource: string })
      .filter((d) => d.triggerSource === source).length;

  test('the code exchange and the refresh grant hand out tokens as the hook leaves them; protected claims stay', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL(`${domainUrl}/oauth2/authorize`);
    const params = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: rp.callback,
      scope: 'openid email',
      state: 's1',
      nonce: 'n-123',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    await page.goto(url.href);
    await signIn(page, 'hana', PASSWORD);
    await page.waitForURL(/\/callback/);
    const code = new URL(page.url()).searchParams.get('code')!;
    const exchanged = await fetch(
      `${domainUrl}/oauth2/token`,
      form({ grant_type: 'authorization_code', client_id: clientId, redirect_uri: rp.callback, code, code_verifier: verifier }),
    );
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as { access_token: string; id_token: string; refresh_token: string };
    const issuer = `${app.url}/${poolId}`;
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const id = (await jwtVerify(tokens.id_token, jwks, { issuer, audience: clientId })).payload;
    expect(id).toMatchObject({ tier: 'standard', nonce: 'n-123', 'cognito:username': 'hana' });
    expect(id.at_hash).toEqual(expect.any(String));
    const access = (await jwtVerify(tokens.access_token, jwks, { issuer })).payload;
    expect(access).toMatchObject({ tier: 'standard', username: 'hana', client_id: clientId });
    expect(String(access.scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'example/read']));
    expect(await attempts('TokenGeneration_HostedAuth')).toBe(1);
    // The login page's own sign-in hands out no tokens: the hook is not called for it.
    expect(await attempts('TokenGeneration_Authentication')).toBe(0);

    const refreshed = await fetch(`${domainUrl}/oauth2/token`, form({ grant_type: 'refresh_token', client_id: clientId, refresh_token: tokens.refresh_token }));
    expect(refreshed.status).toBe(200);
    const again = (await refreshed.json()) as { access_token: string; id_token: string };
    expect(decodeJwt(again.access_token)).toMatchObject({ tier: 'standard' });
    expect(String(decodeJwt(again.access_token).scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'example/read']));
    expect(decodeJwt(again.id_token).tier).toBe('standard');
    // One refresh, one hook call (the API's own refresh inside the grant does not call it again).
    expect(await attempts('TokenGeneration_RefreshTokens')).toBe(1);
  });
});
