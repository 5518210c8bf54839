import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN, freePort } from '../support/app.js';
import { REPO } from '../support/processes.js';
import { sdkClient } from '../cognito/support.js';

const PASSWORD = 'Correct-Horse-9';

/**
 * Issue 20: the service runs on Node 24 LTS and keeps working on Node 22 LTS (`engines`). The
 * compiled service (dist/src/main.js, as `npm start` runs it) is started with the Node 22 binary
 * scripts/services/node22.sh installs (NODE22_PATH, exported by `npm test`): it starts on the
 * embedded default, signs a user up and in through the AWS SDK, and stops cleanly on SIGTERM.
 */
describe('the service on Node 22 LTS', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cairn-node22-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('starts, signs a user up and in, and exits 0 on SIGTERM', async () => {
    const node22 = process.env.NODE22_PATH;
    if (!node22) throw new Error('NODE22_PATH is not set: npm test sets it (bash scripts/services/node22.sh installs Node 22)');
    const port = await freePort();
    child = spawn(node22, [join(REPO, 'dist/src/main.js')], {
      cwd: REPO,
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        KAFKA_BROKERS: '',
        DEMO: 'false',
        LOG_LEVEL: 'info',
        ADMIN_ACCESS_KEY_ID: ADMIN.id,
        ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`exited early:\n${output}`);
      if (
        await fetch(`${url}/health/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error(`not ready after 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toMatch(/"node":"v22\./);

    const admin = sdkClient(url);
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'node22' }))).UserPool!.Id!;
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    await admin.send(new SignUpCommand({ ClientId: clientId, Username: 'twentytwo', Password: PASSWORD }));
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'twentytwo' }));
    const signedIn = await admin.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'twentytwo', PASSWORD } }),
    );
    expect(signedIn.AuthenticationResult?.IdToken).toBeDefined();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
