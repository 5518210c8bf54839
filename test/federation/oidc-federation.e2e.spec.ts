import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminListUserAuthEventsCommand,
  type CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { triggerLogStream } from '../../src/triggers/trigger-log.events.js';
import { rejection, sdkClient } from '../cognito/support.js';
import { browserPage, confirmedUser, launchBrowser, PASSWORD, type RelyingParty, relyingParty, signIn } from '../oauth/support.js';
import { freePort, type RunningApp, startApp } from '../support/app.js';
import { ARN } from '../triggers/support.js';
import type { FederationHookCall } from '../fixtures/hooks/federation-hooks.js';

const HOOKS = `module:${fileURLToPath(new URL('../fixtures/hooks/federation-hooks.ts', import.meta.url))}`;
const DOMAIN = 'fed-oidc';
const IDP_CLIENT = { client_id: 'cairn-pool', client_secret: 'cairn-pool-secret-0123456789' };

const listen = async (server: Server): Promise<number> => {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
};
const close = (server: Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
const form = (values: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
});

/**
 * Sign-in through an external OIDC IdP (node-oidc-provider on loopback, run here) by way of the
 * pool's /oauth2/authorize in headless Chromium: the app lands with Cognito tokens whose
 * `identities` claim names the provider; a linked identity lands on the native user; a wrong
 * issuer, a bad signature and a wrong nonce are refused; PreSignUp_ExternalProvider runs.
 */
describe('OIDC federation through the hosted endpoints', () => {
  // Each test is one or two browser round trips through two servers.
  const SLOW = 300_000;
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let rp: RelyingParty;
  let browser: Browser;
  let idpServer: Server;
  let fakeKeys: Server;
  let nonceForger: Server;
  let issuer: string;
  let poolId: string;
  let clientId: string;
  /** Federation-only clients (no COGNITO): one IdP, two IdPs. */
  let corpOnly: string;
  let twoIdps: string;
  let domainUrl: string;

  beforeAll(async () => {
    const functions = { 'pre-sign-up': HOOKS, 'post-confirmation': HOOKS, 'pre-auth': HOOKS, 'post-auth': HOOKS };
    app = await startApp('pglite', { TRIGGER_FUNCTIONS: JSON.stringify(functions) });
    admin = sdkClient(app.url);
    rp = await relyingParty();
    domainUrl = `${app.url}/auth/${DOMAIN}`;

    // The IdP: any login signs in (its dev login form), no consent step, claims from the login name.
    const idpPort = await freePort();
    issuer = `http://127.0.0.1:${idpPort}`;
    const idp = new Provider(issuer, {
      clients: [{ ...IDP_CLIENT, redirect_uris: [`${domainUrl}/oauth2/idpresponse`], token_endpoint_auth_method: 'client_secret_post' }],
      findAccount: async (_ctx, id) => ({
        accountId: id,
        claims: async () => ({ sub: id, email: `${id}@corp.example`, email_verified: true, name: `User ${id}` }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      scopes: ['openid', 'email', 'profile'],
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
      cookies: { keys: ['idp-cookie-key-for-the-test'] },
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
      // Its own one-field login page (the library's dev pages load a web font from the internet).
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    });
    const library = idp.callback();
    idpServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', issuer);
      const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
      if (!match) return void library(req, res);
      if (!match[2]) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end(
          `<!DOCTYPE html><title>IdP</title><form method="post" action="/interaction/${match[1]}/login"><input name="login" aria-label="login"><button type="submit">Sign in at the IdP</button></form>`,
        );
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const login = new URLSearchParams(body).get('login') ?? '';
        void idp.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      });
    });
    await new Promise<void>((resolve) => idpServer.listen(idpPort, '127.0.0.1', resolve));

    // A key set with the IdP's key id but another key: a token it signed does not verify against it.
    const real = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<{ kid: string; alg?: string; kty: string }> };
    const rsa = real.keys.find((k) => k.kty === 'RSA')!;
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const forged = { keys: [{ ...(await exportJWK(publicKey)), kid: rsa.kid, alg: 'RS256', use: 'sig' }] };
    fakeKeys = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(forged)));
    const keysPort = await listen(fakeKeys);
    // An authorization endpoint in front of the IdP's that swaps the nonce the pool sent.
    nonceForger = createServer((req, res) => {
      const url = new URL(req.url ?? '/', issuer);
      url.searchParams.set('nonce', 'forged-nonce');
      res.writeHead(302, { location: `${issuer}/auth${url.search}` }).end();
    });
    const forgerPort = await listen(nonceForger);

    poolId = (
      await admin.send(
        new CreateUserPoolCommand({
          PoolName: 'federation-oidc',
          LambdaConfig: {
            PreSignUp: ARN('pre-sign-up'),
            PostConfirmation: ARN('post-confirmation'),
            PreAuthentication: ARN('pre-auth'),
            PostAuthentication: ARN('post-auth'),
          },
        }),
      )
    ).UserPool!.Id!;
    await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: DOMAIN }));
    const oidcDetails = { ...IDP_CLIENT, attributes_request_method: 'GET', oidc_issuer: issuer, authorize_scopes: 'openid email profile' };
    const endpoints = { authorize_url: `${issuer}/auth`, token_url: `${issuer}/token`, jwks_uri: `${issuer}/jwks` };
    const mapping = { email: 'email', email_verified: 'email_verified', name: 'name' };
    const providers: Array<[string, Record<string, string>, string[]?]> = [
      ['Corp', oidcDetails, ['corp.example']],
      // The issuer the pool trusts is not the one the IdP signs as.
      ['WrongIssuer', { ...oidcDetails, ...endpoints, oidc_issuer: `http://localhost:${idpPort}` }],
      ['BadKeys', { ...oidcDetails, ...endpoints, jwks_uri: `http://127.0.0.1:${keysPort}/jwks` }],
      ['BadNonce', { ...oidcDetails, ...endpoints, authorize_url: `http://127.0.0.1:${forgerPort}/auth` }],
    ];
    for (const [name, details, identifiers] of providers) {
      await admin.send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: name,
          ProviderType: 'OIDC',
          ProviderDetails: details,
          AttributeMapping: mapping,
          ...(identifiers ? { IdpIdentifiers: identifiers } : {}),
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
          SupportedIdentityProviders: ['COGNITO', ...providers.map(([name]) => name)],
        }),
      )
    ).UserPoolClient!.ClientId!;
    const fedOnly = async (name: string, idps: string[]) =>
      (
        await admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: name,
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthFlows: ['code'],
            AllowedOAuthScopes: ['openid', 'email', 'profile'],
            CallbackURLs: [rp.callback],
            SupportedIdentityProviders: idps,
          }),
        )
      ).UserPoolClient!.ClientId!;
    corpOnly = await fedOnly('corp-only', ['Corp']);
    twoIdps = await fedOnly('two-idps', ['Corp', 'BadKeys']);
    browser = await launchBrowser();
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    await close(idpServer);
    await close(fakeKeys);
    await close(nonceForger);
    await rp?.close();
    await app?.destroy();
  });

  /** The hook calls of one source for one user (the hooks record them in this process), checked against the trigger log's attempts. */
  const hookCalls = async (source: string, userName: string) => {
    const logged = (await app.platform.store.readStream(triggerLogStream(poolId))).filter(
      (e) => (e.data as { triggerSource: string }).triggerSource === source,
    );
    const calls = ((globalThis as { federationHookCalls?: FederationHookCall[] }).federationHookCalls ?? []).filter((c) => c.triggerSource === source);
    expect(calls.length).toBe(logged.length);
    return calls.filter((c) => c.userName === userName).length;
  };

  /** A fresh browser context, patient on a busy machine (each sign-in crosses two servers and the app's hooks). */
  async function newPage() {
    const opened = await browserPage(browser);
    opened.page.setDefaultTimeout(100_000);
    return opened;
  }

  /** /oauth2/authorize with the IdP parameter, the IdP's login form, back at the app's callback. */
  async function federatedSignIn(page: Page, idp: Record<string, string>, login: string, client = clientId) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL(`${domainUrl}/oauth2/authorize`);
    const params = {
      response_type: 'code',
      client_id: client,
      redirect_uri: rp.callback,
      scope: 'openid email profile',
      state: 'app-state',
      nonce: 'app-nonce',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...idp,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const seen: string[] = [];
    page.on('request', (r) => seen.push(r.url()));
    await page.goto(url.href);
    await page.waitForURL((u) => u.href.startsWith(issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/callback/).catch(async (error: unknown) => {
      throw new Error(`not back at the app: ${page.url()}\n${await page.locator('body').innerText()}\n${String(error)}`);
    });
    const back = new URL(page.url());
    const code = back.searchParams.get('code');
    expect(back.searchParams.get('state')).toBe('app-state');
    const idpResponse = seen.find((u) => u.includes('/oauth2/idpresponse'));
    if (!code) return { error: back.searchParams.get('error'), description: back.searchParams.get('error_description'), idpResponse };
    const exchanged = await fetch(
      `${domainUrl}/oauth2/token`,
      form({ grant_type: 'authorization_code', client_id: client, redirect_uri: rp.callback, code, code_verifier: verifier }),
    );
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as { id_token: string; access_token: string; refresh_token: string };
    const poolIssuer = `${app.url}/${poolId}`;
    const id = (await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(`${poolIssuer}/.well-known/jwks.json`)), { issuer: poolIssuer, audience: client }))
      .payload;
    return { id, tokens, idpResponse };
  }

  test(
    'a first sign-in creates the EXTERNAL_PROVIDER user after PreSignUp_ExternalProvider; its ID token names the provider in `identities`',
    async () => {
      const { page, context } = await newPage();
      const result = await federatedSignIn(page, { identity_provider: 'Corp' }, 'alice');
      expect(result.id).toMatchObject({
        'cognito:username': 'Corp_alice',
        email: 'alice@corp.example',
        email_verified: true,
        name: 'User alice',
        nonce: 'app-nonce',
        token_use: 'id',
      });
      const identities = result.id!.identities as Array<Record<string, unknown>>;
      expect(identities).toEqual([
        { userId: 'alice', providerName: 'Corp', providerType: 'OIDC', issuer: null, primary: 'true', dateCreated: expect.stringMatching(/^\d{13}$/) },
      ]);
      const user = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'Corp_alice' }));
      expect(user.UserStatus).toBe('EXTERNAL_PROVIDER');
      expect(user.UserAttributes?.find((a) => a.Name === 'identities')?.Value).toContain('"providerName":"Corp"');
      expect(user.UserAttributes?.find((a) => a.Name === 'sub')?.Value).toBe(result.id!.sub);
      expect(await hookCalls('PreSignUp_ExternalProvider', 'Corp_alice')).toBe(1);
      expect(await hookCalls('PostConfirmation_ConfirmSignUp', 'Corp_alice')).toBe(1);
      expect(await hookCalls('PostAuthentication_Authentication', 'Corp_alice')).toBe(1);
      await context.close();

      // Again, by the provider's identifier: the same user, no second sign-up.
      const again = await newPage();
      const second = await federatedSignIn(again.page, { idp_identifier: 'corp.example' }, 'alice');
      expect(second.id?.sub).toBe(result.id!.sub);
      expect(await hookCalls('PreSignUp_ExternalProvider', 'Corp_alice')).toBe(1);
      expect(await hookCalls('PreAuthentication_Authentication', 'Corp_alice')).toBe(2);
      // The IdP's answer counts once: the same idpresponse again finds no round trip.
      const replay = await fetch(second.idpResponse!, { redirect: 'manual' });
      expect(replay.status).toBe(400);
      await again.context.close();
    },
    SLOW,
  );

  test(
    'an identity linked with AdminLinkProviderForUser lands on the native user',
    async () => {
      await confirmedUser(admin, poolId, 'nina');
      const nina = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'nina' }));
      await admin.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: poolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'nina' },
          SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'nina-at-corp' },
        }),
      );
      const { page, context } = await newPage();
      const result = await federatedSignIn(page, { identity_provider: 'Corp' }, 'nina-at-corp');
      expect(result.id?.sub).toBe(nina.UserAttributes?.find((a) => a.Name === 'sub')?.Value);
      expect(result.id?.['cognito:username']).toBe('nina');
      expect(result.id?.identities).toEqual([expect.objectContaining({ userId: 'nina-at-corp', providerName: 'Corp', primary: 'false' })]);
      // No federated user of its own, and no sign-up hook for it.
      expect((await rejection(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'Corp_nina-at-corp' })))).name).toBe('UserNotFoundException');
      expect(await hookCalls('PreSignUp_ExternalProvider', 'Corp_nina-at-corp')).toBe(0);
      await context.close();
    },
    SLOW,
  );

  test(
    'AdminDisableProviderForUser with ProviderName Cognito: the hosted login refuses the password, the linked identity still signs the user in',
    async () => {
      await confirmedUser(admin, poolId, 'vera');
      const vera = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'vera' }));
      await admin.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: poolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'vera' },
          SourceUser: { ProviderName: 'Corp', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'vera-at-corp' },
        }),
      );
      await admin.send(
        new AdminDisableProviderForUserCommand({
          UserPoolId: poolId,
          User: { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'vera' },
        }),
      );
      const hosted = await newPage();
      const url = new URL(`${domainUrl}/oauth2/authorize`);
      const params = {
        response_type: 'code',
        client_id: clientId,
        redirect_uri: rp.callback,
        scope: 'openid',
        state: 'st',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      await hosted.page.goto(url.href);
      await signIn(hosted.page, 'vera', PASSWORD);
      await hosted.page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
      expect(hosted.page.url()).toContain('/login');
      await hosted.context.close();

      const { page, context } = await newPage();
      const result = await federatedSignIn(page, { identity_provider: 'Corp' }, 'vera-at-corp');
      expect(result.id?.sub).toBe(vera.UserAttributes?.find((a) => a.Name === 'sub')?.Value);
      expect(result.id?.['cognito:username']).toBe('vera');
      await context.close();
    },
    SLOW,
  );

  test.each([
    ['WrongIssuer', /Invalid ID token: .*iss/],
    ['BadKeys', /Invalid ID token: .*signature/],
    ['BadNonce', /Invalid ID token: nonce mismatch/],
  ])(
    '%s: the ID token is refused and the app hears invalid_request; no user is made',
    async (provider, reason) => {
      const { page, context } = await newPage();
      const result = await federatedSignIn(page, { identity_provider: provider }, 'mallory');
      expect(result.error).toBe('invalid_request');
      expect(result.description).toMatch(reason);
      expect((await rejection(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: `${provider}_mallory` })))).name).toBe(
        'UserNotFoundException',
      );
      await context.close();
    },
    SLOW,
  );

  test(
    'the pre sign-up hook (PreSignUp_ExternalProvider) can refuse a first federated sign-in: nothing is written',
    async () => {
      const { page, context } = await newPage();
      const result = await federatedSignIn(page, { identity_provider: 'Corp' }, 'blocked-bob');
      expect(result.error).toBe('invalid_request');
      expect(result.description).toContain('Sign-ups from this identity provider are closed');
      expect(await hookCalls('PreSignUp_ExternalProvider', 'Corp_blocked-bob')).toBe(1);
      expect((await rejection(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'Corp_blocked-bob' })))).name).toBe('UserNotFoundException');
      await context.close();
    },
    SLOW,
  );

  test(
    'a provider the client does not support, or that does not exist, ends the request with invalid_request',
    async () => {
      const { page, context } = await newPage();
      const url = new URL(`${domainUrl}/oauth2/authorize`);
      const params = {
        response_type: 'code',
        client_id: clientId,
        redirect_uri: rp.callback,
        scope: 'openid',
        state: 's',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        identity_provider: 'Nobody',
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      await page.goto(url.href);
      await page.waitForURL(/\/callback/);
      const back = new URL(page.url());
      expect([back.searchParams.get('error'), back.searchParams.get('code')]).toEqual(['invalid_request', null]);
      expect(back.searchParams.get('error_description')).toBe('Identity provider Nobody does not exist.');
      await context.close();
    },
    SLOW,
  );

  test(
    'a federated sign-in is in the user’s auth events (AdminListUserAuthEvents: SignIn, Pass)',
    async () => {
      const { page, context } = await newPage();
      const result = await federatedSignIn(page, { identity_provider: 'Corp' }, 'logan');
      expect(result.id?.['cognito:username']).toBe('Corp_logan');
      const { AuthEvents } = await admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: 'Corp_logan' }));
      expect(AuthEvents).toHaveLength(1);
      expect(AuthEvents![0]).toMatchObject({ EventType: 'SignIn', EventResponse: 'Pass' });
      await context.close();
    },
    SLOW,
  );

  test(
    'a federation-only client (no COGNITO) signs in through its IdP: by identity_provider, and straight to its only IdP without one',
    async () => {
      const first = await newPage();
      const byName = await federatedSignIn(first.page, { identity_provider: 'Corp' }, 'fred', corpOnly);
      expect(byName.id).toMatchObject({ 'cognito:username': 'Corp_fred', aud: corpOnly });
      await first.context.close();
      // No identity_provider: the browser goes to the client's only IdP (federatedSignIn waits for the IdP's page).
      const second = await newPage();
      const direct = await federatedSignIn(second.page, {}, 'fred', corpOnly);
      expect(direct.id?.sub).toBe(byName.id!.sub);
      expect(second.page.url()).toContain('/callback');
      await second.context.close();
      // Two IdPs and no identity_provider: a page with one link per IdP, no password form.
      const third = await newPage();
      const url = new URL(`${domainUrl}/oauth2/authorize`);
      const params = {
        response_type: 'code',
        client_id: twoIdps,
        redirect_uri: rp.callback,
        scope: 'openid',
        state: 's',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      await third.page.goto(url.href);
      expect(await third.page.locator('input[type="password"]').count()).toBe(0);
      await third.page.getByRole('link', { name: 'Continue with Corp' }).click();
      await third.page.waitForURL((u) => u.href.startsWith(issuer));
      await third.page.locator('input[name="login"]').fill('fred');
      await third.page.locator('button[type="submit"]').click();
      await third.page.waitForURL(/\/callback/);
      expect(new URL(third.page.url()).searchParams.get('code')).toBeTruthy();
      await third.context.close();
    },
    SLOW,
  );

  test(
    'a federation-only client has no password sign-in, sign-up or identity_provider=COGNITO: Cognito’s “Login option is not available”',
    async () => {
      await confirmedUser(admin, poolId, 'paula');
      const start = async (extra: Record<string, string> = {}) => {
        const url = new URL(`${domainUrl}/oauth2/authorize`);
        const params = {
          response_type: 'code',
          client_id: twoIdps,
          redirect_uri: rp.callback,
          scope: 'openid',
          state: 's',
          code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
          ...extra,
        };
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        const answer = await fetch(url, { redirect: 'manual' });
        expect([302, 303]).toContain(answer.status);
        return new URL(answer.headers.get('location')!, domainUrl);
      };
      const login = await start();
      expect(login.pathname).toMatch(/\/login$/);
      const uid = login.searchParams.get('i')!;
      // The chooser page (GET) works; password sign-in and sign-up (POST) are refused, nobody signed in.
      expect((await fetch(login)).status).toBe(200);
      for (const page of ['login', 'signup']) {
        const posted = await fetch(`${domainUrl}/${page}`, form({ i: uid, username: 'paula', password: PASSWORD, email: 'p@example.com' }));
        expect(posted.status).toBe(400);
        expect(await posted.text()).toContain('Login option is not available. Please try another one');
        expect(posted.headers.get('location')).toBeNull();
      }
      const { AuthEvents } = await admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: 'paula' }));
      expect(AuthEvents).toEqual([]);
      const cognito = await start({ identity_provider: 'COGNITO' });
      const page = await fetch(cognito);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('Login option is not available. Please try another one');
    },
    SLOW,
  );
});
