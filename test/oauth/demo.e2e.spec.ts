import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Browser } from 'playwright-core';
import { ADMIN, freePort } from '../support/app.js';
import { type Proc, startNode } from '../support/processes.js';
import { sdkClient } from '../cognito/support.js';
import { browserPage, launchBrowser, PASSWORD, shot, signIn } from './support.js';

/**
 * Issue 14 point 5: `npm start` on the embedded default serves a demo pool and app client, so a
 * newcomer opens the printed page and signs in through the hosted pages at once. The service runs
 * as `npm start` runs it (dist/src/main.js, PGlite, no DATABASE_URL); a second start finds the
 * demo instead of creating another; DEMO=false turns it off.
 */
describe('the demo app of the embedded default', () => {
  let browser: Browser;
  let dataDir: string;
  let port: number;
  let proc: Proc | undefined;
  const url = () => `http://localhost:${port}`;
  const start = async (extra: Record<string, string> = {}) => {
    proc = startNode('dist/src/main.js', {
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      KAFKA_BROKERS: '',
      LOG_LEVEL: 'warn',
      ADMIN_ACCESS_KEY_ID: ADMIN.id,
      ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
      ...extra,
    });
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    dataDir = await mkdtemp(join(tmpdir(), 'cairn-demo-'));
    port = await freePort();
  });
  afterEach(async () => {
    await proc?.kill();
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('npm start prints the demo page; signing in on the hosted pages lands back on it with the user named', async () => {
    await start();
    await proc!.waitFor(/Demo app: open (\S+) \(pool (\S+), app client (\S+);/, 60_000);
    const [, page, poolId] = /Demo app: open (\S+) \(pool (\S+), app client (\S+);/.exec(proc!.output())!;
    expect(page).toBe(`${url()}/demo`);

    const admin = sdkClient(url());
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'newcomer',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'newcomer@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'newcomer', Password: PASSWORD, Permanent: true }));

    const { page: tab, context } = await browserPage(browser);
    await tab.goto(page);
    await shot(tab, 'demo-signed-out');
    await tab.getByRole('link', { name: 'Sign in' }).click();
    await tab.waitForURL(/\/auth\/demo\/login\?/);
    await signIn(tab, 'newcomer', PASSWORD);
    await tab.waitForURL((u) => u.pathname === '/demo');
    await expect(tab.getByRole('status').textContent()).resolves.toContain('Signed in as newcomer (newcomer@example.com)');
    expect(await tab.locator('#claims').textContent()).toContain(`"iss": "${url()}/${poolId}"`);
    // The tokens do not stay in the address bar.
    expect(new URL(tab.url()).hash).toBe('');
    await shot(tab, 'demo-signed-in');
    await context.close();

    // A second start finds the demo; it is created once.
    await proc!.kill();
    await start();
    await proc!.waitFor('Demo app: open', 60_000);
    expect(proc!.output()).toContain(`(pool ${poolId},`);
    const pools = await sdkClient(url(), { region: 'us-east-1' }).send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools!.filter((p) => p.Name === 'demo')).toHaveLength(1);
    await proc!.kill();
  });

  test('DEMO=false: no demo page and nothing printed', async () => {
    const other = await mkdtemp(join(tmpdir(), 'cairn-demo-off-'));
    port = await freePort();
    try {
      // At level info the start ends with "cairn listening", after the demo would have been set up.
      proc = startNode('dist/src/main.js', { PORT: String(port), DATA_DIR: other, DATABASE_URL: '', KAFKA_BROKERS: '', LOG_LEVEL: 'info', DEMO: 'false' });
      await proc.waitFor('cairn listening', 60_000);
      const r = await fetch(`${url()}/demo`);
      expect(r.status).toBe(404);
      expect(proc.output()).not.toContain('Demo app');
    } finally {
      await proc?.kill();
      await rm(other, { recursive: true, force: true });
    }
  });
});
