import { Injectable } from '@nestjs/common';
import { handleCommand } from '../../shared/command-handler.js';
import { constantTimeEqual, fold } from '../../shared/decider.js';
import { NotAuthorizedError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { ClientCaller } from '../../user-pools/clients/client-rules.js';
import { userDecider, type UserState } from '../../user-pools/user.decider.js';
import { type UserEvent, userStream } from '../../user-pools/user.events.js';
import { type RefreshFamilyState, refreshTokenDecider } from '../refresh-token.decider.js';
import { REFRESH_TOKEN_SCOPE, refreshFamilyStream } from '../refresh-token.events.js';
import { SignInServices } from '../sign-in-services.js';
import { newRefreshToken, parseRefreshToken, refreshTokenHash } from './refresh-tokens.js';
import type { AuthenticationResult } from './token-issuer.js';

interface FoundFamily {
  streamId: string;
  family: RefreshFamilyState;
  user: UserState;
}

/**
 * Refresh-token use (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken) and revocation (RevokeToken):
 * 1. find the token's family, 2. check the caller and the user, 3. decide the use (rotation,
 * grace period, reuse detection: a reuse revokes the family and is answered with its error),
 * 4. sign new ID and access tokens (and hand out the rotated refresh token).
 */
@Injectable()
export class RefreshTokens {
  constructor(private readonly s: SignInServices) {}

  /** `beforeUse` runs checks that need the family's user (the SECRET_HASH names the user). */
  async use(args: {
    caller: ClientCaller;
    refreshToken: string | undefined;
    context: RequestContext;
    beforeUse?: (user: { sub: string; username: string }) => void;
    /** The caller signs the tokens it hands out itself (OAuth families, with their scopes): no pre token generation hook here. */
    callerSigns?: boolean;
  }): Promise<AuthenticationResult> {
    const { caller, context } = args;
    const client = caller.client;
    if (!args.refreshToken) throw new NotAuthorizedError('Invalid Refresh Token');
    const presentedHash = refreshTokenHash(this.s.secrets, args.refreshToken);
    const { streamId, family, user } = await this.find(args.refreshToken, presentedHash);
    if (!family.exists || family.clientId !== client.clientId) throw new NotAuthorizedError('Invalid Refresh Token');
    if (!user.exists) throw new NotAuthorizedError('Refresh Token has been revoked');
    args.beforeUse?.({ sub: user.sub, username: user.username });
    if (!user.enabled) throw new NotAuthorizedError('User is disabled.');
    if (user.signedOutAt && user.signedOutAt >= family.authTime) throw new NotAuthorizedError('Refresh Token has been revoked');

    const rotation = client.settings.refreshTokenRotation;
    const next =
      rotation.feature === 'ENABLED' ? newRefreshToken(this.s.secrets, { familyId: family.familyId, poolId: family.poolId, sub: family.sub }) : undefined;
    const now = this.s.clock.now();
    const use = {
      type: 'UseRefreshToken' as const,
      presentedHash,
      clientId: client.clientId,
      rotateTo: next?.hash,
      graceSeconds: rotation.retryGracePeriodSeconds,
      now: now.toISOString(),
    };
    // Without rotation a valid use changes nothing: decide on the state already read, no write.
    if (refreshTokenDecider.decide(use, family).length > 0) {
      // Safe to retry: a concurrent use is decided again against the new state.
      await handleCommand({ store: this.s.store, streamId, decider: refreshTokenDecider, context, now, retries: 3, command: () => use });
    }
    const tokens = await this.s.tokens.sign(
      client,
      user,
      family.familyId,
      Math.floor(Date.parse(family.authTime) / 1000),
      {},
      { source: 'TokenGeneration_RefreshTokens', context, ...(args.callerSigns ? { skipHook: true } : {}) },
    );
    return next ? { ...tokens, RefreshToken: next.token } : tokens;
  }

  /** RevokeToken: revokes the refresh token's whole family (and so the access tokens it issued). */
  async revoke(caller: ClientCaller, token: string, context: RequestContext): Promise<void> {
    if (!caller.client.settings.enableTokenRevocation) throw new NotAuthorizedError('Token revocation is not enabled for this client');
    // Cognito answers success for tokens it does not know (nothing to revoke).
    const found = await this.find(token, refreshTokenHash(this.s.secrets, token)).catch((error: unknown) => {
      if (error instanceof NotAuthorizedError) return undefined;
      throw error;
    });
    if (!found) return;
    const now = this.s.clock.now();
    await handleCommand({
      store: this.s.store,
      streamId: found.streamId,
      decider: refreshTokenDecider,
      context,
      now,
      retries: 3,
      command: () => ({ type: 'RevokeRefreshTokenFamily' as const, clientId: caller.clientId, now: now.toISOString() }),
    });
  }

  /**
   * The token's family and the family's user. A token that names its family is read with its user
   * in one round trip, and counts only if the family holds its hash (a forged prefix gets
   * "Invalid Refresh Token", never the family's state); a bare token (issued before tokens named
   * their family) is found through its hash's unique claim.
   */
  private async find(token: string, presentedHash: string): Promise<FoundFamily> {
    const ref = parseRefreshToken(token);
    const store = this.s.store;
    if (ref) {
      const streamId = refreshFamilyStream(ref.familyId);
      const [familyEvents, userEvents] = await store.readStreams([{ streamId }, { streamId: userStream(ref.poolId, ref.sub) }]);
      const family = fold(refreshTokenDecider, familyEvents as never);
      if (!family.exists || family.poolId !== ref.poolId || family.sub !== ref.sub || !holdsHash(family, presentedHash)) {
        throw new NotAuthorizedError('Invalid Refresh Token');
      }
      return { streamId, family, user: fold(userDecider, userEvents as never as UserEvent[]) };
    }
    const streamId = await store.findUniqueHolder(REFRESH_TOKEN_SCOPE, presentedHash);
    if (!streamId) throw new NotAuthorizedError('Invalid Refresh Token');
    const family = fold(refreshTokenDecider, (await store.readStream(streamId)) as never);
    if (!family.exists) throw new NotAuthorizedError('Invalid Refresh Token');
    const user = fold(userDecider, (await store.readStream(userStream(family.poolId, family.sub))) as never as UserEvent[]);
    return { streamId, family, user };
  }
}

/** Every kept hash is compared (no early exit), each comparison of two keyed hashes. */
const holdsHash = (family: Extract<RefreshFamilyState, { exists: true }>, hash: string) =>
  [family.currentHash, ...family.retired.map((r) => r.hash)].map((h) => constantTimeEqual(h, hash)).includes(true);
