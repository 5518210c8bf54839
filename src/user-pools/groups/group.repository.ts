import type { EventStore } from '../../event-store/event-store.port.js';
import { fold } from '../../shared/decider.js';
import { type ActiveGroup, groupDecider, type GroupState, requireGroup } from './group.decider.js';
import { type GroupEvent, groupStream } from './group.events.js';
import { membershipDecider, type MembershipState } from './membership.decider.js';
import { type MembershipEvent, membershipStream } from './membership.events.js';

/** A group from its own stream (always current). */
export async function readGroup(store: EventStore, poolId: string, groupName: string): Promise<GroupState> {
  return fold(groupDecider, (await store.readStream(groupStream(poolId, groupName))) as never as GroupEvent[]);
}

/** An existing group, or ResourceNotFoundException. */
export async function loadGroup(store: EventStore, poolId: string, groupName: string): Promise<ActiveGroup> {
  const state = await readGroup(store, poolId, groupName);
  requireGroup(state);
  return state;
}

/** An existing group with its stream's last revision (REST's ETag), from one read. */
export async function loadGroupRevision(store: EventStore, poolId: string, groupName: string): Promise<{ group: ActiveGroup; revision: bigint }> {
  const events = await store.readStream(groupStream(poolId, groupName));
  const state = fold(groupDecider, events as never as GroupEvent[]);
  requireGroup(state);
  return { group: state, revision: events[events.length - 1].revision };
}

export async function readMemberships(store: EventStore, poolId: string, sub: string): Promise<MembershipState> {
  return fold(membershipDecider, (await store.readStream(membershipStream(poolId, sub))) as never as MembershipEvent[]);
}

/**
 * The groups a user belongs to, from the event streams (never stale): a membership counts
 * only while its group exists with the creation instant the membership names.
 */
export async function memberGroups(store: EventStore, poolId: string, sub: string): Promise<ActiveGroup[]> {
  const { groups } = await readMemberships(store, poolId, sub);
  const current = await Promise.all(
    [...groups].map(async ([name, m]) => {
      const group = await readGroup(store, poolId, name);
      return group.status === 'active' && group.createdAt === m.groupCreatedAt ? group : undefined;
    }),
  );
  return current.filter((g): g is ActiveGroup => g !== undefined);
}
