import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { PasskeyDeleted, PasskeyRegistered, PasskeyRegistrationStarted, PasskeyUsed } from './passkey.events.js';

const stream = 'passkeys-<poolId>-<sub>';

/** Catalogue entries of the passkey events (spread into EVENT_CATALOGUE). A credential's public key is not a secret. */
export const PASSKEY_CATALOGUE: {
  PasskeyRegistrationStarted: CatalogueEntry<PasskeyRegistrationStarted>;
  PasskeyRegistered: CatalogueEntry<PasskeyRegistered>;
  PasskeyUsed: CatalogueEntry<PasskeyUsed>;
  PasskeyDeleted: CatalogueEntry<PasskeyDeleted>;
} = {
  PasskeyRegistrationStarted: {
    stream,
    description:
      'StartWebAuthnRegistration: the challenge the next CompleteWebAuthnRegistration must sign, for this relying party and app client, until it expires.',
    secretFields: [],
    example: {
      challenge: 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c',
      relyingPartyId: 'auth.example.com',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      expiresAt: '2026-01-01T00:05:00.000Z',
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  PasskeyRegistered: {
    stream,
    description:
      'CompleteWebAuthnRegistration: a verified attestation; the credential (its COSE public key and signature counter) signs the user in from now on.',
    secretFields: [],
    example: {
      credentialId: 'AbCdEfGhIjKlMnOpQrStUv',
      publicKey: 'pQECAyYgASFYIBw',
      counter: 0,
      relyingPartyId: 'auth.example.com',
      authenticatorAttachment: 'platform',
      transports: ['internal'],
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  PasskeyUsed: {
    stream,
    description: "A WEB_AUTHN sign-in passed with the credential: the authenticator's signature counter, which must move forward from here.",
    secretFields: [],
    example: { credentialId: 'AbCdEfGhIjKlMnOpQrStUv', counter: 7, at: '2026-01-01T00:00:00.000Z' },
  },
  PasskeyDeleted: {
    stream,
    description: 'DeleteWebAuthnCredential: the credential no longer signs in.',
    secretFields: [],
    example: { credentialId: 'AbCdEfGhIjKlMnOpQrStUv', at: '2026-01-01T00:00:00.000Z' },
  },
};
