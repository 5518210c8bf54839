import { z } from 'zod';
import {
  CreateOpenIdConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIdConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetOpenIdConnectProviderQuery,
  GetRoleQuery,
  ListOpenIdConnectProvidersQuery,
  ListRolesQuery,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '../../../identity-pools/commands/role.use-cases.js';
import { NoSuchEntityError } from '../../../identity-pools/identity-pool.errors.js';
import type { ActiveRole } from '../../../identity-pools/role.decider.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { arn } from './members.js';

// IAM's members: RoleName and PolicyName patterns, policy documents up to 10,240 characters.
const roleName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w+=,.@-]+$/);
const policyName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+=,.@-]+$/);
const policyDocument = z.string().min(1).max(131_072);

export function roleType(role: ActiveRole) {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: epochSeconds(role.createdAt),
    AssumeRolePolicyDocument: role.assumeRolePolicy,
    ...(role.description !== undefined ? { Description: role.description } : {}),
    MaxSessionDuration: role.maxSessionDuration,
  };
}

const createRole = action({
  auth: 'admin',
  input: z.object({
    RoleName: roleName,
    AssumeRolePolicyDocument: policyDocument,
    Path: z.string().min(1).max(512).optional(),
    Description: z.string().max(1000).optional(),
    MaxSessionDuration: z.number().int().optional(),
  }),
  async handle(input, ctx) {
    const role = await ctx.commands.execute(
      new CreateRoleCommand(
        {
          roleName: input.RoleName,
          assumeRolePolicy: input.AssumeRolePolicyDocument,
          accountId: ctx.accountId,
          ...(input.Path !== undefined ? { path: input.Path } : {}),
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.MaxSessionDuration !== undefined ? { maxSessionDuration: input.MaxSessionDuration } : {}),
        },
        ctx.request,
      ),
    );
    return { Role: roleType(role) };
  },
});

const getRole = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName }),
  async handle(input, ctx) {
    return { Role: roleType(await ctx.queries.execute(new GetRoleQuery({ roleName: input.RoleName }, ctx.request))) };
  },
});

const updateRole = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName, Description: z.string().max(1000).optional(), MaxSessionDuration: z.number().int().optional() }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new UpdateRoleCommand(
        {
          roleName: input.RoleName,
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.MaxSessionDuration !== undefined ? { maxSessionDuration: input.MaxSessionDuration } : {}),
        },
        ctx.request,
      ),
    );
    return {};
  },
});

const updateAssumeRolePolicy = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName, PolicyDocument: policyDocument }),
  async handle(input, ctx) {
    await ctx.commands.execute(new UpdateAssumeRolePolicyCommand({ roleName: input.RoleName, policy: input.PolicyDocument }, ctx.request));
    return {};
  },
});

const deleteRole = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteRoleCommand({ roleName: input.RoleName }, ctx.request));
    return {};
  },
});

const listRoles = action({
  auth: 'admin',
  input: z.object({ Marker: z.string().min(1).max(320).optional(), MaxItems: z.number().int().min(1).max(1000).optional() }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListRolesQuery({ limit: input.MaxItems ?? 100, ...(input.Marker ? { marker: input.Marker } : {}) }, ctx.request),
    );
    const roles = await Promise.all(page.roles.map((r) => ctx.queries.execute(new GetRoleQuery({ roleName: r.roleName }, ctx.request)).catch(() => undefined)));
    return {
      Roles: roles.filter((r): r is ActiveRole => r !== undefined).map(roleType),
      IsTruncated: page.marker !== undefined,
      ...(page.marker ? { Marker: page.marker } : {}),
    };
  },
});

const putRolePolicy = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName, PolicyName: policyName, PolicyDocument: policyDocument }),
  async handle(input, ctx) {
    await ctx.commands.execute(new PutRolePolicyCommand({ roleName: input.RoleName, policyName: input.PolicyName, policy: input.PolicyDocument }, ctx.request));
    return {};
  },
});

const getRolePolicy = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName, PolicyName: policyName }),
  async handle(input, ctx) {
    const role = await ctx.queries.execute(new GetRoleQuery({ roleName: input.RoleName }, ctx.request));
    const document = role.policies[input.PolicyName];
    if (document === undefined) throw new NoSuchEntityError(`The role policy with name ${input.PolicyName} cannot be found.`);
    return { RoleName: role.roleName, PolicyName: input.PolicyName, PolicyDocument: document };
  },
});

const deleteRolePolicy = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName, PolicyName: policyName }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteRolePolicyCommand({ roleName: input.RoleName, policyName: input.PolicyName }, ctx.request));
    return {};
  },
});

const listRolePolicies = action({
  auth: 'admin',
  input: z.object({ RoleName: roleName }),
  async handle(input, ctx) {
    const role = await ctx.queries.execute(new GetRoleQuery({ roleName: input.RoleName }, ctx.request));
    return { PolicyNames: Object.keys(role.policies).sort(), IsTruncated: false };
  },
});

const createOpenIdConnectProvider = action({
  auth: 'admin',
  input: z.object({
    Url: z.string().min(1).max(255),
    ClientIDList: z.array(z.string().min(1).max(255)).max(100).optional(),
    ThumbprintList: z
      .array(
        z
          .string()
          .length(40)
          .regex(/^[0-9a-fA-F]+$/),
      )
      .max(5)
      .optional(),
    /** This service's addition: where the provider's keys are, when it has no discovery document. */
    JwksUri: z.string().min(1).max(2048).optional(),
  }),
  async handle(input, ctx) {
    const provider = await ctx.commands.execute(
      new CreateOpenIdConnectProviderCommand(
        {
          url: input.Url,
          clientIds: input.ClientIDList ?? [],
          thumbprints: input.ThumbprintList ?? [],
          accountId: ctx.accountId,
          ...(input.JwksUri ? { jwksUri: input.JwksUri } : {}),
        },
        ctx.request,
      ),
    );
    return { OpenIDConnectProviderArn: provider.arn };
  },
});

const getOpenIdConnectProvider = action({
  auth: 'admin',
  input: z.object({ OpenIDConnectProviderArn: arn }),
  async handle(input, ctx) {
    const p = await ctx.queries.execute(new GetOpenIdConnectProviderQuery({ arn: input.OpenIDConnectProviderArn }, ctx.request));
    return {
      Url: p.url.replace(/^https?:\/\//, ''),
      ClientIDList: p.clientIds,
      ThumbprintList: p.thumbprints,
      CreateDate: epochSeconds(p.createdAt),
      ...(p.jwksUri ? { JwksUri: p.jwksUri } : {}),
    };
  },
});

const deleteOpenIdConnectProvider = action({
  auth: 'admin',
  input: z.object({ OpenIDConnectProviderArn: arn }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteOpenIdConnectProviderCommand({ arn: input.OpenIDConnectProviderArn }, ctx.request));
    return {};
  },
});

const listOpenIdConnectProviders = action({
  auth: 'admin',
  input: z.object({}),
  async handle(_input, ctx) {
    const list = await ctx.queries.execute(new ListOpenIdConnectProvidersQuery({}, ctx.request));
    return { OpenIDConnectProviderList: list.map((p) => ({ Arn: p.arn })) };
  },
});

/** The role and OIDC provider documents, IAM's operation names and members (`CairnIdentityRoles.<Action>`). */
export const ROLE_ACTIONS = {
  CreateRole: createRole,
  GetRole: getRole,
  UpdateRole: updateRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  DeleteRole: deleteRole,
  ListRoles: listRoles,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  DeleteRolePolicy: deleteRolePolicy,
  ListRolePolicies: listRolePolicies,
  CreateOpenIDConnectProvider: createOpenIdConnectProvider,
  GetOpenIDConnectProvider: getOpenIdConnectProvider,
  DeleteOpenIDConnectProvider: deleteOpenIdConnectProvider,
  ListOpenIDConnectProviders: listOpenIdConnectProviders,
};
