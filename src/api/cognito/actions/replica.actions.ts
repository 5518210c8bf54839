import { z } from 'zod';
import { ChangeUserPoolReplicaCommand, CreateUserPoolReplicaCommand, ListUserPoolReplicasQuery } from '../../../user-pools/replicas/replica.use-cases.js';
import { userPoolArn } from '../account.js';
import { action } from '../cognito-action.js';
import { nextToken, userPoolId } from './members.js';

// RegionCodeType: an AWS region name.
const regionName = z
  .string()
  .min(5)
  .max(32)
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/);
const tags = z.record(z.string().min(1).max(128), z.string().max(256)).optional();

export const listUserPoolReplicas = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const replicas = await ctx.queries.execute(new ListUserPoolReplicasQuery({ poolId: input.UserPoolId }, ctx.request));
    return {
      UserPoolReplicas: replicas.map((r) => ({
        RegionName: r.region,
        Status: r.status,
        Role: r.role,
        UserPoolArn: userPoolArn(r.region, ctx.accountId, r.poolId),
      })),
    };
  },
});

export const createUserPoolReplica = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, RegionName: regionName, UserPoolTags: tags }),
  async handle(input, ctx) {
    return ctx.commands.execute(new CreateUserPoolReplicaCommand({ poolId: input.UserPoolId, region: input.RegionName }, ctx.request));
  },
});

export const updateUserPoolReplica = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, RegionName: regionName, Status: z.enum(['ACTIVE', 'INACTIVE']) }),
  async handle(input, ctx) {
    return ctx.commands.execute(new ChangeUserPoolReplicaCommand({ poolId: input.UserPoolId, region: input.RegionName, change: 'update' }, ctx.request));
  },
});

export const deleteUserPoolReplica = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, RegionName: regionName }),
  async handle(input, ctx) {
    return ctx.commands.execute(new ChangeUserPoolReplicaCommand({ poolId: input.UserPoolId, region: input.RegionName, change: 'delete' }, ctx.request));
  },
});

/** The replica actions, spread into the action table (services.ts). */
export const REPLICA_ACTIONS = {
  ListUserPoolReplicas: listUserPoolReplicas,
  CreateUserPoolReplica: createUserPoolReplica,
  UpdateUserPoolReplica: updateUserPoolReplica,
  DeleteUserPoolReplica: deleteUserPoolReplica,
};
