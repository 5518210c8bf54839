import type { Platform } from '../platform/platform.js';
import { handleCommand } from '../shared/command-handler.js';
import { constantTimeEqual, fold } from '../shared/decider.js';
import { NotAuthorizedError } from '../shared/domain-error.js';
import type { RequestContext } from '../shared/request-context.js';
import type { ActiveClient } from '../user-pools/clients/client.repository.js';
import { groupsForToken } from '../user-pools/groups/token-groups.js';
import { userDecider, type UserState } from '../user-pools/user.decider.js';
import { type UserEvent, userStream } from '../user-pools/user.events.js';
import { type RefreshFamilyState, refreshTokenDecider, reuseOutcome } from './refresh-token.decider.js';
import { REFRESH_TOKEN_SCOPE, refreshFamilyStream } from './refresh-token.events.js';
import { type AuthenticationResult, newRefreshToken, parseRefreshToken, refreshTokenHash, signTokens } from './token-issuer.js';

/**
 * REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken:
 * 1. find the token's family by its keyed hash, 2. decide the use (rotation, grace period,
 * reuse detection), 3. append, 4. refuse tokens of signed-out, disabled or deleted users,
 * 5. sign new ID and access tokens (and hand out the rotated refresh token).
 * `beforeUse` runs checks that need the family's user (the SECRET_HASH names the user).
 */
export async function refreshAuth(
  platform: Platform,
  args: {
    client: ActiveClient;
    refreshToken: string | undefined;
    context: RequestContext;
    beforeUse?: (user: { sub: string; username: string }) => void;
  },
): Promise<AuthenticationResult> {
  const { client, context } = args;
  if (!args.refreshToken) throw new NotAuthorizedError('Invalid Refresh Token');
  const presentedHash = refreshTokenHash(platform, args.refreshToken);
  const { streamId, family, user } = await findFamily(platform, args.refreshToken, presentedHash);
  if (!family.exists || family.clientId !== client.clientId) throw new NotAuthorizedError('Invalid Refresh Token');
  if (!user.exists) throw new NotAuthorizedError('Refresh Token has been revoked');
  args.beforeUse?.({ sub: user.sub, username: user.username });
  if (!user.enabled) throw new NotAuthorizedError('User is disabled.');
  if (user.signedOutAt && user.signedOutAt >= family.authTime) throw new NotAuthorizedError('Refresh Token has been revoked');

  const rotation = client.settings.refreshTokenRotation;
  const next = rotation.feature === 'ENABLED' ? newRefreshToken(platform, { familyId: family.familyId, poolId: family.poolId, sub: family.sub }) : undefined;
  const now = new Date();
  const use = {
    type: 'UseRefreshToken' as const,
    presentedHash,
    clientId: client.clientId,
    rotateTo: next?.hash,
    graceSeconds: rotation.retryGracePeriodSeconds,
    now: now.toISOString(),
  };
  // Without rotation a valid use changes nothing: decide on the state already read, no write.
  const decided = refreshTokenDecider.decide(use, family);
  const result = decided.length === 0 ? { events: [] } : await handleCommand({
    store: platform.store,
    streamId,
    decider: refreshTokenDecider,
    context,
    now,
    // Safe to retry: a concurrent use is re-decided against the new state.
    retries: 3,
    command: () => use,
  });
  const reuse = reuseOutcome(result.events);
  if (reuse) throw reuse;

  const tokens = await signTokens(
    platform,
    client,
    { poolId: family.poolId, sub: user.sub, username: user.username, attributes: user.attributes, groups: await groupsForToken(platform, family.poolId, user.sub) },
    family.familyId,
    Math.floor(Date.parse(family.authTime) / 1000),
  );
  return next ? { ...tokens, RefreshToken: next.token } : tokens;
}

/**
 * The token's family and the family's user. A token that names its family is read with its user
 * in one round trip, and counts only if the family holds its hash (a forged prefix gets
 * "Invalid Refresh Token", never the family's state); a bare token (issued before tokens named
 * their family) is found through its hash's unique claim.
 */
async function findFamily(
  platform: Platform,
  token: string,
  presentedHash: string,
): Promise<{ streamId: string; family: RefreshFamilyState; user: UserState }> {
  const ref = parseRefreshToken(token);
  if (ref) {
    const streamId = refreshFamilyStream(ref.familyId);
    const [familyEvents, userEvents] = await platform.store.readStreams([{ streamId }, { streamId: userStream(ref.poolId, ref.sub) }]);
    const family = fold(refreshTokenDecider, familyEvents as never);
    if (!family.exists || family.poolId !== ref.poolId || family.sub !== ref.sub || !holdsHash(family, presentedHash)) {
      throw new NotAuthorizedError('Invalid Refresh Token');
    }
    return { streamId, family, user: fold(userDecider, userEvents as never as UserEvent[]) };
  }
  const streamId = await platform.store.findUniqueHolder(REFRESH_TOKEN_SCOPE, presentedHash);
  if (!streamId) throw new NotAuthorizedError('Invalid Refresh Token');
  const family = fold(refreshTokenDecider, (await platform.store.readStream(streamId)) as never);
  if (!family.exists) throw new NotAuthorizedError('Invalid Refresh Token');
  const user = fold(userDecider, (await platform.store.readStream(userStream(family.poolId, family.sub))) as never as UserEvent[]);
  return { streamId, family, user };
}

const holdsHash = (family: Extract<RefreshFamilyState, { exists: true }>, hash: string) =>
  constantTimeEqual(family.currentHash, hash) || family.retired.some((r) => constantTimeEqual(r.hash, hash));

/** RevokeToken: revokes the refresh token's whole family (and so the access tokens it issued). */
export async function revokeRefreshToken(platform: Platform, client: ActiveClient, token: string, context: RequestContext): Promise<void> {
  if (!client.settings.enableTokenRevocation) {
    throw new NotAuthorizedError('Token revocation is not enabled for this client');
  }
  // Cognito answers success for tokens it does not know (nothing to revoke).
  const found = await findFamily(platform, token, refreshTokenHash(platform, token)).catch((error: unknown) => {
    if (error instanceof NotAuthorizedError) return undefined;
    throw error;
  });
  if (!found) return;
  const { streamId } = found;
  await handleCommand({
    store: platform.store,
    streamId,
    decider: refreshTokenDecider,
    context,
    now: new Date(),
    retries: 3,
    command: () => ({ type: 'RevokeRefreshTokenFamily' as const, clientId: client.clientId, now: new Date().toISOString() }),
  });
}
