import type { Platform } from '../../platform/platform.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { UserNotFoundError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { UniqueChange } from '../../event-store/event-store.port.js';
import { loadPool, type ActivePool } from '../user-pool.repository.js';
import { userDecider, type ExistingUserState, type UserCommand, type UserState } from '../user.decider.js';
import type { UserEvent } from '../user.events.js';
import { claimChanges, claimConflict, resolveSignInName, userClaims } from '../aliases.js';
import { evolveUser } from '../user.state.js';
import { type PasswordPolicy, reusesRecentPassword } from '../password-policy.js';
import { waitForReadModels } from './consistency.js';

export type ExistingUser = ExistingUserState;

/**
 * A user of a pool by sign-in name (username, email/phone username, or verified alias), from
 * its own stream (no projection lag).
 */
export async function loadUserByName(platform: Platform, poolId: string, username: string): Promise<{ user: ExistingUser; streamId: string; pool: ActivePool }> {
  const pool = await loadPool(platform.store, poolId);
  const streamId = await resolveSignInName(platform, pool, username);
  if (!streamId) throw new UserNotFoundError('User does not exist.');
  const user = fold(userDecider, (await platform.store.readStream(streamId)) as never as UserEvent[]);
  if (!user.exists) throw new UserNotFoundError('User does not exist.');
  return { user, streamId, pool };
}

/**
 * The unique values a user command claims and releases: the difference between the names the
 * user holds before and after its events (a verified email becomes an alias, a deleted user
 * frees everything, a changed alias moves).
 */
export function claimsFor(platform: Platform, pool: ActivePool) {
  return (events: readonly UserEvent[], before: UserState): UniqueChange[] => {
    const after = events.reduce(evolveUser, before);
    const held = (state: UserState) => (state.exists ? userClaims(pool, state) : []);
    return claimChanges(held(before), held(after), (scope, value) => platform.secrets.uniqueValue(scope, value));
  };
}

/** Runs one user command on a known stream and waits for the read models (read-your-writes). */
export async function runUserCommand(
  platform: Platform,
  streamId: string,
  command: (state: UserState) => UserCommand | Promise<UserCommand>,
  context: RequestContext,
  pool: ActivePool,
): Promise<{ events: UserEvent[]; state: UserState }> {
  let result;
  try {
    result = await handleCommand({
      store: platform.store,
      streamId,
      decider: userDecider,
      context,
      now: new Date(),
      retries: 3,
      command,
      unique: claimsFor(platform, pool),
    });
  } catch (error) {
    throw claimConflict(error, pool);
  }
  await waitForReadModels(platform, result.append?.position);
  return { events: result.events, state: result.state };
}

/** Attributes as Cognito lists them (`sub` first). */
export function attributeList(user: ExistingUser): Array<{ Name: string; Value: string }> {
  const { sub: _sub, ...rest } = user.attributes;
  return [{ Name: 'sub', Value: user.sub }, ...Object.entries(rest).map(([Name, Value]) => ({ Name, Value }))];
}

/** True when `password` repeats one of the user's recent passwords (the pool's history rule). */
export async function repeatsRecentPassword(platform: Platform, user: ExistingUser, password: string, policy: PasswordPolicy): Promise<boolean> {
  const recent = [user.passwordHash, ...user.previousPasswordHashes].slice(0, policy.passwordHistorySize);
  const matches = await Promise.all(recent.map((hash) => platform.hasher.verify(hash, password)));
  return reusesRecentPassword(matches, policy);
}
