import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError, LimitExceededError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { ResourceServerEvent, ResourceServerScope } from './resource-server.events.js';

export interface ResourceServer {
  identifier: string;
  name: string;
  scopes: ResourceServerScope[];
}

/** Servers by identifier, in creation order. */
export interface ResourceServersState {
  servers: ResourceServer[];
}

export type ResourceServerCommand =
  | { type: 'CreateResourceServer'; poolId: string; server: ResourceServer; now: string }
  | { type: 'UpdateResourceServer'; server: ResourceServer; now: string }
  | { type: 'DeleteResourceServer'; identifier: string; now: string };

/** Cognito's quota of resource servers per user pool. */
export const MAX_RESOURCE_SERVERS = 25;

/** Every custom scope of the pool, as tokens and app clients name them: `<identifier>/<scope>`. */
export function customScopes(state: ResourceServersState): Set<string> {
  return new Set(state.servers.flatMap((s) => s.scopes.map((scope) => `${s.identifier}/${scope.name}`)));
}

function checkScopes(scopes: readonly ResourceServerScope[]): void {
  const names = new Set<string>();
  for (const scope of scopes) {
    if (names.has(scope.name)) throw new InvalidParameterError(`Duplicate scope name: ${scope.name}`);
    names.add(scope.name);
  }
}

const notFound = (identifier: string) => new ResourceNotFoundError(`Resource server ${identifier} does not exist.`);

export const resourceServerDecider: Decider<ResourceServerCommand, ResourceServerEvent, ResourceServersState> = {
  initialState: () => ({ servers: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'ResourceServerCreated': {
        const { identifier, name, scopes } = event.data;
        return { servers: [...state.servers, { identifier, name, scopes }] };
      }
      case 'ResourceServerUpdated': {
        const { identifier, name, scopes } = event.data;
        return { servers: state.servers.map((s) => (s.identifier === identifier ? { identifier, name, scopes } : s)) };
      }
      case 'ResourceServerDeleted':
        return { servers: state.servers.filter((s) => s.identifier !== event.data.identifier) };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateResourceServer': {
        const { server } = command;
        if (state.servers.some((s) => s.identifier === server.identifier)) {
          throw new InvalidParameterError(`A resource server with identifier ${server.identifier} already exists in this user pool.`);
        }
        if (state.servers.length >= MAX_RESOURCE_SERVERS)
          throw new LimitExceededError(`A user pool can have at most ${MAX_RESOURCE_SERVERS} resource servers.`);
        checkScopes(server.scopes);
        return [{ type: 'ResourceServerCreated', data: { poolId: command.poolId, ...server, at: command.now } }];
      }
      case 'UpdateResourceServer':
        if (!state.servers.some((s) => s.identifier === command.server.identifier)) throw notFound(command.server.identifier);
        checkScopes(command.server.scopes);
        return [{ type: 'ResourceServerUpdated', data: { ...command.server, at: command.now } }];
      case 'DeleteResourceServer':
        if (!state.servers.some((s) => s.identifier === command.identifier)) throw notFound(command.identifier);
        return [{ type: 'ResourceServerDeleted', data: { identifier: command.identifier, at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};
