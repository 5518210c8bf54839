import { z } from 'zod';
import {
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolQuery,
  ListIdentityPoolsQuery,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  UpdateIdentityPoolCommand,
} from '../../../identity-pools/commands/identity-pool.use-cases.js';
import type { ActiveIdentityPool } from '../../../identity-pools/identity-pool.decider.js';
import type { IdentityPoolConfig } from '../../../identity-pools/identity-pool.events.js';
import { DEFAULT_PRINCIPAL_TAGS } from '../../../identity-pools/principal-tags.js';
import type { RoleMapping } from '../../../identity-pools/role-mapping.js';
import { action } from '../cognito-action.js';
import { arn, developerProviderName, identityPoolId, identityPoolName, maxResults, nextToken, principalTags, providerName, roleArn, tags } from './members.js';

const cognitoProvider = z.object({
  ProviderName: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w._:/-]+$/),
  ClientId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w_]+$/),
  ServerSideTokenCheck: z.boolean().optional(),
});

const poolSettings = {
  IdentityPoolName: identityPoolName,
  AllowUnauthenticatedIdentities: z.boolean(),
  AllowClassicFlow: z.boolean().optional(),
  SupportedLoginProviders: z.record(z.string().min(1).max(128), z.string().min(1).max(128)).optional(),
  DeveloperProviderName: developerProviderName.optional(),
  OpenIdConnectProviderARNs: z.array(arn).optional(),
  CognitoIdentityProviders: z.array(cognitoProvider).optional(),
  SamlProviderARNs: z.array(arn).optional(),
  IdentityPoolTags: tags.optional(),
};

type PoolSettingsInput = z.infer<z.ZodObject<typeof poolSettings>>;

function toConfig(input: PoolSettingsInput): IdentityPoolConfig {
  return {
    name: input.IdentityPoolName,
    allowUnauthenticated: input.AllowUnauthenticatedIdentities,
    allowClassicFlow: input.AllowClassicFlow ?? false,
    supportedLoginProviders: input.SupportedLoginProviders ?? {},
    ...(input.DeveloperProviderName !== undefined ? { developerProviderName: input.DeveloperProviderName } : {}),
    openIdConnectProviderArns: input.OpenIdConnectProviderARNs ?? [],
    cognitoIdentityProviders: (input.CognitoIdentityProviders ?? []).map((p) => ({
      providerName: p.ProviderName,
      clientId: p.ClientId,
      serverSideTokenCheck: p.ServerSideTokenCheck ?? false,
    })),
    samlProviderArns: input.SamlProviderARNs ?? [],
    tags: input.IdentityPoolTags ?? {},
  };
}

/** Cognito's IdentityPool shape; empty lists and maps are left out, as Cognito leaves them. */
export function identityPoolType(pool: ActiveIdentityPool) {
  const c = pool.config;
  return {
    IdentityPoolId: pool.poolId,
    IdentityPoolName: c.name,
    AllowUnauthenticatedIdentities: c.allowUnauthenticated,
    AllowClassicFlow: c.allowClassicFlow,
    ...(Object.keys(c.supportedLoginProviders).length ? { SupportedLoginProviders: c.supportedLoginProviders } : {}),
    ...(c.developerProviderName ? { DeveloperProviderName: c.developerProviderName } : {}),
    ...(c.openIdConnectProviderArns.length ? { OpenIdConnectProviderARNs: c.openIdConnectProviderArns } : {}),
    ...(c.cognitoIdentityProviders.length
      ? {
          CognitoIdentityProviders: c.cognitoIdentityProviders.map((p) => ({
            ProviderName: p.providerName,
            ClientId: p.clientId,
            ServerSideTokenCheck: p.serverSideTokenCheck,
          })),
        }
      : {}),
    ...(c.samlProviderArns.length ? { SamlProviderARNs: c.samlProviderArns } : {}),
    IdentityPoolTags: c.tags,
  };
}

export const createIdentityPool = action({
  auth: 'admin',
  input: z.object(poolSettings),
  async handle(input, ctx) {
    const pool = await ctx.commands.execute(
      new CreateIdentityPoolCommand({ config: toConfig(input), region: ctx.request.region, accountId: ctx.accountId }, ctx.request),
    );
    return identityPoolType(pool);
  },
});

export const describeIdentityPool = action({
  auth: 'admin',
  input: z.object({ IdentityPoolId: identityPoolId }),
  async handle(input, ctx) {
    return identityPoolType(await ctx.queries.execute(new DescribeIdentityPoolQuery({ poolId: input.IdentityPoolId }, ctx.request)));
  },
});

export const updateIdentityPool = action({
  auth: 'admin',
  input: z.object({ IdentityPoolId: identityPoolId, ...poolSettings }),
  async handle(input, ctx) {
    const pool = await ctx.commands.execute(
      new UpdateIdentityPoolCommand(
        { poolId: input.IdentityPoolId, config: toConfig(input), region: ctx.request.region, accountId: ctx.accountId },
        ctx.request,
      ),
    );
    return identityPoolType(pool);
  },
});

export const deleteIdentityPool = action({
  auth: 'admin',
  input: z.object({ IdentityPoolId: identityPoolId }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteIdentityPoolCommand({ poolId: input.IdentityPoolId }, ctx.request));
    return {};
  },
});

export const listIdentityPools = action({
  auth: 'admin',
  input: z.object({ MaxResults: maxResults, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListIdentityPoolsQuery({ limit: input.MaxResults, ...(input.NextToken ? { nextToken: input.NextToken } : {}) }, ctx.request),
    );
    return {
      IdentityPools: page.pools.map((p) => ({ IdentityPoolId: p.poolId, IdentityPoolName: p.name })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
});

const mappingRule = z.object({
  Claim: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u),
  MatchType: z.enum(['Equals', 'Contains', 'StartsWith', 'NotEqual']),
  Value: z.string().min(1).max(128),
  RoleARN: roleArn,
});
const roleMapping = z.object({
  Type: z.enum(['Token', 'Rules']),
  AmbiguousRoleResolution: z.enum(['AuthenticatedRole', 'Deny']),
  RulesConfiguration: z.object({ Rules: z.array(mappingRule).min(1).max(25) }).optional(),
});

export const setIdentityPoolRoles = action({
  auth: 'admin',
  input: z.object({
    IdentityPoolId: identityPoolId,
    Roles: z.partialRecord(z.enum(['authenticated', 'unauthenticated']), roleArn),
    RoleMappings: z.record(providerName, roleMapping).optional(),
  }),
  async handle(input, ctx) {
    const roleMappings: Record<string, RoleMapping> = {};
    for (const [key, m] of Object.entries(input.RoleMappings ?? {})) {
      roleMappings[key] = {
        type: m.Type,
        ambiguousRoleResolution: m.AmbiguousRoleResolution,
        ...(m.RulesConfiguration
          ? { rules: m.RulesConfiguration.Rules.map((r) => ({ claim: r.Claim, matchType: r.MatchType, value: r.Value, roleArn: r.RoleARN })) }
          : {}),
      };
    }
    const roles = {
      ...(input.Roles.authenticated ? { authenticated: input.Roles.authenticated } : {}),
      ...(input.Roles.unauthenticated ? { unauthenticated: input.Roles.unauthenticated } : {}),
    };
    await ctx.commands.execute(new SetIdentityPoolRolesCommand({ poolId: input.IdentityPoolId, roles, roleMappings }, ctx.request));
    return {};
  },
});

export const getIdentityPoolRoles = action({
  auth: 'admin',
  input: z.object({ IdentityPoolId: identityPoolId }),
  async handle(input, ctx) {
    const pool = await ctx.queries.execute(new DescribeIdentityPoolQuery({ poolId: input.IdentityPoolId }, ctx.request));
    const mappings = Object.entries(pool.roleMappings).map(([key, m]) => [
      key,
      {
        Type: m.type,
        AmbiguousRoleResolution: m.ambiguousRoleResolution,
        ...(m.rules
          ? { RulesConfiguration: { Rules: m.rules.map((r) => ({ Claim: r.claim, MatchType: r.matchType, Value: r.value, RoleARN: r.roleArn })) } }
          : {}),
      },
    ]);
    return {
      IdentityPoolId: pool.poolId,
      Roles: pool.roles,
      ...(mappings.length ? { RoleMappings: Object.fromEntries(mappings) } : {}),
    };
  },
});

export const setPrincipalTagAttributeMap = action({
  auth: 'admin',
  input: z.object({
    IdentityPoolId: identityPoolId,
    IdentityProviderName: providerName,
    UseDefaults: z.boolean().optional(),
    PrincipalTags: principalTags.optional(),
  }),
  async handle(input, ctx) {
    const map = { useDefaults: input.UseDefaults ?? false, principalTags: input.PrincipalTags ?? {} };
    await ctx.commands.execute(
      new SetPrincipalTagAttributeMapCommand({ poolId: input.IdentityPoolId, providerName: input.IdentityProviderName, map }, ctx.request),
    );
    return {
      IdentityPoolId: input.IdentityPoolId,
      IdentityProviderName: input.IdentityProviderName,
      UseDefaults: map.useDefaults,
      PrincipalTags: map.principalTags,
    };
  },
});

export const getPrincipalTagAttributeMap = action({
  auth: 'admin',
  input: z.object({ IdentityPoolId: identityPoolId, IdentityProviderName: providerName }),
  async handle(input, ctx) {
    const pool = await ctx.queries.execute(new DescribeIdentityPoolQuery({ poolId: input.IdentityPoolId }, ctx.request));
    const canonical = /^cognito-idp\./.test(input.IdentityProviderName) ? input.IdentityProviderName : undefined;
    const map = pool.principalTagMaps[canonical ?? input.IdentityProviderName] ?? findByIssuer(pool, input.IdentityProviderName);
    return {
      IdentityPoolId: pool.poolId,
      IdentityProviderName: input.IdentityProviderName,
      UseDefaults: map?.useDefaults ?? false,
      PrincipalTags: map?.useDefaults ? DEFAULT_PRINCIPAL_TAGS : (map?.principalTags ?? {}),
    };
  },
});

/** A user pool named by its issuer URL here maps to its canonical provider name. */
function findByIssuer(pool: ActiveIdentityPool, name: string) {
  const poolId = name.slice(name.lastIndexOf('/') + 1);
  const key = Object.keys(pool.principalTagMaps).find((k) => k.startsWith('cognito-idp.') && k.endsWith(`/${poolId}`));
  return key ? pool.principalTagMaps[key] : undefined;
}
