import { type Decider, unreachable } from '../shared/decider.js';
import { InvalidParameterError, ResourceNotFoundError } from '../shared/domain-error.js';
import type { IdentityPoolConfig, IdentityPoolEvent, PrincipalTagMap } from './identity-pool.events.js';
import type { PoolRoles, RoleMapping } from './role-mapping.js';

export type IdentityPoolState =
  | { status: 'absent' | 'deleted'; poolId?: string }
  | {
      status: 'active';
      poolId: string;
      region: string;
      config: IdentityPoolConfig;
      roles: PoolRoles;
      roleMappings: Record<string, RoleMapping>;
      principalTagMaps: Record<string, PrincipalTagMap>;
      createdAt: string;
      updatedAt: string;
    };

export type ActiveIdentityPool = Extract<IdentityPoolState, { status: 'active' }>;

export type IdentityPoolCommand =
  | { type: 'CreateIdentityPool'; poolId: string; region: string; config: IdentityPoolConfig; now: string }
  | { type: 'UpdateIdentityPool'; config: IdentityPoolConfig; now: string }
  | { type: 'DeleteIdentityPool'; now: string }
  | { type: 'SetIdentityPoolRoles'; roles: PoolRoles; roleMappings: Record<string, RoleMapping>; now: string }
  | { type: 'SetPrincipalTagAttributeMap'; providerName: string; map: PrincipalTagMap; now: string };

const MAX_RULES = 25;
const MAX_PRINCIPAL_TAGS = 50;

export const identityPoolDecider: Decider<IdentityPoolCommand, IdentityPoolEvent, IdentityPoolState> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'IdentityPoolCreated': {
        const { poolId, region, config, createdAt } = event.data;
        return { status: 'active', poolId, region, config, roles: {}, roleMappings: {}, principalTagMaps: {}, createdAt, updatedAt: createdAt };
      }
      case 'IdentityPoolUpdated':
        return state.status === 'active' ? { ...state, config: event.data.config, updatedAt: event.data.updatedAt } : state;
      case 'IdentityPoolRolesSet':
        return state.status === 'active' ? { ...state, roles: event.data.roles, roleMappings: event.data.roleMappings, updatedAt: event.data.at } : state;
      case 'PrincipalTagAttributeMapSet': {
        if (state.status !== 'active') return state;
        const { providerName, useDefaults, principalTags } = event.data;
        return { ...state, principalTagMaps: { ...state.principalTagMaps, [providerName]: { useDefaults, principalTags } } };
      }
      case 'IdentityPoolDeleted':
        return { status: 'deleted', poolId: event.data.poolId };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateIdentityPool': {
        if (state.status !== 'absent') throw new InvalidParameterError(`IdentityPool '${command.poolId}' already exists.`);
        checkConfig(command.config);
        const { poolId, region, config, now } = command;
        return [{ type: 'IdentityPoolCreated', data: { poolId, region, config, createdAt: now } }];
      }
      case 'UpdateIdentityPool': {
        requirePool(state);
        checkConfig(command.config);
        const before = state.config.developerProviderName;
        if (before !== undefined && command.config.developerProviderName !== before) {
          throw new InvalidParameterError('The developer provider name of an identity pool cannot be changed once it is set.');
        }
        if (JSON.stringify(command.config) === JSON.stringify(state.config)) return [];
        return [{ type: 'IdentityPoolUpdated', data: { poolId: state.poolId, config: command.config, updatedAt: command.now } }];
      }
      case 'DeleteIdentityPool':
        requirePool(state);
        return [{ type: 'IdentityPoolDeleted', data: { poolId: state.poolId, deletedAt: command.now } }];
      case 'SetIdentityPoolRoles': {
        requirePool(state);
        for (const [key, mapping] of Object.entries(command.roleMappings)) checkMapping(state, key, mapping);
        return [{ type: 'IdentityPoolRolesSet', data: { poolId: state.poolId, roles: command.roles, roleMappings: command.roleMappings, at: command.now } }];
      }
      case 'SetPrincipalTagAttributeMap': {
        requirePool(state);
        if (!providerNames(state.config).has(command.providerName)) {
          throw new InvalidParameterError(`Identity provider ${command.providerName} is not configured for identity pool ${state.poolId}.`);
        }
        if (Object.keys(command.map.principalTags).length > MAX_PRINCIPAL_TAGS)
          throw new InvalidParameterError(`At most ${MAX_PRINCIPAL_TAGS} principal tags.`);
        return [
          {
            type: 'PrincipalTagAttributeMapSet',
            data: { poolId: state.poolId, providerName: command.providerName, ...command.map, at: command.now },
          },
        ];
      }
      default:
        return unreachable(command);
    }
  },
};

export function requirePool(state: IdentityPoolState): asserts state is ActiveIdentityPool {
  if (state.status !== 'active') throw new ResourceNotFoundError(`IdentityPool '${state.poolId ?? ''}' not found.`);
}

/** The provider names Logins may use with this pool (developer provider aside). */
export function providerNames(config: IdentityPoolConfig): Set<string> {
  return new Set([
    ...config.cognitoIdentityProviders.map((p) => p.providerName),
    ...config.openIdConnectProviderArns.map(oidcProviderName),
    ...Object.keys(config.supportedLoginProviders),
  ]);
}

/** `arn:aws:iam::<account>:oidc-provider/<issuer without scheme>` → the issuer without scheme. */
export function oidcProviderName(arn: string): string {
  return arn.slice(arn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
}

/** The role-mapping keys Cognito takes: `<userPoolProvider>:<clientId>` for user pools, the provider name otherwise. */
export function mappingKeys(config: IdentityPoolConfig): Set<string> {
  return new Set([
    ...config.cognitoIdentityProviders.map((p) => `${p.providerName}:${p.clientId}`),
    ...config.openIdConnectProviderArns.map(oidcProviderName),
    ...Object.keys(config.supportedLoginProviders),
  ]);
}

function checkConfig(config: IdentityPoolConfig): void {
  const seen = new Set<string>();
  for (const p of config.cognitoIdentityProviders) {
    const key = `${p.providerName}:${p.clientId}`;
    if (seen.has(key)) throw new InvalidParameterError(`Duplicate provider name and client id: ${key}`);
    seen.add(key);
  }
  if (new Set(config.openIdConnectProviderArns).size !== config.openIdConnectProviderArns.length) {
    throw new InvalidParameterError('Duplicate OpenIdConnectProviderARNs.');
  }
  if (config.developerProviderName !== undefined && config.developerProviderName.includes('cognito')) {
    throw new InvalidParameterError('Developer provider name must not contain "cognito".');
  }
}

function checkMapping(state: ActiveIdentityPool, key: string, mapping: RoleMapping): void {
  if (!mappingKeys(state.config).has(key)) {
    throw new InvalidParameterError(`Role mapping key ${key} names no identity provider of identity pool ${state.poolId}.`);
  }
  if (mapping.type === 'Rules') {
    const rules = mapping.rules ?? [];
    if (rules.length === 0 || rules.length > MAX_RULES) throw new InvalidParameterError(`Rules role mappings need 1 to ${MAX_RULES} rules.`);
  } else if (mapping.rules !== undefined) {
    throw new InvalidParameterError('RulesConfiguration is only valid with the Rules type.');
  }
}
