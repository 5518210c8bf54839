import { AdminCreateUserCommand, AdminGetUserCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { createPlatform } from '../../src/platform/platform.js';
import { sdkClient } from '../cognito/support.js';
import { startApp } from '../support/app.js';

const key = () => randomBytes(32).toString('base64url');

/**
 * A process whose MASTER_KEY is not the deployment's refuses to start, instead of finding no user
 * by name, letting a taken username be claimed again and failing every wrapped secret.
 */
describe('one master key per deployment', () => {
  test('another key is refused at start and writes nothing; the right key starts again and finds the users', async () => {
    const right = key();
    const first = await startApp('postgres', { MASTER_KEY: right });
    const admin = sdkClient(first.url);
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'keys' }))).UserPool!.Id!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'kim', MessageAction: 'SUPPRESS' }));
    const head = await first.platform.store.headPosition();
    await first.stop();

    const config = loadConfig({ DATABASE_URL: first.databaseUrl!, DATA_DIR: first.dataDir, MASTER_KEY: key(), LOG_LEVEL: 'silent' });
    await expect(createPlatform(config, createLogger(config))).rejects.toMatchObject({
      name: 'MasterKeyError',
      message: expect.stringContaining('MASTER_KEY is not the key this database was first used with'),
    });

    const again = await startApp('postgres', { MASTER_KEY: right }, { databaseUrl: first.databaseUrl, dataDir: first.dataDir });
    try {
      expect(await again.platform.store.headPosition()).toEqual(head);
      const user = await sdkClient(again.url).send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'kim' }));
      expect(user.Username).toBe('kim');
    } finally {
      await again.destroy();
      await first.destroy().catch(() => undefined);
    }
  });
});
