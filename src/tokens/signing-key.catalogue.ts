import type { CatalogueEntry } from '../events/catalogue-entry.js';
import type { SigningKeyCreated, SigningKeyRetired } from './signing-key.events.js';

/** Catalogue entries of the signing-key events (spread into EVENT_CATALOGUE). */
export const SIGNING_KEY_CATALOGUE: {
  SigningKeyCreated: CatalogueEntry<SigningKeyCreated>;
  SigningKeyRetired: CatalogueEntry<SigningKeyRetired>;
} = {
  SigningKeyCreated: {
    stream: 'signing-keys-<poolId>',
    description:
      "A pool's RSA signing key was created: in the JWKS from createdAt, signing from activatesAt. The private key is stored encrypted under the master key.",
    secretFields: ['encryptedPrivateKey'],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
      alg: 'RS256',
      publicJwk: {
        kty: 'RSA',
        n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
        e: 'AQAB',
      },
      encryptedPrivateKey: 'v1.iv.body.tag',
      createdAt: '2026-01-01T00:00:00.000Z',
      activatesAt: '2026-01-01T01:00:00.000Z',
    },
  },
  SigningKeyRetired: {
    stream: 'signing-keys-<poolId>',
    description: 'A signing key stopped signing when its successor activated; it stays in the JWKS until every token it signed has expired (unpublishAt).',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
      supersededBy: 'mRg3Tx0Wq7Ycb8y0m0T2d4GmFQ0bP6Gf3fQ4h9Tq8jE',
      retiredAt: '2026-01-31T01:00:00.000Z',
      unpublishAt: '2026-02-01T01:05:00.000Z',
    },
  },
};
