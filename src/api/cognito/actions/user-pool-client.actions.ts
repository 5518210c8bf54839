import { z } from 'zod';
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand, UpdateUserPoolClientCommand } from '../../../user-pools/clients/client.commands.js';
import { DescribeUserPoolClientQuery, ListUserPoolClientsQuery } from '../../../user-pools/clients/client.queries.js';
import { action } from '../cognito-action.js';
import { clientId, nextToken, userPoolId } from './members.js';
import { clientSettingsInput, toClientSettings, toUserPoolClientType } from './user-pool-client-type.js';

export const createUserPoolClient = action({
  auth: 'admin',
  input: clientSettingsInput.extend({ UserPoolId: userPoolId, GenerateSecret: z.boolean().optional() }),
  async handle(input, ctx) {
    const settings = { ...toClientSettings(input), clientName: input.ClientName };
    const client = await ctx.commands.execute(
      new CreateUserPoolClientCommand({ poolId: input.UserPoolId, generateSecret: input.GenerateSecret ?? false, settings }, ctx.request),
    );
    return { UserPoolClient: toUserPoolClientType(client) };
  },
});

export const updateUserPoolClient = action({
  auth: 'admin',
  // Cognito replaces the whole configuration on update; the name may be left out.
  input: clientSettingsInput.partial({ ClientName: true }).extend({ UserPoolId: userPoolId, ClientId: clientId }),
  async handle(input, ctx) {
    const client = await ctx.commands.execute(
      new UpdateUserPoolClientCommand({ poolId: input.UserPoolId, clientId: input.ClientId, settings: toClientSettings(input) }, ctx.request),
    );
    return { UserPoolClient: toUserPoolClientType(client) };
  },
});

export const describeUserPoolClient = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId }),
  async handle(input, ctx) {
    const client = await ctx.queries.execute(new DescribeUserPoolClientQuery({ poolId: input.UserPoolId, clientId: input.ClientId }, ctx.request));
    return { UserPoolClient: toUserPoolClientType(client) };
  },
});

export const deleteUserPoolClient = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteUserPoolClientCommand({ poolId: input.UserPoolId, clientId: input.ClientId }, ctx.request));
    return {};
  },
});

export const listUserPoolClients = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    MaxResults: z.number().int().min(1).max(60).optional(),
    NextToken: nextToken.optional(),
  }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListUserPoolClientsQuery(
        { poolId: input.UserPoolId, maxResults: input.MaxResults ?? 60, ...(input.NextToken ? { nextToken: input.NextToken } : {}) },
        ctx.request,
      ),
    );
    return {
      UserPoolClients: page.clients.map((c) => ({ ClientId: c.clientId, UserPoolId: c.poolId, ClientName: c.clientName })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
});
