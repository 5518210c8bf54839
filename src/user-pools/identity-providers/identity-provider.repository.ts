import type { EventStore } from '../../event-store/event-store.port.js';
import { fold } from '../../shared/decider.js';
import { identityProviderDecider, type IdentityProvidersState } from './identity-provider.decider.js';
import { type IdentityProviderEvent, identityProvidersStream } from './identity-provider.events.js';

/** A pool's providers, from their stream (always current). */
export async function loadIdentityProviders(store: EventStore, poolId: string): Promise<IdentityProvidersState> {
  return fold(identityProviderDecider, (await store.readStream(identityProvidersStream(poolId))) as never as IdentityProviderEvent[]);
}
