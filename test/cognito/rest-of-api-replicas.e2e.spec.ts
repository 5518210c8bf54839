import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  CreateUserPoolReplicaCommand,
  DeleteUserPoolReplicaCommand,
  ListUserPoolReplicasCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

/** Issue 12, point 5: the replica actions answer as a deployment of a single region does. */
describe('replicas in a single-region deployment', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let poolId: string;
  let arn: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    const pool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'replicated' }))).UserPool!;
    poolId = pool.Id!;
    arn = pool.Arn!;
  });
  afterAll(async () => app.destroy());

  test('a pool is its own active primary replica, in its region', async () => {
    const listed = await admin.send(new ListUserPoolReplicasCommand({ UserPoolId: poolId }));
    expect(listed.UserPoolReplicas).toEqual([{ RegionName: 'eu-west-1', Status: 'ACTIVE', Role: 'PRIMARY', UserPoolArn: arn }]);
    expect(listed.NextToken).toBeUndefined();
    expect((await failure(admin.send(new ListUserPoolReplicasCommand({ UserPoolId: 'eu-west-1_Nope12345' })))).name).toBe('ResourceNotFoundException');
  });

  test('no replica can be created in another region, and there is none to update or delete', async () => {
    expect(await failure(admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'us-east-1' })))).toEqual({
      name: 'OperationNotEnabledException',
      message: `Replicas are not available: this deployment serves user pool ${poolId} in eu-west-1 only.`,
    });
    expect((await failure(admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'eu-west-1' })))).name).toBe(
      'InvalidParameterException',
    );
    expect(await failure(admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'us-east-1', Status: 'INACTIVE' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `User pool ${poolId} has no replica in us-east-1.`,
    });
    expect(await failure(admin.send(new DeleteUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'eu-west-1' })))).toEqual({
      name: 'InvalidParameterException',
      message: `The primary replica of user pool ${poolId} cannot be deleted; delete the user pool instead.`,
    });
    expect((await failure(admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'eu-west-1', Status: 'INACTIVE' })))).name).toBe(
      'InvalidParameterException',
    );
    // Still one replica.
    expect((await admin.send(new ListUserPoolReplicasCommand({ UserPoolId: poolId }))).UserPoolReplicas).toHaveLength(1);
  });
});
