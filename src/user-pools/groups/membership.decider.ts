import { type Decider, unreachable } from '../../shared/decider.js';
import type { MembershipEvent } from './membership.events.js';

/** Group name -> the creation instant of the group the user was added to (a Map: names like `__proto__` are valid). */
export interface MembershipState {
  groups: ReadonlyMap<string, { groupCreatedAt: string; addedAt: string }>;
}

/**
 * The handler has checked that the user and the group exist; `groupCreatedAt` is the
 * group's current incarnation, read from the group's stream.
 */
export type MembershipCommand =
  | { type: 'AddUserToGroup'; groupName: string; groupCreatedAt: string; now: string }
  | { type: 'RemoveUserFromGroup'; groupName: string; groupCreatedAt: string; now: string };

export const membershipDecider: Decider<MembershipCommand, MembershipEvent, MembershipState> = {
  initialState: () => ({ groups: new Map() }),

  evolve(state, event) {
    const groups = new Map(state.groups);
    switch (event.type) {
      case 'UserAddedToGroup':
        groups.set(event.data.groupName, { groupCreatedAt: event.data.groupCreatedAt, addedAt: event.data.at });
        return { groups };
      case 'UserRemovedFromGroup':
        groups.delete(event.data.groupName);
        return { groups };
      default:
        return state;
    }
  },

  decide(command, state) {
    // A membership of an earlier group of the same name does not count (that group was deleted).
    const member = isMember(state, command.groupName, command.groupCreatedAt);
    switch (command.type) {
      case 'AddUserToGroup':
        if (member) return [];
        return [{ type: 'UserAddedToGroup', data: { groupName: command.groupName, groupCreatedAt: command.groupCreatedAt, at: command.now } }];
      case 'RemoveUserFromGroup':
        return member ? [{ type: 'UserRemovedFromGroup', data: { groupName: command.groupName, at: command.now } }] : [];
      default:
        return unreachable(command);
    }
  },
};

export function isMember(state: MembershipState, groupName: string, groupCreatedAt: string): boolean {
  return state.groups.get(groupName)?.groupCreatedAt === groupCreatedAt;
}
