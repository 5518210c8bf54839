/**
 * A user's group memberships live on their own stream, off the user's main stream, so
 * group churn never lengthens the stream every sign-in reads.
 */
export type UserAddedToGroup = {
  type: 'UserAddedToGroup';
  /** `groupCreatedAt` names the group's incarnation: the membership ends if that group is deleted. */
  data: { groupName: string; groupCreatedAt: string; at: string };
};

export type UserRemovedFromGroup = { type: 'UserRemovedFromGroup'; data: { groupName: string; at: string } };

export type MembershipEvent = UserAddedToGroup | UserRemovedFromGroup;

export const membershipStream = (poolId: string, sub: string) => `groups-${poolId}-${sub}`;

/** `groups-<poolId>-<sub>`; subs are UUIDs, so the pool id is everything before the last 37 characters. */
export function parseMembershipStream(streamId: string): { poolId: string; sub: string } {
  const match = /^groups-(.+)-([0-9a-f-]{36})$/.exec(streamId);
  if (!match) throw new RangeError(`not a membership stream: ${streamId}`);
  return { poolId: match[1], sub: match[2] };
}
