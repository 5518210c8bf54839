import type { ExistingUserState } from './user.decider.js';

/**
 * Verifies a user's access token (signature, issuer, expiry, revocation, and that its user still
 * exists and is enabled). Self-service use cases of this context depend on the port; the auth
 * context implements it (it owns sign-in families), and the composition root binds the two.
 */
export const ACCESS_TOKENS = Symbol('AccessTokenVerifier');

export interface TokenOwner {
  poolId: string;
  clientId: string;
  user: ExistingUserState;
  streamId: string;
  /** The user's stream revision as read (REST's ETag of /v1/me). */
  revision?: bigint;
}

export interface AccessTokenVerifier {
  verify(token: string | undefined): Promise<TokenOwner>;
}
