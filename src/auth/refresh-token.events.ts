/**
 * A refresh-token family: the first token of a sign-in and every token rotated from it.
 * Only the tokens' keyed hashes are stored. A token names its family in clear (see
 * newRefreshToken); bare tokens issued before that find their family through a unique claim of
 * their hash (REFRESH_TOKEN_SCOPE), which is no longer made for new tokens.
 */
export type RefreshTokenIssued = {
  type: 'RefreshTokenIssued';
  data: {
    familyId: string;
    poolId: string;
    sub: string;
    clientId: string;
    refreshTokenHash: string;
    authTime: string;
    issuedAt: string;
    expiresAt: string;
  };
};

export type RefreshTokenRotated = {
  type: 'RefreshTokenRotated';
  data: { refreshTokenHash: string; previousTokenHash: string; at: string };
};

export type RefreshTokenFamilyRevoked = {
  type: 'RefreshTokenFamilyRevoked';
  data: { reason: 'REVOKED' | 'REUSE_DETECTED'; at: string };
};

export type RefreshTokenEvent = RefreshTokenIssued | RefreshTokenRotated | RefreshTokenFamilyRevoked;

export const refreshFamilyStream = (familyId: string) => `refresh-${familyId}`;
export const REFRESH_TOKEN_SCOPE = 'refresh-token';
