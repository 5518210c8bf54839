import type { EventStore } from '../../event-store/event-store.port.js';
import { fold } from '../../shared/decider.js';
import { ResourceNotFoundError } from '../../shared/domain-error.js';
import { clientDecider, type ClientState } from './client.decider.js';
import { type ClientEvent, clientStream } from './client.events.js';
import { CLIENT_ID } from './client-ids.js';

export type ActiveClient = Extract<ClientState, { status: 'active' }>;

/** An app client from its own stream (always current). `poolId` restricts it to one pool. */
export async function loadClient(store: EventStore, clientId: string, poolId?: string): Promise<ActiveClient> {
  if (!CLIENT_ID.test(clientId)) throw new ResourceNotFoundError('User pool client does not exist.');
  const events = await store.readStream(clientStream(clientId));
  const state = fold(clientDecider, events as never as ClientEvent[]);
  if (state.status !== 'active' || (poolId !== undefined && state.poolId !== poolId)) {
    throw new ResourceNotFoundError(`User pool client ${clientId} does not exist.`);
  }
  return state;
}
