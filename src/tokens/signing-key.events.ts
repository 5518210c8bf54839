/** The public half of an RSA key as JWK members (RFC 7518 §6.3.1). */
export interface RsaPublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
}

export type SigningKeyCreated = {
  type: 'SigningKeyCreated';
  data: {
    poolId: string;
    /** RFC 7638 thumbprint of the public key: unique, and stable across re-exports. */
    kid: string;
    alg: 'RS256';
    publicJwk: RsaPublicJwk;
    /** The private JWK, AES-GCM under the master key, bound to `signing-key:<poolId>:<kid>`. */
    encryptedPrivateKey: string;
    /** Published in the JWKS from here on... */
    createdAt: string;
    /** ...and signs from here on (later than createdAt so verifiers' JWKS caches catch up). */
    activatesAt: string;
  };
};

export type SigningKeyRetired = {
  type: 'SigningKeyRetired';
  data: {
    poolId: string;
    kid: string;
    /** The key that took over signing. */
    supersededBy: string;
    /**
     * When the key stopped signing: its successor's activation. Retirement is recorded lazily,
     * so this may be earlier than the event itself.
     */
    retiredAt: string;
    /** retiredAt + the longest token lifetime + clock skew: no token it signed outlives this. */
    unpublishAt: string;
  };
};

export type SigningKeyEvent = SigningKeyCreated | SigningKeyRetired;

export const signingKeysStream = (poolId: string) => `signing-keys-${poolId}`;

/** Associated data of a private key's ciphertext: it cannot be moved to another pool or kid. */
export const privateKeyContext = (poolId: string, kid: string) => `signing-key:${poolId}:${kid}`;
