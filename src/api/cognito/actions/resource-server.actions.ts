import { z } from 'zod';
import {
  CreateResourceServerCommand,
  DeleteResourceServerCommand,
  DescribeResourceServerQuery,
  ListResourceServersQuery,
  type ResourceServerView,
  UpdateResourceServerCommand,
} from '../../../user-pools/oauth/resource-server.use-cases.js';
import { action } from '../cognito-action.js';
import { nextToken, userPoolId } from './members.js';

// ResourceServerIdentifierType, ResourceServerNameType and ResourceServerScopeType as in Cognito's API reference.
const identifier = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\t\n\v\f\r\x20-\x7E]+$/);
const name = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\w\s+=,.@-]+$/);
const scope = z.object({
  ScopeName: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/),
  ScopeDescription: z.string().min(1).max(256),
});
const server = { UserPoolId: userPoolId, Identifier: identifier, Name: name, Scopes: z.array(scope).max(100).optional() };

const toServer = (input: { Identifier: string; Name: string; Scopes?: Array<{ ScopeName: string; ScopeDescription: string }> }) => ({
  identifier: input.Identifier,
  name: input.Name,
  scopes: (input.Scopes ?? []).map((s) => ({ name: s.ScopeName, description: s.ScopeDescription })),
});

const resourceServerType = (s: ResourceServerView) => ({
  UserPoolId: s.poolId,
  Identifier: s.identifier,
  Name: s.name,
  Scopes: s.scopes.map((x) => ({ ScopeName: x.name, ScopeDescription: x.description })),
});

export const createResourceServer = action({
  auth: 'admin',
  input: z.object(server),
  async handle(input, ctx) {
    const s = await ctx.commands.execute(new CreateResourceServerCommand({ poolId: input.UserPoolId, server: toServer(input) }, ctx.request));
    return { ResourceServer: resourceServerType(s) };
  },
});

export const updateResourceServer = action({
  auth: 'admin',
  input: z.object(server),
  async handle(input, ctx) {
    const s = await ctx.commands.execute(new UpdateResourceServerCommand({ poolId: input.UserPoolId, server: toServer(input) }, ctx.request));
    return { ResourceServer: resourceServerType(s) };
  },
});

export const describeResourceServer = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Identifier: identifier }),
  async handle(input, ctx) {
    const s = await ctx.queries.execute(new DescribeResourceServerQuery({ poolId: input.UserPoolId, identifier: input.Identifier }, ctx.request));
    return { ResourceServer: resourceServerType(s) };
  },
});

export const deleteResourceServer = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Identifier: identifier }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteResourceServerCommand({ poolId: input.UserPoolId, identifier: input.Identifier }, ctx.request));
    return {};
  },
});

export const listResourceServers = action({
  auth: 'admin',
  // MaxResults is required in Cognito's ListResourceServers (1-50).
  input: z.object({ UserPoolId: userPoolId, MaxResults: z.number().int().min(1).max(50), NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListResourceServersQuery(
        { poolId: input.UserPoolId, maxResults: input.MaxResults, ...(input.NextToken ? { nextToken: input.NextToken } : {}) },
        ctx.request,
      ),
    );
    return { ResourceServers: page.servers.map(resourceServerType), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  },
});

export const RESOURCE_SERVER_ACTIONS = {
  CreateResourceServer: createResourceServer,
  UpdateResourceServer: updateResourceServer,
  DescribeResourceServer: describeResourceServer,
  DeleteResourceServer: deleteResourceServer,
  ListResourceServers: listResourceServers,
};
