import { X509Certificate } from 'node:crypto';
import {
  CreateIdentityProviderCommand,
  GetSigningCertificateCommand,
  ListUsersCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { sdkClient } from '../cognito/support.js';
import { type SamlIdp, startSamlIdp } from '../fixtures/saml-idp.js';
import { browserPage, launchBrowser, oauthPool, type RelyingParty, relyingParty } from '../oauth/support.js';
import { type RunningApp, startApp } from '../support/app.js';

/**
 * SAML 2.0 federation end to end: the test is the SAML IdP (test/fixtures/saml-idp.ts: signed
 * with xml-crypto), the provider is created through the AWS SDK, and a headless Chromium signs in
 * through /oauth2/authorize → the IdP → /saml2/idpresponse → the app's callback.
 */
describe('SAML identity provider: sign-in, refusals, IdP-initiated, signing certificate, single logout', () => {
  let app: RunningApp;
  let browser: Browser;
  let rp: RelyingParty;
  let idp: SamlIdp;
  let admin: ReturnType<typeof sdkClient>;
  let pool: Awaited<ReturnType<typeof oauthPool>>;
  let acsUrl: string;

  beforeAll(async () => {
    const t0 = Date.now();
    const mark = (what: string) => process.stderr.write(`saml e2e setup: ${what} at ${Date.now() - t0} ms\n`);
    rp = await relyingParty();
    idp = await startSamlIdp();
    mark('idp');
    app = await startApp('postgres');
    mark('app');
    admin = sdkClient(app.url);
    browser = await launchBrowser();
    mark('browser');
    pool = await oauthPool(admin, app.url, rp, 'samlcorp');
    mark('pool');
    acsUrl = `${pool.domainUrl}/saml2/idpresponse`;
    idp.spLogoutUrl = `${pool.domainUrl}/saml2/logout`;
    await admin.send(
      new CreateIdentityProviderCommand({
        UserPoolId: pool.poolId,
        ProviderName: 'Corp',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataFile: idp.metadata, IDPSignout: 'true' },
        AttributeMapping: { email: 'email' },
      }),
    );
    await admin.send(
      new CreateIdentityProviderCommand({
        UserPoolId: pool.poolId,
        ProviderName: 'CorpInit',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataFile: idp.metadata.replace(`entityID="${idp.entityId}"`, `entityID="${idp.entityId}"`), IDPInit: 'true' },
        AttributeMapping: { email: 'email' },
      }),
    );
    await admin.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: pool.poolId,
        ClientId: pool.clientId,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
        CallbackURLs: [rp.callback],
        LogoutURLs: [rp.signedOut],
        // COGNITO too: the OAuth endpoints know only clients that name it (see the contract's requests).
        SupportedIdentityProviders: ['COGNITO', 'Corp', 'CorpInit'],
      }),
    );
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await rp?.close();
    await app?.destroy();
  });

  const users = async () => (await admin.send(new ListUsersCommand({ UserPoolId: pool.poolId }))).Users ?? [];

  async function signInThroughIdp(page: Page, extra: Record<string, string> = { identity_provider: 'Corp' }) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL(`${pool.domainUrl}/oauth2/authorize`);
    const params = {
      response_type: 'code',
      client_id: pool.clientId,
      redirect_uri: rp.callback,
      scope: 'openid email',
      state: 'st',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    await page.goto(url.href);
    await page.waitForURL(/\/callback/, { timeout: 15_000 }).catch(async (error: unknown) => {
      throw new Error(
        `stuck at ${page.url()}: ${(
          await page
            .locator('main')
            .innerText()
            .catch(() => '')
        ).slice(0, 600)}`,
        { cause: error },
      );
    });
    return { callback: new URL(page.url()), verifier };
  }

  async function tokens(code: string, verifier: string) {
    const response = await fetch(`${pool.domainUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: pool.clientId, code, redirect_uri: rp.callback, code_verifier: verifier }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { id_token: string; access_token: string; refresh_token: string };
  }

  test('GetSigningCertificate through the SDK: the pool’s X.509 certificate (base64 DER), the same every time', async () => {
    const { Certificate } = await admin.send(new GetSigningCertificateCommand({ UserPoolId: pool.poolId }));
    const cert = new X509Certificate(Buffer.from(Certificate!, 'base64'));
    expect(cert.subject).toContain(pool.poolId);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 9 * 365 * 86400_000);
    expect((await admin.send(new GetSigningCertificateCommand({ UserPoolId: pool.poolId }))).Certificate).toBe(Certificate);
    await expect(admin.send(new GetSigningCertificateCommand({ UserPoolId: 'eu-west-1_Nope12345' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  test('SP-initiated sign-in in Chromium: AuthnRequest by redirect, signed assertion back, Cognito tokens naming the provider in `identities`', async () => {
    const { page } = await browserPage(browser);
    idp.next = { nameId: 'alice@idp.example', attributes: { email: 'alice@idp.example' }, sessionIndex: '_sess-alice' };
    const { callback, verifier } = await signInThroughIdp(page);
    expect(callback.searchParams.get('state')).toBe('st');
    const request = idp.authnRequests.at(-1)!;
    expect(request.acsUrl).toBe(acsUrl);
    expect(request.xml).toContain(`urn:amazon:cognito:sp:${pool.poolId}`);
    expect(request.relayState).toBeTruthy();
    const t = await tokens(callback.searchParams.get('code')!, verifier);
    const id = decodeJwt(t.id_token);
    expect(id.email).toBe('alice@idp.example');
    expect(id['cognito:username']).toBe('Corp_alice@idp.example');
    const identities = id.identities as { providerName: string; providerType: string; userId: string }[];
    expect(identities).toEqual([expect.objectContaining({ providerName: 'Corp', providerType: 'SAML', userId: 'alice@idp.example' })]);
    expect((await users()).map((u) => u.UserStatus)).toEqual(['EXTERNAL_PROVIDER']);
  });

  test.each([
    [
      'a tampered assertion',
      { tamper: (xml: string) => xml.replace('>mallory@idp.example</saml:NameID>', '>root@idp.example</saml:NameID>') },
      'the signature is not valid',
    ],
    ['a wrong audience', { audience: 'urn:amazon:cognito:sp:eu-west-1_Other1234' }, 'the assertion is meant for another audience'],
    ['an expired assertion', { validForSeconds: -120, issuedSecondsAgo: 900 }, 'the assertion has expired'],
  ])('%s is refused back at the app with the reason, and no user is written', async (_name, options, reason) => {
    const before = (await users()).length;
    const { page } = await browserPage(browser);
    idp.next = { nameId: 'mallory@idp.example', attributes: { email: 'mallory@idp.example' }, ...options };
    const { callback } = await signInThroughIdp(page);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toBe(`Invalid SAML response received: ${reason}`);
    expect(callback.searchParams.get('state')).toBe('st');
    expect((await users()).length).toBe(before);
  });

  async function postUnsolicited(samlResponse: string, relayState: string) {
    return fetch(acsUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: relayState }),
    });
  }

  test('IdP-initiated: refused for a provider without IDPInit; accepted with IDPInit "true" (RelayState = the authorize parameters), in Chromium', async () => {
    const audience = `urn:amazon:cognito:sp:${pool.poolId}`;
    const before = (await users()).length;
    const relay = (provider: string, challenge = 'x') =>
      new URLSearchParams({
        client_id: pool.clientId,
        redirect_uri: rp.callback,
        response_type: 'code',
        scope: 'openid email',
        identity_provider: provider,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'idp',
      }).toString();
    const refused = await postUnsolicited(
      await idp.response({ acsUrl, audience, nameId: 'bob@idp.example', attributes: { email: 'bob@idp.example' } }),
      relay('Corp'),
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('IdP-initiated sign-in is not enabled for this identity provider');
    expect((await users()).length).toBe(before);

    const verifier = oidc.randomPKCECodeVerifier();
    const response = await idp.response({ acsUrl, audience, nameId: 'bob@idp.example', attributes: { email: 'bob@idp.example' } });
    const { page } = await browserPage(browser);
    await page.setContent(
      `<form method="post" action="${acsUrl}"><input type="hidden" name="SAMLResponse" value="${response}"/><input type="hidden" name="RelayState" value="${relay('CorpInit', await oidc.calculatePKCECodeChallenge(verifier)).replace(/&/g, '&amp;')}"/><button>Go</button></form>`,
    );
    await page.getByRole('button', { name: 'Go' }).click();
    await page.waitForURL(/\/callback/);
    const callback = new URL(page.url());
    expect(callback.searchParams.get('state')).toBe('idp');
    const id = decodeJwt((await tokens(callback.searchParams.get('code')!, verifier)).id_token);
    expect(id.identities).toEqual([expect.objectContaining({ providerName: 'CorpInit', providerType: 'SAML' })]);
  });

  test('a replayed assertion is refused (the replay guard is in the log, so every instance sees it), and an unsolicited response with InResponseTo is refused', async () => {
    const audience = `urn:amazon:cognito:sp:${pool.poolId}`;
    const relay = new URLSearchParams({
      client_id: pool.clientId,
      redirect_uri: rp.callback,
      response_type: 'code',
      scope: 'openid',
      identity_provider: 'CorpInit',
      code_challenge: 'x',
      code_challenge_method: 'S256',
    }).toString();
    const response = await idp.response({ acsUrl, audience, nameId: 'carol@idp.example', attributes: { email: 'carol@idp.example' } });
    expect((await postUnsolicited(response, relay)).status).toBe(303);
    const count = (await users()).length;
    const replay = await postUnsolicited(response, relay);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('Invalid SAML response received: the assertion was used already');
    const solicited = await postUnsolicited(await idp.response({ acsUrl, audience, nameId: 'dan@idp.example', inResponseTo: '_forged' }), relay);
    expect(solicited.status).toBe(400);
    expect((await users()).length).toBe(count);
  });

  async function loginAsked(page: Page) {
    const url = new URL(`${pool.domainUrl}/oauth2/authorize`);
    const params = {
      response_type: 'code',
      client_id: pool.clientId,
      redirect_uri: rp.callback,
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    await page.goto(url.href);
    await page.waitForURL(/\/login\?/);
  }

  test('single logout: /logout sends a signed LogoutRequest to the IdP, its LogoutResponse ends at logout_uri; the login session ends. An IdP LogoutRequest ends it too', async () => {
    const { page } = await browserPage(browser);
    idp.next = { nameId: 'erin@idp.example', attributes: { email: 'erin@idp.example' }, sessionIndex: '_sess-erin' };
    const { callback, verifier } = await signInThroughIdp(page);
    await tokens(callback.searchParams.get('code')!, verifier);
    await page.goto(`${pool.domainUrl}/logout?client_id=${pool.clientId}&logout_uri=${encodeURIComponent(rp.signedOut)}`);
    await page.waitForURL(/\/signed-out/);
    const request = idp.logoutRequests.at(-1)!;
    expect(request).toMatchObject({ nameId: 'erin@idp.example', sessionIndex: '_sess-erin', signed: true });
    const { Certificate } = await admin.send(new GetSigningCertificateCommand({ UserPoolId: pool.poolId }));
    const pem = `-----BEGIN CERTIFICATE-----\n${Certificate!.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    expect(idp.verifyRedirect(request.query, pem)).toBe(true);
    // The login session ended: the authorization endpoint asks for a sign-in again.
    await loginAsked(page);

    // IdP-initiated single logout of a second sign-in.
    idp.next = { nameId: 'erin@idp.example', attributes: { email: 'erin@idp.example' }, sessionIndex: '_sess-erin-2' };
    const second = await signInThroughIdp(page);
    await tokens(second.callback.searchParams.get('code')!, second.verifier);
    await page.goto(idp.logoutRequestUrl(`${pool.domainUrl}/saml2/logout`, 'erin@idp.example', '_sess-erin-2', 'rs'));
    await page.getByText('signed out at the IdP').waitFor();
    const answer = idp.logoutResponses.at(-1)!;
    expect(answer.signed).toBe(true);
    expect(answer.xml).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
    expect(idp.verifyRedirect(answer.query, pem)).toBe(true);
    await loginAsked(page);
  });
});
