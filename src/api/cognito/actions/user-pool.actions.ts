import { z } from 'zod';
import { CreateUserPoolCommand } from '../../../user-pools/commands/create-user-pool.js';
import { GetUserPoolQuery } from '../../../user-pools/queries/get-user-pool.js';
import { ListUserPoolsQuery } from '../../../user-pools/queries/list-user-pools.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { nextToken, userPoolId } from './members.js';
import { toUserPoolType } from './user-pool-type.js';

// Members and limits as in Cognito's API reference. Members we do not model yet are
// ignored, as an older Cognito ignores members a newer SDK sends.
const passwordPolicy = z.object({
  MinimumLength: z.number().int().min(6).max(99).optional(),
  RequireUppercase: z.boolean().optional(),
  RequireLowercase: z.boolean().optional(),
  RequireNumbers: z.boolean().optional(),
  RequireSymbols: z.boolean().optional(),
  TemporaryPasswordValidityDays: z.number().int().min(0).max(365).optional(),
});

export const createUserPool = action({
  auth: 'admin',
  input: z.object({
    PoolName: z.string().min(1).max(128).regex(/^[\w\s+=,.@-]+$/),
    Policies: z.object({ PasswordPolicy: passwordPolicy.optional() }).optional(),
    AutoVerifiedAttributes: z.array(z.enum(['email', 'phone_number'])).max(2).optional(),
    UsernameConfiguration: z.object({ CaseSensitive: z.boolean() }).optional(),
  }),
  async handle(input, ctx) {
    const p = input.Policies?.PasswordPolicy ?? {};
    // Only the members the caller gave: the command fills in Cognito's defaults.
    const passwordPolicy = Object.fromEntries(
      Object.entries({
        minimumLength: p.MinimumLength,
        requireUppercase: p.RequireUppercase,
        requireLowercase: p.RequireLowercase,
        requireNumbers: p.RequireNumbers,
        requireSymbols: p.RequireSymbols,
        temporaryPasswordValidityDays: p.TemporaryPasswordValidityDays,
      }).filter(([, v]) => v !== undefined),
    );
    const pool = await ctx.commands.execute(
      new CreateUserPoolCommand(
        {
          name: input.PoolName,
          passwordPolicy,
          region: ctx.region,
          ...(input.UsernameConfiguration ? { usernameCaseSensitive: input.UsernameConfiguration.CaseSensitive } : {}),
          ...(input.AutoVerifiedAttributes ? { autoVerifiedAttributes: [...new Set(input.AutoVerifiedAttributes)] } : {}),
        },
        ctx.request,
      ),
    );
    return { UserPool: toUserPoolType(pool, ctx.accountId) };
  },
});

export const describeUserPool = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    const pool = await ctx.queries.execute(new GetUserPoolQuery(input.UserPoolId));
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
      new ListUserPoolsQuery({ limit: input.MaxResults, region: ctx.region, ...(input.NextToken ? { cursor: input.NextToken } : {}) }),
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
