/**
 * A user pool's tags (TagResource / UntagResource), on their own stream `tags-<poolId>` so the
 * pool's stream (read on every sign-in) does not grow with them.
 */
export type UserPoolTagged = {
  type: 'UserPoolTagged';
  /** The tags set by one call (new keys added, existing keys' values replaced). */
  data: { poolId: string; tags: Record<string, string>; at: string };
};

export type UserPoolUntagged = {
  type: 'UserPoolUntagged';
  /** The keys removed by one call (only those the pool had). */
  data: { poolId: string; keys: string[]; at: string };
};

export type TagEvent = UserPoolTagged | UserPoolUntagged;

export const tagsStream = (poolId: string) => `tags-${poolId}`;
