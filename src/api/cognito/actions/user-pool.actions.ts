import { z } from 'zod';
import { InvalidParameterError } from '../../../shared/domain-error.js';
import { AddCustomAttributesCommand } from '../../../user-pools/commands/add-custom-attributes.js';
import { CreateUserPoolCommand } from '../../../user-pools/commands/create-user-pool.js';
import { DeleteUserPoolCommand } from '../../../user-pools/commands/delete-user-pool.js';
import { UpdateUserPoolCommand } from '../../../user-pools/commands/update-user-pool.js';
import { GetUserPoolQuery } from '../../../user-pools/queries/get-user-pool.js';
import { ListUserPoolsQuery } from '../../../user-pools/queries/list-user-pools.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { nextToken, userPoolId } from './members.js';
import { mutableSettingsInput, schemaAttributeInput, toMutableSettings, toSchemaInput, toUserPoolType } from './user-pool-type.js';

const poolName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w\s+=,.@-]+$/);

export const createUserPool = action({
  auth: 'admin',
  // PoolName first: validation problems are reported in member order, as AWS does.
  input: z
    .object({ PoolName: poolName })
    .extend(mutableSettingsInput.shape)
    .extend({
      UsernameAttributes: z
        .array(z.enum(['email', 'phone_number']))
        .max(2)
        .optional(),
      AliasAttributes: z
        .array(z.enum(['email', 'phone_number', 'preferred_username']))
        .max(3)
        .optional(),
      Schema: z.array(schemaAttributeInput).min(1).max(50).optional(),
      UsernameConfiguration: z.object({ CaseSensitive: z.boolean() }).optional(),
    }),
  async handle(input, ctx) {
    const pool = await ctx.commands.execute(
      new CreateUserPoolCommand(
        {
          ...toMutableSettings(input),
          name: input.PoolName,
          usernameCaseSensitive: input.UsernameConfiguration?.CaseSensitive,
          usernameAttributes: input.UsernameAttributes,
          aliasAttributes: input.AliasAttributes,
          schema: input.Schema?.map(toSchemaInput),
        },
        ctx.request,
      ),
    );
    return { UserPool: toUserPoolType(pool, ctx.accountId) };
  },
});

/** Members fixed at creation: Cognito's UpdateUserPool has no such members; a raw call naming them is told why. */
const CREATION_ONLY = ['UsernameAttributes', 'AliasAttributes', 'Schema', 'UsernameConfiguration'] as const;

export const updateUserPool = action({
  auth: 'admin',
  input: z
    .object({ UserPoolId: userPoolId })
    .extend(mutableSettingsInput.shape)
    .extend({
      PoolName: poolName.optional(),
      ...Object.fromEntries(CREATION_ONLY.map((member) => [member, z.unknown().optional()])),
    }),
  async handle(input, ctx) {
    const fixed = CREATION_ONLY.find((member) => (input as Record<string, unknown>)[member] !== undefined);
    if (fixed) throw new InvalidParameterError(`${fixed} cannot be changed after the user pool is created.`);
    // Cognito semantics: every member left out goes back to its default (the name excepted).
    await ctx.commands.execute(new UpdateUserPoolCommand({ ...toMutableSettings(input), poolId: input.UserPoolId, name: input.PoolName }, ctx.request));
    return {};
  },
});

export const deleteUserPool = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteUserPoolCommand({ poolId: input.UserPoolId }, ctx.request));
    return {};
  },
});

export const addCustomAttributes = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, CustomAttributes: z.array(schemaAttributeInput).min(1).max(25) }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new AddCustomAttributesCommand({ poolId: input.UserPoolId, attributes: input.CustomAttributes.map(toSchemaInput) }, ctx.request),
    );
    return {};
  },
});

export const describeUserPool = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    const pool = await ctx.queries.execute(new GetUserPoolQuery({ poolId: input.UserPoolId }, ctx.request));
    return { UserPool: toUserPoolType(pool, ctx.accountId) };
  },
});

export const listUserPools = action({
  auth: 'admin',
  input: z.object({
    MaxResults: z.number().int().min(1).max(60),
    NextToken: nextToken.optional(),
  }),
  async handle(input, ctx) {
    // A Cognito endpoint is regional: it lists the pools of the region the call is scoped to.
    const page = await ctx.queries.execute(
      new ListUserPoolsQuery({ limit: input.MaxResults, region: ctx.request.region, ...(input.NextToken ? { cursor: input.NextToken } : {}) }, ctx.request),
    );
    return {
      UserPools: page.pools.map((pool) => ({
        Id: pool.poolId,
        Name: pool.name,
        CreationDate: epochSeconds(pool.createdAt),
        LastModifiedDate: epochSeconds(pool.createdAt),
      })),
      ...(page.nextCursor ? { NextToken: page.nextCursor } : {}),
    };
  },
});
