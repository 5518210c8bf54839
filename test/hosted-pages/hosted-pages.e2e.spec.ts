import { AdminCreateUserCommand, CreateUserPoolClientCommand, SetUICustomizationCommand } from '@aws-sdk/client-cognito-identity-provider';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';
import { browserPage, confirmedUser, launchBrowser, oauthPool, outboxCode, PASSWORD, type RelyingParty, relyingParty, shot, signIn } from '../oauth/support.js';

type Pool = Awaited<ReturnType<typeof oauthPool>>;

/** The hosted pages in a real browser: every page once, each ending back at the app with a code (or with its error shown kindly). */
describe('hosted pages in a browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let rp: RelyingParty;
  let admin: ReturnType<typeof sdkClient>;
  let pool: Pool;

  beforeAll(async () => {
    rp = await relyingParty();
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    browser = await launchBrowser();
    pool = await oauthPool(admin, app.url, rp, 'hosted');
  });
  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await app?.destroy();
  });

  async function authorize(page: Page, clientId = pool.clientId) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL(`${pool.domainUrl}/oauth2/authorize`);
    const params = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: rp.callback,
      scope: 'openid email',
      state: 'st',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    await page.goto(url.href);
  }

  async function backAtTheApp(page: Page) {
    await page.waitForURL(/\/callback/);
    const url = new URL(page.url());
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  }

  test('sign-up → confirm with the code from the dev outbox → sign in → back at the app', async () => {
    const { page } = await browserPage(browser);
    await authorize(page);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Email').fill('carol@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await shot(page, 'signup');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL(/\/confirmUser/);
    await page.getByLabel('Verification code').fill(await outboxCode(app.url, pool.poolId, 'carol'));
    await shot(page, 'confirmUser');
    await page.getByRole('button', { name: 'Confirm account' }).click();
    await page.waitForURL(/\/login/);
    await page.getByText('Your account is confirmed').waitFor();
    await signIn(page, 'carol', PASSWORD);
    await backAtTheApp(page);
  });

  test('forgot password → code → new password → sign in', async () => {
    await confirmedUser(admin, pool.poolId, 'dave');
    const { page } = await browserPage(browser);
    await authorize(page);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Username').fill('dave');
    await shot(page, 'forgotPassword');
    await page.getByRole('button', { name: 'Reset my password' }).click();
    await page.waitForURL(/\/confirmForgotPassword/);
    await page.getByLabel('Verification code').fill(await outboxCode(app.url, pool.poolId, 'dave'));
    await page.getByLabel('New password').fill('Another-Horse-7');
    await shot(page, 'confirmForgotPassword');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/login/);
    await page.getByText('Your password has been reset').waitFor();
    await signIn(page, 'dave', 'Another-Horse-7');
    await backAtTheApp(page);
  });

  test('a wrong password is shown kindly, in German for a German browser, and nothing is issued', async () => {
    await confirmedUser(admin, pool.poolId, 'erin');
    const { page } = await browserPage(browser, { locale: 'de-DE' });
    await authorize(page);
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await signIn(page, 'erin', 'Wrong-Horse-1');
    await page.getByRole('alert').filter({ hasText: 'Benutzername oder Passwort ist falsch.' }).waitFor();
    expect(await page.getByLabel('Passwort').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'login-wrong-password');
    expect(page.url()).toContain('/login');
    await signIn(page, 'erin', PASSWORD);
    await backAtTheApp(page);
  });

  test('a first sign-in that must set a new password', async () => {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: 'frank',
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'frank@example.com' }],
      }),
    );
    const { page } = await browserPage(browser);
    await authorize(page);
    await signIn(page, 'frank', 'Temporary-Pass-1');
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    await page.getByLabel('New password').fill('Weak');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'The password does not meet the requirements' }).waitFor();
    await page.getByLabel('New password').fill('Brand-New-Horse-5');
    await shot(page, 'new-password-required');
    await page.getByRole('button', { name: 'Change password' }).click();
    await backAtTheApp(page);
  });

  test('a client that prevents user-existence errors: an unknown name gets the words a wrong password gets', async () => {
    const hiding = await admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.poolId,
        ClientName: 'hiding',
        PreventUserExistenceErrors: 'ENABLED',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email'],
        CallbackURLs: [rp.callback],
        SupportedIdentityProviders: ['COGNITO'],
      }),
    );
    const { page } = await browserPage(browser);
    await authorize(page, hiding.UserPoolClient!.ClientId!);
    await signIn(page, 'nobody-here', 'Whatever-Horse-1');
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
    // The legacy client says the user does not exist (as Cognito's hosted UI does).
    const { page: legacy } = await browserPage(browser);
    await authorize(legacy);
    await signIn(legacy, 'nobody-here', 'Whatever-Horse-1');
    await legacy.getByRole('alert').filter({ hasText: 'User does not exist.' }).waitFor();
  });

  test('forms need their CSRF token; the pages carry the pool’s branding and work without JavaScript', async () => {
    await admin.send(new SetUICustomizationCommand({ UserPoolId: pool.poolId, CSS: '.submitButton-customizable { background-color: rgb(0, 90, 50); }' }));
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await authorize(page);
    expect(
      await page
        .getByRole('button', { name: 'Sign in' })
        .evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor),
    ).toBe('rgb(0, 90, 50)');
    const uid = new URL(page.url()).searchParams.get('i')!;
    const forged = await page.request.post(`${pool.domainUrl}/login`, { form: { i: uid, username: 'x', password: 'y', _csrf: 'forged' } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('The form has expired');
    await shot(page, 'login-branded');
  });
});
