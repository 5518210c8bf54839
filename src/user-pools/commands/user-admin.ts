import type { Platform } from '../../platform/platform.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import type { RequestContext } from '../../shared/request-context.js';
import { loadPool } from '../user-pool.repository.js';
import { userDecider, type UserCommand, type UserState } from '../user.decider.js';
import type { UserEvent } from '../user.events.js';
import { findUserStream } from './confirm-sign-up.js';
import { waitForReadModels } from './consistency.js';

export type ExistingUser = Extract<UserState, { exists: true }>;

/** A user of a pool by username, from its own stream (no projection lag). */
export async function loadUserByName(platform: Platform, poolId: string, username: string): Promise<{ user: ExistingUser; streamId: string }> {
  const pool = await loadPool(platform.store, poolId);
  const streamId = await findUserStream(platform, pool.poolId, username, pool.settings.usernameCaseSensitive);
  const user = fold(userDecider, (await platform.store.readStream(streamId)) as never as UserEvent[]);
  if (!user.exists) throw new Error(`user stream ${streamId} is empty`);
  return { user, streamId };
}

/** Runs one user command on a known stream and waits for the read models (read-your-writes). */
export async function runUserCommand(
  platform: Platform,
  streamId: string,
  command: (state: UserState) => UserCommand,
  context: RequestContext,
): Promise<UserEvent[]> {
  const result = await handleCommand({
    store: platform.store,
    streamId,
    decider: userDecider,
    context,
    now: new Date(),
    retries: 3,
    command,
  });
  await waitForReadModels(platform, result.append?.position);
  return result.events;
}

/** Attributes as Cognito lists them (`sub` first). */
export function attributeList(user: ExistingUser): Array<{ Name: string; Value: string }> {
  const { sub: _sub, ...rest } = user.attributes;
  return [{ Name: 'sub', Value: user.sub }, ...Object.entries(rest).map(([Name, Value]) => ({ Name, Value }))];
}
