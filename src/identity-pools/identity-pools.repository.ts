import type { EventStore } from '../event-store/event-store.port.js';
import { fold } from '../shared/decider.js';
import { ResourceNotFoundError } from '../shared/domain-error.js';
import { type ActiveIdentityPool, identityPoolDecider } from './identity-pool.decider.js';
import { type IdentityPoolEvent, identityPoolStream } from './identity-pool.events.js';
import { type ActiveIdentity, identityDecider, type IdentityState } from './identity.decider.js';
import { type IdentityEvent, identityStream } from './identity.events.js';
import { type ActiveRole, oidcProviderDecider, type OidcProviderState, roleDecider } from './role.decider.js';
import { oidcProviderStream, type OpenIdConnectProviderEvent, type RoleEvent, roleStream } from './role.events.js';

/** Identity pool ids and identity ids: `<region>:<uuid>`, as Cognito's. */
export const IDENTITY_POOL_ID = /^[\w-]+:[0-9a-f-]+$/;

export async function loadIdentityPool(store: EventStore, poolId: string): Promise<ActiveIdentityPool> {
  const state = fold(identityPoolDecider, (await store.readStream(identityPoolStream(poolId))) as unknown as IdentityPoolEvent[]);
  if (state.status !== 'active') throw new ResourceNotFoundError(`IdentityPool '${poolId}' not found.`);
  return state;
}

export async function readIdentity(store: EventStore, identityId: string): Promise<IdentityState> {
  return fold(identityDecider, (await store.readStream(identityStream(identityId))) as unknown as IdentityEvent[]);
}

export async function loadIdentity(store: EventStore, identityId: string): Promise<ActiveIdentity> {
  const state = await readIdentity(store, identityId);
  if (state.status !== 'active') throw new ResourceNotFoundError(`Identity '${identityId}' not found.`);
  return state;
}

/** The role an ARN names, if this service holds it (the account and path are checked too). */
export async function findRoleByArn(store: EventStore, arn: string): Promise<ActiveRole | undefined> {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  if (!name) return undefined;
  const state = fold(roleDecider, (await store.readStream(roleStream(name))) as unknown as RoleEvent[]);
  return state.status === 'active' && state.arn === arn ? state : undefined;
}

export async function readOidcProvider(store: EventStore, name: string): Promise<OidcProviderState> {
  return fold(oidcProviderDecider, (await store.readStream(oidcProviderStream(name))) as unknown as OpenIdConnectProviderEvent[]);
}
