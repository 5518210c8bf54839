/**
 * A refresh-token family: the first token of a sign-in and every token rotated from it.
 * Tokens are opaque random strings; only their keyed hashes are stored, and each hash is
 * claimed as a unique value so a presented token finds its family in one lookup.
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
