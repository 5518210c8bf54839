import type { EventStore } from '../event-store/event-store.port.js';
import { fold } from '../shared/decider.js';
import { ResourceNotFoundError } from '../shared/domain-error.js';
import { userPoolDecider, type UserPoolState } from './user-pool.decider.js';
import { type UserPoolEvent, userPoolStream } from './user-pool.events.js';
import { USER_POOL_ID } from './user-pool-id.js';

export type ActivePool = Extract<UserPoolState, { status: 'active' }>;

/** Current state of a pool from its own (short) stream: always up to date, no projection lag. */
export async function loadPool(store: EventStore, poolId: string): Promise<ActivePool> {
  return (await loadPoolRevision(store, poolId)).pool;
}

/** The pool and its stream's last revision, from one read (REST's ETag). */
export async function loadPoolRevision(store: EventStore, poolId: string): Promise<{ pool: ActivePool; revision: bigint }> {
  if (!USER_POOL_ID.test(poolId)) throw new ResourceNotFoundError(`User pool ${poolId} does not exist.`);
  const events = await store.readStream(userPoolStream(poolId));
  const state = fold(userPoolDecider, events as never as UserPoolEvent[]);
  if (state.status !== 'active') throw new ResourceNotFoundError(`User pool ${poolId} does not exist.`);
  return { pool: state, revision: events[events.length - 1].revision };
}
