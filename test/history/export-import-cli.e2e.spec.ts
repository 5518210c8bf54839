import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUsersInGroupCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateSync } from 'otplib';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { PASSPHRASE_ENV } from '../../src/history/export/export-file.js';
import { adminAuth, call, type RunningApp, startApp } from '../support/app.js';
import { REPO } from '../support/processes.js';
import { testEvent } from '../support/events.js';
import { sdkClient } from '../cognito/support.js';
import { settled } from './support/chained-log.js';
import { caughtUp } from './support/follow.js';

const PASSWORD = 'Correct-Horse-9';
const PASSPHRASE = 'moving day, from the command line';
const TEST_MS = 540_000;
const run = promisify(execFile);
const totp = (secret: string) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) });

/** The built CLI (node dist/src/cli.js) on a deployment's storage, with `env` added; resolves with its exit code and output. */
async function cli(where: { dataDir: string; databaseUrl?: string }, env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string }> {
  const full: Record<string, string | undefined> = { ...process.env, DATA_DIR: where.dataDir, DATABASE_URL: where.databaseUrl, LOG_LEVEL: 'silent', ...env };
  delete full[PASSPHRASE_ENV];
  if (env[PASSPHRASE_ENV]) full[PASSPHRASE_ENV] = env[PASSPHRASE_ENV];
  try {
    const r = await run(process.execPath, [join(REPO, 'dist/src/cli.js'), ...args], { cwd: REPO, env: full, timeout: 300_000, maxBuffer: 16 << 20 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * `history export` / `history import` through the built CLI: a PGlite deployment exported to a
 * file larger than the REST route's BODY_LIMIT, imported into a fresh PostgreSQL database with
 * another master key; the same users sign in (password, authenticator), the erased one is absent.
 */
describe('export and import from the command line (PGlite → PostgreSQL)', () => {
  let from: RunningApp & { dataDir: string };
  let to: RunningApp & { dataDir: string; databaseUrl?: string };
  let poolId: string;
  let clientId: string;
  let totpSecret: string;
  let enrolledStep: number;
  let file: string;
  let passphraseFile: string;

  const anonymous = (app: RunningApp) => new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  const signIn = (app: RunningApp, username: string, password = PASSWORD) =>
    anonymous(app).send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );

  beforeAll(async () => {
    from = await startApp('pglite');
    const admin = sdkClient(from.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'moving-cli' }))).UserPool!.Id!;
    await admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    for (const [username, email] of [
      ['ann-moves', 'ann@moving-cli.test'],
      ['tom-totp', 'tom@moving-cli.test'],
      ['eve-erased', 'eve.gone@moving-cli.test'],
    ]) {
      await anonymous(from).send(
        new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
      );
      await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
    }
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'ann-moves', GroupName: 'staff' }));
    const accessToken = (await signIn(from, 'tom-totp')).AuthenticationResult!.AccessToken!;
    totpSecret = (await anonymous(from).send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }))).SecretCode!;
    await anonymous(from).send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(totpSecret) }));
    enrolledStep = Math.floor(Date.now() / 30_000);
    await anonymous(from).send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    expect((await call(from.url, 'POST', `/v1/user-pools/${poolId}/users/eve-erased/erase`, undefined, { authorization: adminAuth })).status).toBe(200);
    // History of the deployment's own: more than the REST route's default BODY_LIMIT (100 KiB) takes.
    const plain = await SqlEventStore.open(from.platform.db);
    for (let b = 0; b < 10; b++) {
      await plain.appendMany(
        Array.from({ length: 50 }, (_, i) => ({
          streamId: `ledger-${b}-${i}`,
          events: [testEvent('LedgerLine', { n: i, note: 'x'.repeat(200) })],
          options: { expectedRevision: 'no_stream' as const },
        })),
      );
    }
    await settled(from.platform.db);
    await caughtUp(from.platform);
    await from.stop();
    file = join(from.dataDir, 'deployment.cairn-export');
    passphraseFile = join(from.dataDir, 'passphrase');
    await writeFile(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    to = await startApp('postgres');
  }, TEST_MS);

  afterAll(async () => {
    await to?.destroy();
    await from?.destroy().catch(() => undefined);
  }, TEST_MS);

  test(
    'export to a file: the passphrase never an argument; the file is whole, its secrets under the transport key, no trace of the erased user',
    async () => {
      expect(await cli(from, {}, 'history', 'export', file, '--passphrase', PASSPHRASE)).toMatchObject({ code: 2, out: expect.stringMatching(/^refused/) });
      expect(await cli(from, {}, 'history', 'export', file)).toMatchObject({ code: 2, out: expect.stringContaining(PASSPHRASE_ENV) });
      const exported = await cli(from, {}, 'history', 'export', file, '--passphrase-file', passphraseFile);
      expect(exported).toMatchObject({ code: 0, out: expect.stringMatching(/^exported \d+ events/) });
      expect((await stat(file)).size).toBeGreaterThan(102_400);
      const text = await readFile(file, 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, any>);
      expect(lines[0]).toMatchObject({ format: 'cairn-export', version: 1, pool: null, transport: { kdf: 'scrypt' } });
      expect(lines.at(-1)!.end.events).toBe(lines.length - 2);
      expect(text).not.toContain(totpSecret);
      expect(text).not.toMatch(/eve-erased|eve\.gone@moving-cli\.test/);
      expect(text).toContain('ann@moving-cli.test');
    },
    TEST_MS,
  );

  test(
    'imported into a fresh PostgreSQL deployment with another master key: the REST route cannot take the file, the CLI can; the same users sign in',
    async () => {
      const body = JSON.stringify({ passphrase: PASSPHRASE, file: await readFile(file, 'utf8') });
      expect((await call(to.url, 'POST', '/v1/admin/import', body, { authorization: adminAuth, 'content-type': 'application/json' })).status).toBe(413);
      const count = async () => (await to.platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n;
      const empty = await count();
      // A wrong passphrase and a truncated file are refused before anything is written.
      expect(await cli(to, { [PASSPHRASE_ENV]: 'not the passphrase at all' }, 'history', 'import', file)).toMatchObject({ code: 1 });
      const truncated = join(from.dataDir, 'truncated.cairn-export');
      await writeFile(truncated, (await readFile(file, 'utf8')).split('\n').slice(0, -3).join('\n'));
      expect(await cli(to, { [PASSPHRASE_ENV]: PASSPHRASE }, 'history', 'import', truncated)).toMatchObject({
        code: 1,
        out: expect.stringMatching(/truncated/),
      });
      expect(await count()).toBe(empty);

      const imported = await cli(to, { [PASSPHRASE_ENV]: PASSPHRASE }, 'history', 'import', file);
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.out)).toMatchObject({ pools: [poolId] });
      // Into a deployment that already holds the pool: refused.
      expect(await cli(to, { [PASSPHRASE_ENV]: PASSPHRASE }, 'history', 'import', file)).toMatchObject({
        code: 1,
        out: expect.stringMatching(/already has the pool/),
      });
      await settled(to.platform.db);
      await caughtUp(to.platform);

      expect((await signIn(to, 'ann-moves')).AuthenticationResult?.AccessToken).toBeDefined();
      await expect(signIn(to, 'ann-moves', 'Wrong-Horse-9')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      while (Math.floor(Date.now() / 30_000) <= enrolledStep) await new Promise((resolve) => setTimeout(resolve, 500));
      const tom = await signIn(to, 'tom-totp');
      expect(tom.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      const answered = await anonymous(to).send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: tom.Session,
          ChallengeResponses: { USERNAME: 'tom-totp', SOFTWARE_TOKEN_MFA_CODE: totp(totpSecret) },
        }),
      );
      expect(answered.AuthenticationResult?.IdToken).toBeDefined();
      const admin = sdkClient(to.url);
      const members = await admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
      expect(members.Users?.map((u) => u.Username)).toEqual(['ann-moves']);
      await expect(admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'eve-erased' }))).rejects.toMatchObject({
        name: 'UserNotFoundException',
      });
      const verification = await call(to.url, 'GET', '/v1/admin/log/verification', undefined, { authorization: adminAuth });
      expect(verification.body).toMatchObject({ ok: true });
    },
    TEST_MS,
  );
});
