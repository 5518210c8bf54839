import { type Decider, unreachable } from '../shared/decider.js';
import { InvalidParameterError } from '../shared/domain-error.js';
import { DeleteConflictError, EntityAlreadyExistsError, NoSuchEntityError } from './identity-pool.errors.js';
import { parsePolicy } from './policy/policy-document.js';
import type { OpenIdConnectProviderEvent, RoleEvent } from './role.events.js';

export type RoleState =
  | { status: 'absent' }
  | {
      status: 'active';
      roleName: string;
      roleId: string;
      arn: string;
      path: string;
      description?: string;
      assumeRolePolicy: string;
      maxSessionDuration: number;
      policies: Record<string, string>;
      createdAt: string;
    };

export type ActiveRole = Extract<RoleState, { status: 'active' }>;

export interface NewRole {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  description?: string;
  assumeRolePolicy: string;
  maxSessionDuration?: number;
}

export type RoleCommand =
  | { type: 'CreateRole'; role: NewRole; now: string }
  | { type: 'UpdateRole'; roleName: string; description?: string; maxSessionDuration?: number; now: string }
  | { type: 'UpdateAssumeRolePolicy'; roleName: string; policy: string; now: string }
  | { type: 'PutRolePolicy'; roleName: string; policyName: string; policy: string; now: string }
  | { type: 'DeleteRolePolicy'; roleName: string; policyName: string; now: string }
  | { type: 'DeleteRole'; roleName: string; now: string };

/** IAM's bounds for a role's session (seconds). */
export const MIN_SESSION = 3600;
export const MAX_SESSION = 43_200;

export const roleDecider: Decider<RoleCommand, RoleEvent, RoleState> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'RoleCreated':
        return { status: 'active', ...event.data, policies: {} };
      case 'RoleUpdated': {
        if (state.status !== 'active') return state;
        const { description, maxSessionDuration } = event.data;
        return {
          ...state,
          ...(description !== undefined ? { description } : {}),
          ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
        };
      }
      case 'RoleTrustPolicyUpdated':
        return state.status === 'active' ? { ...state, assumeRolePolicy: event.data.assumeRolePolicy } : state;
      case 'RolePolicyPut':
        return state.status === 'active' ? { ...state, policies: { ...state.policies, [event.data.policyName]: event.data.policyDocument } } : state;
      case 'RolePolicyDeleted': {
        if (state.status !== 'active') return state;
        const { [event.data.policyName]: _gone, ...policies } = state.policies;
        return { ...state, policies };
      }
      case 'RoleDeleted':
        return { status: 'absent' };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateRole': {
        const r = command.role;
        if (state.status === 'active') throw new EntityAlreadyExistsError(`Role with name ${r.roleName} already exists.`);
        parsePolicy(r.assumeRolePolicy, 'trust');
        const maxSessionDuration = checkDuration(r.maxSessionDuration ?? MIN_SESSION);
        return [
          {
            type: 'RoleCreated',
            data: {
              roleName: r.roleName,
              roleId: r.roleId,
              arn: r.arn,
              path: r.path,
              ...(r.description !== undefined ? { description: r.description } : {}),
              assumeRolePolicy: r.assumeRolePolicy,
              maxSessionDuration,
              createdAt: command.now,
            },
          },
        ];
      }
      case 'UpdateRole': {
        const role = requireRole(state, command.roleName);
        if (command.maxSessionDuration !== undefined) checkDuration(command.maxSessionDuration);
        const description = command.description !== undefined && command.description !== role.description ? command.description : undefined;
        const duration =
          command.maxSessionDuration !== undefined && command.maxSessionDuration !== role.maxSessionDuration ? command.maxSessionDuration : undefined;
        if (description === undefined && duration === undefined) return [];
        return [
          {
            type: 'RoleUpdated',
            data: {
              roleName: role.roleName,
              ...(description !== undefined ? { description } : {}),
              ...(duration !== undefined ? { maxSessionDuration: duration } : {}),
              at: command.now,
            },
          },
        ];
      }
      case 'UpdateAssumeRolePolicy': {
        const role = requireRole(state, command.roleName);
        parsePolicy(command.policy, 'trust');
        if (role.assumeRolePolicy === command.policy) return [];
        return [{ type: 'RoleTrustPolicyUpdated', data: { roleName: role.roleName, assumeRolePolicy: command.policy, at: command.now } }];
      }
      case 'PutRolePolicy': {
        const role = requireRole(state, command.roleName);
        parsePolicy(command.policy, 'identity');
        if (role.policies[command.policyName] === command.policy) return [];
        return [{ type: 'RolePolicyPut', data: { roleName: role.roleName, policyName: command.policyName, policyDocument: command.policy, at: command.now } }];
      }
      case 'DeleteRolePolicy': {
        const role = requireRole(state, command.roleName);
        if (!(command.policyName in role.policies)) throw new NoSuchEntityError(`The role policy with name ${command.policyName} cannot be found.`);
        return [{ type: 'RolePolicyDeleted', data: { roleName: role.roleName, policyName: command.policyName, at: command.now } }];
      }
      case 'DeleteRole': {
        const role = requireRole(state, command.roleName);
        if (Object.keys(role.policies).length > 0) throw new DeleteConflictError('Cannot delete entity, must delete policies first.');
        return [{ type: 'RoleDeleted', data: { roleName: role.roleName, arn: role.arn, at: command.now } }];
      }
      default:
        return unreachable(command);
    }
  },
};

export function requireRole(state: RoleState, roleName: string): ActiveRole {
  if (state.status !== 'active') throw new NoSuchEntityError(`The role with name ${roleName} cannot be found.`);
  return state;
}

function checkDuration(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < MIN_SESSION || seconds > MAX_SESSION) {
    throw new InvalidParameterError(`MaxSessionDuration must be between ${MIN_SESSION} and ${MAX_SESSION} seconds.`);
  }
  return seconds;
}

export type OidcProviderState =
  { status: 'absent' } | { status: 'active'; arn: string; url: string; clientIds: string[]; thumbprints: string[]; jwksUri?: string; createdAt: string };

export type OidcProviderCommand =
  | { type: 'CreateOpenIdConnectProvider'; arn: string; url: string; clientIds: string[]; thumbprints: string[]; jwksUri?: string; now: string }
  | { type: 'DeleteOpenIdConnectProvider'; arn: string; now: string };

export const oidcProviderDecider: Decider<OidcProviderCommand, OpenIdConnectProviderEvent, OidcProviderState> = {
  initialState: () => ({ status: 'absent' }),
  evolve(state, event) {
    switch (event.type) {
      case 'OpenIdConnectProviderCreated':
        return { status: 'active', ...event.data };
      case 'OpenIdConnectProviderDeleted':
        return { status: 'absent' };
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'CreateOpenIdConnectProvider': {
        if (state.status === 'active') throw new EntityAlreadyExistsError(`Provider with url ${command.url} already exists.`);
        const { arn, url, clientIds, thumbprints, jwksUri, now } = command;
        return [{ type: 'OpenIdConnectProviderCreated', data: { arn, url, clientIds, thumbprints, ...(jwksUri ? { jwksUri } : {}), createdAt: now } }];
      }
      case 'DeleteOpenIdConnectProvider':
        if (state.status !== 'active') throw new NoSuchEntityError(`OpenIDConnect Provider not found for arn ${command.arn}`);
        return [{ type: 'OpenIdConnectProviderDeleted', data: { arn: state.arn, url: state.url, at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
