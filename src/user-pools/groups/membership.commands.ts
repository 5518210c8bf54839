import type { Platform } from '../../platform/platform.js';
import { handleCommand } from '../../shared/command-handler.js';
import { UserNotFoundError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { type ExistingUser, loadUserByName } from '../commands/user-admin.js';
import { loadPool } from '../user-pool.repository.js';
import { waitForGroupReadModel } from './group.commands.js';
import { loadGroup } from './group.repository.js';
import { membershipDecider, type MembershipCommand } from './membership.decider.js';
import { membershipStream } from './membership.events.js';

export interface MembershipInput {
  poolId: string;
  groupName: string;
  username: string;
}

/** AdminAddUserToGroup: adding a member again changes nothing. */
export async function addUserToGroup(platform: Platform, input: MembershipInput, context: RequestContext): Promise<void> {
  await runMembershipCommand(platform, input, 'AddUserToGroup', context);
}

/** AdminRemoveUserFromGroup: removing a user who is not a member changes nothing. */
export async function removeUserFromGroup(platform: Platform, input: MembershipInput, context: RequestContext): Promise<void> {
  await runMembershipCommand(platform, input, 'RemoveUserFromGroup', context);
}

/**
 * 1. the pool and the group (its creation instant names the membership), 2. the user, 3. decide on the
 * user's membership stream, 4. wait for the read model (read-your-writes).
 * A group deleted between 1 and 3 leaves a membership of a group that no longer exists:
 * it never counts, so no lock across the two streams is needed.
 */
async function runMembershipCommand(platform: Platform, input: MembershipInput, type: MembershipCommand['type'], context: RequestContext): Promise<void> {
  await loadPool(platform.store, input.poolId);
  const group = await loadGroup(platform.store, input.poolId, input.groupName);
  const { user } = await loadAdminUser(platform, input.poolId, input.username);
  const now = new Date();
  const result = await handleCommand({
    store: platform.store,
    streamId: membershipStream(group.poolId, user.sub),
    decider: membershipDecider,
    context,
    now,
    // Safe to retry: adding and removing are idempotent decisions.
    retries: 3,
    command: () => ({ type, groupName: group.groupName, groupCreatedAt: group.createdAt, now: now.toISOString() }),
  });
  await waitForGroupReadModel(platform, result.append?.position);
}

/** A user named by an admin call; Cognito's admin actions say "User does not exist." */
export async function loadAdminUser(platform: Platform, poolId: string, username: string): Promise<{ user: ExistingUser; streamId: string }> {
  try {
    return await loadUserByName(platform, poolId, username);
  } catch (error) {
    if (error instanceof UserNotFoundError) throw new UserNotFoundError('User does not exist.');
    throw error;
  }
}
