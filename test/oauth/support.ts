import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer } from 'node:http';
import { adminAuth, call, freePort } from '../support/app.js';

/** The relying party's own little web server: its callback and sign-out URLs (loopback, as Cognito allows over HTTP). */
export interface RelyingParty {
  callback: string;
  signedOut: string;
  arrivals: string[];
  close(): Promise<void>;
}

export async function relyingParty(): Promise<RelyingParty> {
  const arrivals: string[] = [];
  const server = createServer((request, response) => {
    arrivals.push(`http://localhost:${port}${request.url}`);
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>app</title><p>back at the app</p>');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    callback: `http://localhost:${port}/callback`,
    signedOut: `http://localhost:${port}/signed-out`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export const PASSWORD = 'Correct-Horse-9';

/** Screenshots of the hosted pages land here (gitignored). */
export const ARTEFACTS = join(process.cwd(), 'test-artefacts', 'hosted-pages');

/** Debian's chromium, headless, driven by playwright-core (scripts/services installs it). */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTEFACTS, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh browser context (its own cookies) and page, in a language. */
export async function browserPage(browser: Browser, options: { locale?: string } = {}) {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-GB',
    extraHTTPHeaders: options.locale ? { 'accept-language': options.locale } : {},
  });
  return { page: await context.newPage(), context };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
}

/** A pool with a domain, a public code+PKCE client and a confirmed user. */
export async function oauthPool(
  admin: CognitoIdentityProviderClient,
  url: string,
  rp: RelyingParty,
  name: string,
  client: Partial<CreateUserPoolClientCommandInput> = {},
) {
  const pool = (
    await admin.send(
      new CreateUserPoolCommand({
        PoolName: name,
        AutoVerifiedAttributes: ['email'],
        Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }],
      }),
    )
  ).UserPool!;
  const poolId = pool.Id!;
  await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: name }));
  const created = await admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: `${name}-web`,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      CallbackURLs: [rp.callback],
      LogoutURLs: [rp.signedOut],
      SupportedIdentityProviders: ['COGNITO'],
      ...client,
    }),
  );
  return {
    poolId,
    clientId: created.UserPoolClient!.ClientId!,
    clientSecret: created.UserPoolClient!.ClientSecret,
    issuer: `${url}/${poolId}`,
    domainUrl: `${url}/auth/${name}`,
  };
}

export async function confirmedUser(admin: CognitoIdentityProviderClient, poolId: string, username: string, email = `${username}@example.com`) {
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** The latest code the dev outbox holds for a user. */
export async function outboxCode(url: string, poolId: string, username: string): Promise<string> {
  const r = await call(url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
  const text = JSON.stringify(r.body);
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${username}: ${text.slice(0, 300)}`);
  return code;
}

/** Signs in on the hosted login page. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel(/Username|Benutzername/).fill(username);
  await page.getByLabel(/^(Password|Passwort)$/).fill(password);
  await page.getByRole('button', { name: /Sign in|Anmelden/ }).click();
}
