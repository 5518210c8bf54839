import type { AdminKeyEvent } from '../admin/admin-key.events.js';
import { SIGNING_KEY_CATALOGUE } from '../tokens/signing-key.catalogue.js';
import type { SigningKeyEvent } from '../tokens/signing-key.events.js';
import type { UserPoolEvent } from '../user-pools/user-pool.events.js';
import type { UserEvent } from '../user-pools/user.events.js';
import type { ClientEvent } from '../user-pools/clients/client.events.js';
import type { AuthLogEvent } from '../auth/auth-log.events.js';
import type { RefreshTokenEvent } from '../auth/refresh-token.events.js';
import { defaultClientSettings } from '../user-pools/clients/client-defaults.js';

export type AnyEvent = UserPoolEvent | UserEvent | AdminKeyEvent | ClientEvent | SigningKeyEvent | AuthLogEvent | RefreshTokenEvent;

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
  PasswordChanged: {
    stream: 'user-<poolId>-<sub>',
    description: "The user's password changed (by the user, a reset code, an admin, or the new-password challenge).",
    secretFields: ['passwordHash'],
    example: { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', reason: 'CHANGE', permanent: true, changedAt: '2026-01-01T00:00:00.000Z' },
  },
  UserSignedOutGlobally: {
    stream: 'user-<poolId>-<sub>',
    description: 'Every token issued to the user before this instant is rejected from now on.',
    secretFields: [],
    example: { at: '2026-01-01T00:00:00.000Z' },
  },
  UserDisabled: { stream: 'user-<poolId>-<sub>', description: 'An admin disabled the user.', secretFields: [], example: { at: '2026-01-01T00:00:00.000Z' } },
  UserEnabled: { stream: 'user-<poolId>-<sub>', description: 'An admin enabled the user again.', secretFields: [], example: { at: '2026-01-01T00:00:00.000Z' } },
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
  SignInSucceeded: {
    stream: 'authlog-<poolId>-<sub>',
    description: 'A sign-in succeeded (metadata: client IP and user agent).',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a', clientId: 'abcdefghijklmnopqrstuvwxyz', flow: 'USER_PASSWORD_AUTH', at: '2026-01-01T00:00:00.000Z' },
  },
  SignInFailed: {
    stream: 'authlog-<poolId>-<sub> (authlog-<poolId>-unknown for unknown users)',
    description: 'A sign-in failed, with the reason (metadata: client IP and user agent).',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a', clientId: 'abcdefghijklmnopqrstuvwxyz', flow: 'USER_PASSWORD_AUTH', reason: 'WRONG_PASSWORD', at: '2026-01-01T00:00:00.000Z' },
  },
  RefreshTokenIssued: {
    stream: 'refresh-<familyId>',
    description: 'A sign-in issued a refresh token (only its keyed hash is kept).',
    secretFields: ['refreshTokenHash'],
    example: { familyId: '0f0e0d0c-0b0a-4090-8070-605040302010', poolId: 'us-east-1_AbCdEfGhI', sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a', clientId: 'abcdefghijklmnopqrstuvwxyz', refreshTokenHash: 'h', authTime: '2026-01-01T00:00:00.000Z', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-31T00:00:00.000Z' },
  },
  RefreshTokenRotated: {
    stream: 'refresh-<familyId>',
    description: 'A refresh token was used and replaced by a new one (rotation).',
    secretFields: ['refreshTokenHash', 'previousTokenHash'],
    example: { refreshTokenHash: 'h2', previousTokenHash: 'h1', at: '2026-01-02T00:00:00.000Z' },
  },
  RefreshTokenFamilyRevoked: {
    stream: 'refresh-<familyId>',
    description: 'Every token of one sign-in was revoked (RevokeToken, or reuse of a rotated token).',
    secretFields: [],
    example: { reason: 'REUSE_DETECTED', at: '2026-01-02T00:00:00.000Z' },
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
  ...SIGNING_KEY_CATALOGUE,
};
