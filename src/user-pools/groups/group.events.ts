/** The settings of a group an admin may set (all optional, as in Cognito). */
export interface GroupSettings {
  description?: string;
  /** Non-negative; the lowest wins (cognito:preferred_role). Absent ranks after every number. */
  precedence?: number;
  /** IAM role ARN put into the ID token's cognito:roles. */
  roleArn?: string;
}

export type GroupCreated = {
  type: 'GroupCreated';
  data: GroupSettings & { poolId: string; groupName: string; createdAt: string };
};

/** Only the settings that changed; the rest keep their values. */
export type GroupUpdated = {
  type: 'GroupUpdated';
  data: GroupSettings & { poolId: string; groupName: string; updatedAt: string };
};

/**
 * The group is gone and so are its memberships: memberships name the group's creation
 * instant, so they do not carry over to a group later created under the same name.
 */
export type GroupDeleted = { type: 'GroupDeleted'; data: { poolId: string; groupName: string; deletedAt: string } };

export type GroupEvent = GroupCreated | GroupUpdated | GroupDeleted;

/** One stream per group name: the stream's expected revision makes the name unique per pool. */
export const groupStream = (poolId: string, groupName: string) => `group-${poolId}-${groupName}`;
