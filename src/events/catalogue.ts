import type { AdminKeyEvent } from '../admin/admin-key.events.js';
import type { UserPoolEvent } from '../user-pools/user-pool.events.js';
import type { UserEvent } from '../user-pools/user.events.js';
import type { ClientEvent } from '../user-pools/clients/client.events.js';
import { defaultClientSettings } from '../user-pools/clients/client-defaults.js';

export type AnyEvent = UserPoolEvent | UserEvent | AdminKeyEvent | ClientEvent;

export interface CatalogueEntry<E extends AnyEvent = AnyEvent> {
  stream: string;
  description: string;
  /** Fields holding secrets: removed before the event leaves the log. */
  secretFields: string[];
  example: E['data'];
}

/** The closed list of event types, with an example of each (used for docs and redaction tests). */
export const EVENT_CATALOGUE: { [T in AnyEvent['type']]: CatalogueEntry<Extract<AnyEvent, { type: T }>> } = {
  UserPoolCreated: {
    stream: 'userpool-<poolId>',
    description: 'A user pool was created with its settings.',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      region: 'us-east-1',
      createdAt: '2026-01-01T00:00:00.000Z',
      name: 'shop',
      passwordPolicy: { minimumLength: 8, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 7 },
      usernameCaseSensitive: false,
      autoVerifiedAttributes: ['email'],
    },
  },
  UserSignedUp: {
    stream: 'user-<poolId>-<sub>',
    description: 'A user signed up (self-service).',
    secretFields: ['passwordHash'],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      username: 'alice',
      attributes: { email: 'alice@example.com' },
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      signedUpAt: '2026-01-01T00:00:00.000Z',
    },
  },
  ConfirmationCodeSent: {
    stream: 'user-<poolId>-<sub>',
    description: 'A one-time code was issued and sent; only its keyed hash is kept.',
    secretFields: ['codeHash'],
    example: { purpose: 'SIGN_UP', codeHash: 'q3V2...', expiresAt: '2026-01-02T00:00:00.000Z', medium: 'EMAIL', destination: 'a***@example.com', attribute: 'email' },
  },
  ConfirmationCodeMismatched: {
    stream: 'user-<poolId>-<sub>',
    description: 'A wrong code was presented.',
    secretFields: [],
    example: { purpose: 'SIGN_UP', failedAttempts: 1, at: '2026-01-01T00:05:00.000Z' },
  },
  UserConfirmed: {
    stream: 'user-<poolId>-<sub>',
    description: 'The user confirmed their sign-up; the attribute the code went to is now verified.',
    secretFields: [],
    example: { confirmedAt: '2026-01-01T00:06:00.000Z', verifiedAttribute: 'email' },
  },
  UserPoolClientCreated: {
    stream: 'client-<clientId>',
    description: 'An app client was created; a generated secret is stored encrypted under the master key.',
    secretFields: ['encryptedSecret'],
    example: { clientId: 'abcdefghijklmnopqrstuvwxyz', poolId: 'us-east-1_AbCdEfGhI', encryptedSecret: 'v1.iv.body.tag', createdAt: '2026-01-01T00:00:00.000Z', ...defaultClientSettings('web') },
  },
  UserPoolClientUpdated: {
    stream: 'client-<clientId>',
    description: "An app client's configuration was replaced.",
    secretFields: [],
    example: { updatedAt: '2026-01-01T00:00:00.000Z', ...defaultClientSettings('web') },
  },
  UserPoolClientDeleted: {
    stream: 'client-<clientId>',
    description: 'An app client was deleted.',
    secretFields: [],
    example: { deletedAt: '2026-01-01T00:00:00.000Z' },
  },
  AdminKeyCreated: {
    stream: 'admin-keys',
    description: 'An admin access key was created; its secret is stored encrypted under the master key.',
    secretFields: ['encryptedSecret'],
    example: { accessKeyId: 'AKIAEXAMPLE0000000', encryptedSecret: 'v1.iv.body.tag', label: 'bootstrap', createdAt: '2026-01-01T00:00:00.000Z' },
  },
  AdminKeyRevoked: {
    stream: 'admin-keys',
    description: 'An admin access key was revoked.',
    secretFields: [],
    example: { accessKeyId: 'AKIAEXAMPLE0000000', revokedAt: '2026-01-01T00:00:00.000Z' },
  },
};
