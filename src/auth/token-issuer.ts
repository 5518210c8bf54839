import { randomBytes, randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { handleCommand } from '../shared/command-handler.js';
import type { RequestContext } from '../shared/request-context.js';
import { validitySeconds } from '../user-pools/clients/client.decider.js';
import type { ActiveClient } from '../user-pools/clients/client.repository.js';
import { refreshTokenDecider } from './refresh-token.decider.js';
import { REFRESH_TOKEN_SCOPE, refreshFamilyStream } from './refresh-token.events.js';
import { accessTokenClaims, idTokenClaims } from './token-claims.js';

export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

export interface TokenSubject {
  poolId: string;
  sub: string;
  username: string;
  attributes: Record<string, string>;
  groups: string[];
}

export const issuerOf = (platform: Platform, poolId: string) => `${platform.config.PUBLIC_BASE_URL}/${poolId}`;

/** A new opaque refresh token and the keyed hash under which its family finds it. */
export function newRefreshToken(platform: Platform): { token: string; hash: string } {
  const token = randomBytes(48).toString('base64url');
  return { token, hash: refreshTokenHash(platform, token) };
}

export function refreshTokenHash(platform: Platform, token: string): string {
  return platform.secrets.uniqueValue(REFRESH_TOKEN_SCOPE, token);
}

/** ID and access tokens for one sign-in (family `originJti`). */
export async function signTokens(
  platform: Platform,
  client: ActiveClient,
  subject: TokenSubject,
  originJti: string,
  authTime: number,
): Promise<Omit<AuthenticationResult, 'RefreshToken'>> {
  const s = client.settings;
  const input = {
    issuer: issuerOf(platform, subject.poolId),
    clientId: client.clientId,
    client: s,
    sub: subject.sub,
    username: subject.username,
    attributes: subject.attributes,
    groups: subject.groups,
    authTime,
    originJti,
    eventId: randomUUID(),
    jti: randomUUID,
  };
  const accessSeconds = validitySeconds(s.accessTokenValidity, s.tokenValidityUnits.accessToken);
  const idSeconds = validitySeconds(s.idTokenValidity, s.tokenValidityUnits.idToken);
  const [AccessToken, IdToken] = await Promise.all([
    platform.keyRing.sign(subject.poolId, accessTokenClaims(input), { expiresInSeconds: accessSeconds }),
    platform.keyRing.sign(subject.poolId, idTokenClaims(input), { expiresInSeconds: idSeconds }),
  ]);
  return { AccessToken, IdToken, ExpiresIn: accessSeconds, TokenType: 'Bearer' };
}

/** A successful sign-in: a new refresh-token family, then ID and access tokens bound to it. */
export async function issueSignInTokens(
  platform: Platform,
  client: ActiveClient,
  subject: TokenSubject,
  context: RequestContext,
): Promise<AuthenticationResult> {
  const now = new Date();
  const familyId = randomUUID();
  const refresh = newRefreshToken(platform);
  const s = client.settings;
  await handleCommand({
    store: platform.store,
    streamId: refreshFamilyStream(familyId),
    decider: refreshTokenDecider,
    context,
    now,
    newStream: true,
    unique: () => [{ scope: REFRESH_TOKEN_SCOPE, value: refresh.hash, change: 'claim' }],
    command: () => ({
      type: 'IssueRefreshToken' as const,
      data: {
        familyId,
        poolId: subject.poolId,
        sub: subject.sub,
        clientId: client.clientId,
        refreshTokenHash: refresh.hash,
        authTime: now.toISOString(),
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + validitySeconds(s.refreshTokenValidity, s.tokenValidityUnits.refreshToken) * 1000).toISOString(),
      },
    }),
  });
  const tokens = await signTokens(platform, client, subject, familyId, Math.floor(now.getTime() / 1000));
  return { ...tokens, RefreshToken: refresh.token };
}
