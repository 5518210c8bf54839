import { fold } from '../../shared/decider.js';
import { isMember, type MembershipCommand, membershipDecider } from './membership.decider.js';
import type { MembershipEvent } from './membership.events.js';

const G1 = '2026-01-01T00:00:00.000Z';
const G2 = '2026-02-01T00:00:00.000Z';
const NOW = '2026-03-01T00:00:00.000Z';
const added: MembershipEvent = { type: 'UserAddedToGroup', data: { groupName: 'admins', groupCreatedAt: G1, at: G1 } };
const add = (groupCreatedAt = G1): MembershipCommand => ({ type: 'AddUserToGroup', groupName: 'admins', groupCreatedAt, now: NOW });
const remove = (groupCreatedAt = G1): MembershipCommand => ({ type: 'RemoveUserFromGroup', groupName: 'admins', groupCreatedAt, now: NOW });
const when = (given: MembershipEvent[], command: MembershipCommand) => membershipDecider.decide(command, fold(membershipDecider, given));

describe('group membership decider', () => {
  test('adding a user records the group and its creation instant', () => {
    expect(when([], add())).toEqual([{ type: 'UserAddedToGroup', data: { groupName: 'admins', groupCreatedAt: G1, at: NOW } }]);
  });

  test('adding a member again records nothing', () => {
    expect(when([added], add())).toEqual([]);
  });

  test('removing a member records it; removing a non-member records nothing', () => {
    const removed: MembershipEvent = { type: 'UserRemovedFromGroup', data: { groupName: 'admins', at: NOW } };
    expect(when([added], remove())).toEqual([removed]);
    expect(when([added, removed], remove())).toEqual([]);
    expect(when([], remove())).toEqual([]);
  });

  test('a membership of a deleted group does not carry over to a new group of the same name', () => {
    const state = fold(membershipDecider, [added]);
    expect(isMember(state, 'admins', G1)).toBe(true);
    expect(isMember(state, 'admins', G2)).toBe(false);
    expect(when([added], remove(G2))).toEqual([]);
    expect(when([added], add(G2))).toEqual([{ type: 'UserAddedToGroup', data: { groupName: 'admins', groupCreatedAt: G2, at: NOW } }]);
  });

  test('group names that are object keys in JavaScript are ordinary names', () => {
    const proto: MembershipCommand = { type: 'AddUserToGroup', groupName: '__proto__', groupCreatedAt: G1, now: NOW };
    const events = membershipDecider.decide(proto, membershipDecider.initialState());
    expect(isMember(fold(membershipDecider, events), '__proto__', G1)).toBe(true);
  });
});
