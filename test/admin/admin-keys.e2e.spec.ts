import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdkClient, rejection } from '../cognito/support.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { REPO } from '../support/processes.js';

const run = promisify(execFile);
const cli = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [join(REPO, 'dist/src/cli.js'), 'admin-keys', ...args], { cwd: REPO, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });

describe('admin access keys', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('postgres');
  });
  afterAll(async () => app.destroy());

  test('created over REST, usable for SigV4 at once, refused once revoked; secrets never listed', async () => {
    const created = await call(app.url, 'POST', '/v1/admin/keys', { label: 'ci' }, { authorization: adminAuth });
    expect(created.status).toBe(201);
    const { accessKeyId, secretAccessKey } = created.body;
    const client = sdkClient(app.url, { accessKeyId, secret: secretAccessKey });
    await client.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    const listed = await call(app.url, 'GET', '/v1/admin/keys', undefined, { authorization: adminAuth });
    expect(listed.body.keys.map((k: { accessKeyId: string }) => k.accessKeyId)).toContain(accessKeyId);
    expect(JSON.stringify(listed.body)).not.toContain(secretAccessKey);
    expect((await call(app.url, 'DELETE', `/v1/admin/keys/${accessKeyId}`, undefined, { authorization: adminAuth })).status).toBe(204);
    expect((await rejection(client.send(new ListUserPoolsCommand({ MaxResults: 10 })))).name).toBe('UnrecognizedClientException');
  });

  test('the last key cannot be revoked', async () => {
    const keys = (await call(app.url, 'GET', '/v1/admin/keys', undefined, { authorization: adminAuth })).body.keys as Array<{ accessKeyId: string }>;
    expect(keys).toHaveLength(1);
    const r = await call(app.url, 'DELETE', `/v1/admin/keys/${keys[0].accessKeyId}`, undefined, { authorization: adminAuth });
    expect(r.body.code).toBe('InvalidParameterException');
  });

  test('the CLI makes, lists and revokes keys; with the embedded database it refuses while the service runs', async () => {
    const db = await freshDatabase('cli');
    const env = { DATABASE_URL: db.url, MASTER_KEY: Buffer.alloc(32, 3).toString('base64url'), DATA_DIR: join(REPO, '.services', 'cli-test') };
    try {
      const first = await cli(env, 'create', 'ops');
      const id = /access key id:\s+(\S+)/.exec(first.stdout)![1];
      await cli(env, 'create', 'spare');
      expect((await cli(env, 'list')).stdout).toContain(id);
      expect((await cli(env, 'revoke', id)).stdout).toContain(`revoked ${id}`);
      expect((await cli(env, 'list')).stdout).not.toContain(id);
    } finally {
      await db.drop();
    }
    // The running test app owns its embedded folder: claim it as a service would.
    const embedded = await startApp('pglite');
    try {
      await writeFile(join(embedded.dataDir, 'cairn.pid'), String(process.pid));
      const refused = await cli({ DATA_DIR: embedded.dataDir, DATABASE_URL: '' }, 'list').catch((e: { stderr: string; code: number }) => e);
      expect((refused as { code: number }).code).toBe(1);
      expect((refused as { stderr: string }).stderr).toMatch(/in use by process/);
    } finally {
      await embedded.destroy();
    }
  });
});
