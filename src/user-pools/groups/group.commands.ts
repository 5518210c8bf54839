import type { GlobalPosition } from '../../event-store/event-store.port.js';
import type { Platform } from '../../platform/platform.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { GROUPS_PROJECTION } from '../../../projections/groups/groups.projection.js';
import { loadPool } from '../user-pool.repository.js';
import { type ActiveGroup, groupDecider, type GroupCommand, type GroupState, requireGroup } from './group.decider.js';
import { type GroupSettings, groupStream } from './group.events.js';
import { loadGroup } from './group.repository.js';

/** CreateGroup: the group's stream revision makes the name unique (a concurrent create re-decides and gets GroupExists). */
export async function createGroup(
  platform: Platform,
  input: { poolId: string; groupName: string; settings: GroupSettings },
  context: RequestContext,
): Promise<ActiveGroup> {
  const pool = await loadPool(platform.store, input.poolId);
  const state = await runGroupCommand(platform, pool.poolId, input.groupName, (now) => ({ type: 'CreateGroup', poolId: pool.poolId, groupName: input.groupName, settings: input.settings, now }), context);
  requireGroup(state);
  return state;
}

/** UpdateGroup: settings left out keep their values. */
export async function updateGroup(
  platform: Platform,
  input: { poolId: string; groupName: string; settings: GroupSettings },
  context: RequestContext,
): Promise<ActiveGroup> {
  await loadPool(platform.store, input.poolId);
  const state = await runGroupCommand(platform, input.poolId, input.groupName, (now) => ({ type: 'UpdateGroup', settings: input.settings, now }), context);
  requireGroup(state);
  return state;
}

/** DeleteGroup: memberships end with the group (they name its creation instant); users' streams are untouched. */
export async function deleteGroup(platform: Platform, input: { poolId: string; groupName: string }, context: RequestContext): Promise<void> {
  await loadPool(platform.store, input.poolId);
  await runGroupCommand(platform, input.poolId, input.groupName, (now) => ({ type: 'DeleteGroup', now }), context);
}

export async function getGroup(platform: Platform, poolId: string, groupName: string): Promise<ActiveGroup> {
  await loadPool(platform.store, poolId);
  return loadGroup(platform.store, poolId, groupName);
}

async function runGroupCommand(
  platform: Platform,
  poolId: string,
  groupName: string,
  command: (now: string) => GroupCommand,
  context: RequestContext,
): Promise<GroupState> {
  const now = new Date();
  const result = await handleCommand({
    store: platform.store,
    streamId: groupStream(poolId, groupName),
    decider: groupDecider,
    context,
    now,
    // Safe to retry: each decision is re-made from the fresh stream.
    retries: 3,
    command: () => command(now.toISOString()),
  });
  await waitForGroupReadModel(platform, result.append?.position);
  return result.state;
}

/** Read-your-writes for ListGroups / ListUsersInGroup (bounded; a lag is logged, the write stands). */
export async function waitForGroupReadModel(platform: Platform, position: GlobalPosition | undefined): Promise<void> {
  if (!position || platform.config.CONSISTENCY_TIMEOUT_MS === 0) return;
  const ok = await platform.runner.waitFor(GROUPS_PROJECTION, position, platform.config.CONSISTENCY_TIMEOUT_MS);
  if (!ok) platform.logger.warn({ position: `${position.commit}/${position.prepare}` }, 'group read model lags behind a write');
}
