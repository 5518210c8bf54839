import {
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetProvisionedLimitCommand,
  ListUsersCommand,
  UpdateProvisionedLimitCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const definition = (Category: string) => ({ LimitClass: 'API_CATEGORY' as const, Attributes: { Category } });

/**
 * Issue 12, point 5: GetProvisionedLimit / UpdateProvisionedLimit, and the limit enforced per
 * API category as TooManyRequestsException, counted in the database so that two instances on one
 * database share it.
 */
describe('provisioned API request-rate limits', () => {
  let a: RunningApp & { databaseUrl?: string };
  let b: RunningApp;
  let adminA: CognitoIdentityProviderClient;
  let adminB: CognitoIdentityProviderClient;
  let poolId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };

  /** Sends `count` ListUsers at once through each client; what got through and what was refused, and over how many seconds. */
  async function burst(clients: CognitoIdentityProviderClient[], count: number) {
    const t0 = Date.now();
    const outcomes = await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: count }, () =>
          client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 1 })).then(
            () => 'ok',
            (e: { name: string }) => e.name,
          ),
        ),
      ),
    );
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(t0 / 1000) + 1;
    return { ok: outcomes.filter((o) => o === 'ok').length, refused: outcomes.filter((o) => o !== 'ok'), seconds };
  }

  beforeAll(async () => {
    // One deployment: both instances share the database and the master key.
    const env = { MASTER_KEY: Buffer.alloc(32, 7).toString('base64url') };
    a = await startApp('postgres', env);
    b = await startApp('postgres', env, { databaseUrl: a.databaseUrl });
    adminA = sdkClient(a.url);
    adminB = sdkClient(b.url);
    poolId = (await adminA.send(new CreateUserPoolCommand({ PoolName: 'limited' }))).UserPool!.Id!;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.destroy();
  });

  test("a category shows Cognito's free quota until a rate is provisioned; unknown categories and bad values are refused", async () => {
    expect((await adminA.send(new GetProvisionedLimitCommand({ LimitDefinition: definition('UserAuthentication') }))).Limit).toEqual({
      LimitDefinition: definition('UserAuthentication'),
      ProvisionedLimitValue: 120,
      FreeLimitValue: 120,
    });
    expect(await failure(adminA.send(new GetProvisionedLimitCommand({ LimitDefinition: definition('Everything') })))).toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(await failure(adminA.send(new GetProvisionedLimitCommand({ LimitDefinition: { LimitClass: 'OTHER' as never, Attributes: {} } })))).toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(await failure(adminA.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserList'), RequestedLimitValue: 0 })))).toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(
      await failure(adminA.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserList'), RequestedLimitValue: 100_001 }))),
    ).toMatchObject({
      name: 'ServiceQuotaExceededException',
    });
    const updated = await adminA.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserAuthentication'), RequestedLimitValue: 300 }));
    expect(updated.Limit).toEqual({ LimitDefinition: definition('UserAuthentication'), ProvisionedLimitValue: 300, FreeLimitValue: 120 });
    expect((await adminB.send(new GetProvisionedLimitCommand({ LimitDefinition: definition('UserAuthentication') }))).Limit?.ProvisionedLimitValue).toBe(300);
  });

  test('a provisioned rate is enforced per category across both instances: TooManyRequestsException beyond it, other categories untouched', async () => {
    await adminA.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserList'), RequestedLimitValue: 3 }));
    // The other instance reads the limits it enforces at most a second late.
    await new Promise((r) => setTimeout(r, 1100));
    const { ok, refused, seconds } = await burst([adminA, adminB], 15);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(['TooManyRequestsException']));
    // Never more than the limit in any one-second window, whichever instance answered.
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(3 * seconds);
    // Another category is not counted against this one.
    expect((await adminB.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.Id).toBe(poolId);

    await adminA.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserList'), RequestedLimitValue: 1000 }));
    await new Promise((r) => setTimeout(r, 1100));
    expect((await burst([adminA, adminB], 15)).refused).toEqual([]);
  });
});
