import { randomBytes, randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { withMetadata } from '../shared/command-handler.js';
import type { StreamWrite } from '../event-store/event-store.port.js';
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

/** What a refresh token names in clear: its family and the family's user (no secret). */
export interface RefreshTokenRef {
  familyId: string;
  poolId: string;
  sub: string;
}

/**
 * A new refresh token and the keyed hash under which its family knows it. The token is
 * `<base64url(familyId:poolId:sub)>.<48 random bytes, base64url>`: the prefix lets a refresh read
 * the family and the user in one go; only the whole token's keyed hash proves anything (the
 * family must hold that hash), so the prefix grants nothing by itself.
 */
export function newRefreshToken(platform: Platform, ref: RefreshTokenRef): { token: string; hash: string } {
  const prefix = Buffer.from(`${ref.familyId}:${ref.poolId}:${ref.sub}`).toString('base64url');
  const token = `${prefix}.${randomBytes(48).toString('base64url')}`;
  return { token, hash: refreshTokenHash(platform, token) };
}

/** The family and user a refresh token names, or undefined (an older bare token, or garbage). */
export function parseRefreshToken(token: string): RefreshTokenRef | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 200) return undefined;
  const parts = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8').split(':');
  if (parts.length !== 3 || parts.some((p) => p.length === 0 || p.length > 128)) return undefined;
  const [familyId, poolId, sub] = parts;
  return { familyId, poolId, sub };
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

/**
 * A successful sign-in: a new refresh-token family, then ID and access tokens bound to it.
 * `alongside` (the sign-in's auth-log event) is written in the same call as the family, after
 * it: one transaction on SQL stores; elsewhere a family without its log entry is harmless (its
 * token was never handed out).
 */
export async function issueSignInTokens(
  platform: Platform,
  client: ActiveClient,
  subject: TokenSubject,
  context: RequestContext,
  alongside: readonly StreamWrite[] = [],
): Promise<AuthenticationResult> {
  const now = new Date();
  const familyId = randomUUID();
  const refresh = newRefreshToken(platform, { familyId, poolId: subject.poolId, sub: subject.sub });
  const s = client.settings;
  // A new stream (fresh id): decide against the initial state, no read.
  const issued = refreshTokenDecider.decide(
    {
      type: 'IssueRefreshToken',
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
    },
    refreshTokenDecider.initialState(),
  );
  await platform.store.appendMany([
    {
      streamId: refreshFamilyStream(familyId),
      events: withMetadata(issued, context, now),
      // No unique claim: the token names its family (see newRefreshToken).
      options: { expectedRevision: 'no_stream' },
    },
    ...alongside,
  ]);
  const tokens = await signTokens(platform, client, subject, familyId, Math.floor(now.getTime() / 1000));
  return { ...tokens, RefreshToken: refresh.token };
}
