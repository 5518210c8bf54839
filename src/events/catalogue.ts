import type { AdminKeyEvent } from '../admin/admin-key.events.js';
import { SIGNING_KEY_CATALOGUE } from '../tokens/signing-key.catalogue.js';
import type { SigningKeyEvent } from '../tokens/signing-key.events.js';
import type { UserPoolEvent } from '../user-pools/user-pool.events.js';
import type { UserEvent } from '../user-pools/user.events.js';
import type { ClientEvent } from '../user-pools/clients/client.events.js';
import { CLIENT_SECRET_CATALOGUE } from '../user-pools/clients/client-secret.catalogue.js';
import { TAG_CATALOGUE } from '../user-pools/tags/tags.catalogue.js';
import type { TagEvent } from '../user-pools/tags/tags.events.js';
import { SESSION_CONFIG_CATALOGUE } from '../user-pools/sessions/session-config.catalogue.js';
import type { SessionConfigEvent } from '../user-pools/sessions/session-config.events.js';
import { TERMS_CATALOGUE } from '../user-pools/terms/terms.catalogue.js';
import type { TermsAccepted, TermsEvent } from '../user-pools/terms/terms.events.js';
import { UI_CUSTOMIZATION_CATALOGUE } from '../user-pools/branding/ui-customization.catalogue.js';
import type { UICustomizationEvent } from '../user-pools/branding/ui-customization.events.js';
import { MANAGED_LOGIN_CATALOGUE } from '../user-pools/branding/managed-login.catalogue.js';
import type { ManagedLoginBrandingEvent } from '../user-pools/branding/managed-login.events.js';
import { IMPORT_CATALOGUE } from '../user-pools/import/import.catalogue.js';
import { LIMITS_CATALOGUE } from '../user-pools/limits/limits.catalogue.js';
import type { LimitsEvent } from '../user-pools/limits/limits.events.js';
import { LOG_DELIVERY_CATALOGUE } from '../user-pools/log-delivery/log-delivery.catalogue.js';
import type { LogDeliveryEvent } from '../user-pools/log-delivery/log-delivery.events.js';
import type { ImportJobsEvent, ImportRowsEvent } from '../user-pools/import/import-job.events.js';
import { USER_POOL_OAUTH_CATALOGUE } from '../user-pools/oauth/oauth.catalogue.js';
import type { UserPoolOAuthEvent } from '../user-pools/oauth/oauth.providers.js';
import { FEDERATED_USER_CATALOGUE, IDENTITY_PROVIDERS_CATALOGUE } from '../user-pools/identity-providers/identity-providers.catalogue.js';
import type { IdentityProviderEvent } from '../user-pools/identity-providers/identity-provider.events.js';
import { IDENTITY_POOLS_CATALOGUE, type IdentityPoolsEvent } from '../identity-pools/identity-pools.catalogue.js';
import { OAUTH_GRANT_CATALOGUE } from '../auth/oauth/oauth-grant.catalogue.js';
import type { OAuthGrantEvent } from '../auth/oauth/oauth-grant.events.js';
import type { AuthLogEvent } from '../auth/auth-log.events.js';
import { RISK_CATALOGUE } from '../user-pools/risk/risk.catalogue.js';
import type { RiskEvent } from '../user-pools/risk/risk.events.js';
import { FEEDBACK_CATALOGUE } from '../auth/risk/feedback.catalogue.js';
import type { AuthEventFeedbackRecorded } from '../auth/risk/feedback.events.js';
import { CUSTOM_AUTH_CATALOGUE } from '../auth/custom-auth.catalogue.js';
import { ERASURE_CATALOGUE } from '../history/erasure/erasure.catalogue.js';
import type { ErasureEvent } from '../history/erasure/erasure.events.js';
import type { CustomAuthEvent } from '../auth/custom-auth.events.js';
import type { DeviceEvent } from '../auth/devices/device.events.js';
import { PASSKEY_CATALOGUE } from '../auth/webauthn/passkey.catalogue.js';
import type { PasskeyEvent } from '../auth/webauthn/passkey.events.js';
import { SAML_CATALOGUE } from '../auth/federation/saml/saml.catalogue.js';
import type { SamlEvent } from '../auth/federation/saml/saml.events.js';
import type { RefreshTokenEvent } from '../auth/refresh-token.events.js';
import { defaultClientSettings } from '../user-pools/clients/client-defaults.js';
import type { GroupEvent } from '../user-pools/groups/group.events.js';
import type { MembershipEvent } from '../user-pools/groups/membership.events.js';
import type { TriggerLogEvent } from '../triggers/trigger-log.events.js';
import type { CatalogueEntry } from './catalogue-entry.js';

export type { CatalogueEntry };

export type AnyEvent =
  | UserPoolEvent
  | UserEvent
  | AdminKeyEvent
  | ClientEvent
  | SigningKeyEvent
  | AuthLogEvent
  | RefreshTokenEvent
  | GroupEvent
  | MembershipEvent
  | TriggerLogEvent
  | TagEvent
  | SessionConfigEvent
  | TermsEvent
  | TermsAccepted
  | UICustomizationEvent
  | ManagedLoginBrandingEvent
  | ImportJobsEvent
  | ImportRowsEvent
  | LimitsEvent
  | LogDeliveryEvent
  | UserPoolOAuthEvent
  | IdentityProviderEvent
  | IdentityPoolsEvent
  | OAuthGrantEvent
  | RiskEvent
  | AuthEventFeedbackRecorded
  | CustomAuthEvent
  | ErasureEvent
  | DeviceEvent
  | PasskeyEvent
  | SamlEvent;

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
      passwordPolicy: {
        minimumLength: 8,
        requireUppercase: true,
        requireLowercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 7,
        passwordHistorySize: 0,
      },
      usernameCaseSensitive: false,
      autoVerifiedAttributes: ['email'],
      deletionProtection: 'ACTIVE',
      accountRecovery: [{ name: 'verified_email', priority: 1 }],
      attributesRequireVerificationBeforeUpdate: ['email'],
      allowAdminCreateUserOnly: false,
      usernameAttributes: [],
      aliasAttributes: ['email'],
      schema: [
        { name: 'email', dataType: 'String', mutable: true, required: true, minLength: 0, maxLength: 2048 },
        { name: 'custom:tier', dataType: 'String', mutable: true, required: false, maxLength: 16 },
      ],
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
    example: {
      purpose: 'SIGN_UP',
      codeHash: 'q3V2...',
      expiresAt: '2026-01-02T00:00:00.000Z',
      medium: 'EMAIL',
      destination: 'a***@example.com',
      attribute: 'email',
    },
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
  UserCreatedByAdmin: {
    stream: 'user-<poolId>-<sub>',
    description: 'An admin created the user with a temporary password (status FORCE_CHANGE_PASSWORD).',
    secretFields: ['passwordHash'],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      username: 'bob',
      attributes: { email: 'bob@example.com' },
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
  PasswordResetRequired: {
    stream: 'user-<poolId>-<sub>',
    description: "An admin reset the user's password: it no longer works until the user sets a new one with a code.",
    secretFields: [],
    example: { at: '2026-01-01T00:00:00.000Z' },
  },
  UserAttributesUpdated: {
    stream: 'user-<poolId>-<sub>',
    description: 'Attributes were set; `pending` contact values wait for verification before they replace the old ones.',
    secretFields: [],
    example: { attributes: { name: 'Alice', email_verified: 'false' }, pending: { email: 'new@example.com' }, at: '2026-01-01T00:00:00.000Z' },
  },
  UserAttributesDeleted: {
    stream: 'user-<poolId>-<sub>',
    description: 'Attributes were removed.',
    secretFields: [],
    example: { names: ['nickname'], at: '2026-01-01T00:00:00.000Z' },
  },
  UserAttributeVerified: {
    stream: 'user-<poolId>-<sub>',
    description: 'A contact attribute was verified with a code; a pending value takes effect.',
    secretFields: [],
    example: { attribute: 'email', value: 'new@example.com', at: '2026-01-01T00:00:00.000Z' },
  },
  UserDeleted: {
    stream: 'user-<poolId>-<sub>',
    description: 'The user was deleted; the username (and aliases) are free again.',
    secretFields: [],
    example: { at: '2026-01-01T00:00:00.000Z', by: 'ADMIN' },
  },
  UserSignedOutGlobally: {
    stream: 'user-<poolId>-<sub>',
    description: 'Every token issued to the user before this instant is rejected from now on.',
    secretFields: [],
    example: { at: '2026-01-01T00:00:00.000Z' },
  },
  UserDisabled: { stream: 'user-<poolId>-<sub>', description: 'An admin disabled the user.', secretFields: [], example: { at: '2026-01-01T00:00:00.000Z' } },
  UserEnabled: {
    stream: 'user-<poolId>-<sub>',
    description: 'An admin enabled the user again.',
    secretFields: [],
    example: { at: '2026-01-01T00:00:00.000Z' },
  },
  UserPoolClientCreated: {
    stream: 'client-<clientId>',
    description: 'An app client was created; a generated secret is stored encrypted under the master key.',
    secretFields: ['encryptedSecret'],
    example: {
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      poolId: 'us-east-1_AbCdEfGhI',
      encryptedSecret: 'v1.iv.body.tag',
      createdAt: '2026-01-01T00:00:00.000Z',
      ...defaultClientSettings('web'),
    },
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
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      flow: 'USER_PASSWORD_AUTH',
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  SignInFailed: {
    stream: 'authlog-<poolId>-<sub> (authlog-<poolId>-unknown for unknown users)',
    description: 'A sign-in failed, with the reason (metadata: client IP and user agent).',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      flow: 'USER_PASSWORD_AUTH',
      reason: 'WRONG_PASSWORD',
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  RefreshTokenIssued: {
    stream: 'refresh-<familyId>',
    description: 'A sign-in issued a refresh token (only its keyed hash is kept).',
    secretFields: ['refreshTokenHash'],
    example: {
      familyId: '0f0e0d0c-0b0a-4090-8070-605040302010',
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      refreshTokenHash: 'h',
      authTime: '2026-01-01T00:00:00.000Z',
      issuedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-31T00:00:00.000Z',
    },
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
  ...CLIENT_SECRET_CATALOGUE,
  ...TAG_CATALOGUE,
  ...SESSION_CONFIG_CATALOGUE,
  ...TERMS_CATALOGUE,
  ...UI_CUSTOMIZATION_CATALOGUE,
  ...MANAGED_LOGIN_CATALOGUE,
  ...IMPORT_CATALOGUE,
  ...LIMITS_CATALOGUE,
  ...LOG_DELIVERY_CATALOGUE,
  ...USER_POOL_OAUTH_CATALOGUE,
  ...IDENTITY_PROVIDERS_CATALOGUE,
  ...FEDERATED_USER_CATALOGUE,
  ...IDENTITY_POOLS_CATALOGUE,
  ...OAUTH_GRANT_CATALOGUE,
  ...RISK_CATALOGUE,
  ...FEEDBACK_CATALOGUE,
  ...CUSTOM_AUTH_CATALOGUE,
  ...ERASURE_CATALOGUE,
  ...PASSKEY_CATALOGUE,
  ...SAML_CATALOGUE,
  GroupCreated: {
    stream: 'group-<poolId>-<groupName>',
    description: 'A group was created in a user pool (the stream makes its name unique in the pool).',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      groupName: 'admins',
      description: 'Administrators',
      precedence: 1,
      roleArn: 'arn:aws:iam::123456789012:role/admins',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
  GroupUpdated: {
    stream: 'group-<poolId>-<groupName>',
    description: "A group's settings changed; only the changed settings are listed.",
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', groupName: 'admins', precedence: 0, updatedAt: '2026-01-02T00:00:00.000Z' },
  },
  GroupDeleted: {
    stream: 'group-<poolId>-<groupName>',
    description: 'A group was deleted; its memberships end with it (a later group of the same name starts empty).',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', groupName: 'admins', deletedAt: '2026-01-03T00:00:00.000Z' },
  },
  UserAddedToGroup: {
    stream: 'groups-<poolId>-<sub>',
    description: 'A user was added to a group; groupCreatedAt names the group it joined, so the membership ends if that group is deleted.',
    secretFields: [],
    example: { groupName: 'admins', groupCreatedAt: '2026-01-01T00:00:00.000Z', at: '2026-01-01T00:10:00.000Z' },
  },
  UserRemovedFromGroup: {
    stream: 'groups-<poolId>-<sub>',
    description: 'A user was removed from a group.',
    secretFields: [],
    example: { groupName: 'admins', at: '2026-01-02T00:10:00.000Z' },
  },
  SoftwareTokenAssociated: {
    stream: 'user-<poolId>-<sub>',
    description: 'AssociateSoftwareToken: a TOTP seed (encrypted under the master key) waits for its first code.',
    secretFields: ['encryptedSeed'],
    example: { encryptedSeed: 'v1.iv.body.tag', at: '2026-01-01T00:00:00.000Z' },
  },
  SoftwareTokenVerified: {
    stream: 'user-<poolId>-<sub>',
    description: "VerifySoftwareToken with a right code: the pending seed is the user's TOTP factor.",
    secretFields: [],
    example: { friendlyDeviceName: 'phone', timeStep: 59874939, at: '2026-01-01T00:00:30.000Z' },
  },
  SoftwareTokenCodeUsed: {
    stream: 'user-<poolId>-<sub>',
    description: 'A TOTP code was accepted at sign-in; its time step cannot be used again.',
    secretFields: [],
    example: { timeStep: 59874940, at: '2026-01-01T00:01:00.000Z' },
  },
  SoftwareTokenDeleted: {
    stream: 'user-<poolId>-<sub>',
    description: "The user's TOTP factor (and any seed still pending) was removed by an administrator (AdminDeleteSoftwareToken), with its MFA setting.",
    secretFields: [],
    example: { at: '2026-01-02T00:00:00.000Z' },
  },
  MfaPreferencesSet: {
    stream: 'user-<poolId>-<sub>',
    description: "The user's MFA factor settings (enabled, preferred) for the factors given.",
    secretFields: [],
    example: { preferences: { SOFTWARE_TOKEN_MFA: { enabled: true, preferred: true } }, at: '2026-01-01T00:02:00.000Z' },
  },
  SrpVerifierAdded: {
    stream: 'user-<poolId>-<sub>',
    description: "A password set before SRP got its SRP verifier at the user's next password sign-in.",
    secretFields: ['srp'],
    example: { srp: { salt: '5f1c2e', verifier: 'a3b9' }, at: '2026-01-01T00:00:00.000Z' },
  },
  TriggerAttempted: {
    stream: 'triggerlog-<poolId>',
    description: 'One attempt to reach a hook the pool configures (LambdaConfig), with its transport, duration and outcome.',
    secretFields: [],
    example: {
      kind: 'PreSignUp',
      triggerSource: 'PreSignUp_SignUp',
      functionName: 'pre-sign-up',
      transport: 'webhook',
      attempt: 1,
      outcome: 'succeeded',
      ms: 42,
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  UserPoolUpdated: {
    stream: 'userpool-<poolId>',
    description: "A pool's mutable settings were replaced as a whole (UpdateUserPool; members left out took their defaults).",
    secretFields: [],
    example: {
      name: 'shop',
      passwordPolicy: {
        minimumLength: 10,
        requireUppercase: true,
        requireLowercase: true,
        requireNumbers: true,
        requireSymbols: false,
        temporaryPasswordValidityDays: 7,
        passwordHistorySize: 5,
      },
      autoVerifiedAttributes: ['email'],
      deletionProtection: 'INACTIVE',
      attributesRequireVerificationBeforeUpdate: [],
      allowAdminCreateUserOnly: false,
      updatedAt: '2026-01-02T00:00:00.000Z',
    },
  },
  CustomAttributesAdded: {
    stream: 'userpool-<poolId>',
    description: 'Custom attributes were added to the pool schema (they can never be removed).',
    secretFields: [],
    example: {
      attributes: [{ name: 'custom:age', dataType: 'Number', mutable: true, required: false, minValue: 0, maxValue: 150 }],
      addedAt: '2026-01-02T00:00:00.000Z',
    },
  },
  DeviceConfirmed: {
    stream: 'devices-<poolId>-<sub>',
    description: "ConfirmDevice: a device key handed out at sign-in became the user's device, with the SRP verifier of the device's own secret.",
    secretFields: ['srp'],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '8f0c6a9e-3d2b-4a1c-9e8f-7b6a5c4d3e2f',
      deviceKey: 'us-east-1_4b1e5c2a-6f3d-4e8a-9b7c-1d2e3f4a5b6c',
      deviceGroupKey: '-AbCdEfGh1',
      srp: { salt: '5f1c2e', verifier: 'a3b9' },
      deviceName: 'Firefox on Linux',
      remembered: true,
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  DeviceStatusUpdated: {
    stream: 'devices-<poolId>-<sub>',
    description: 'UpdateDeviceStatus: the device is remembered (it may stand in for MFA) or not.',
    secretFields: [],
    example: { deviceKey: 'us-east-1_4b1e5c2a-6f3d-4e8a-9b7c-1d2e3f4a5b6c', remembered: false, at: '2026-01-02T00:00:00.000Z' },
  },
  DeviceAuthenticated: {
    stream: 'devices-<poolId>-<sub>',
    description: 'The device proved its secret in a sign-in (DEVICE_PASSWORD_VERIFIER).',
    secretFields: [],
    example: { deviceKey: 'us-east-1_4b1e5c2a-6f3d-4e8a-9b7c-1d2e3f4a5b6c', ip: '203.0.113.7', at: '2026-01-03T00:00:00.000Z' },
  },
  DeviceForgotten: {
    stream: 'devices-<poolId>-<sub>',
    description: 'ForgetDevice: the device key no longer signs in.',
    secretFields: [],
    example: { deviceKey: 'us-east-1_4b1e5c2a-6f3d-4e8a-9b7c-1d2e3f4a5b6c', at: '2026-01-04T00:00:00.000Z' },
  },
  UserPoolMfaConfigSet: {
    stream: 'userpool-<poolId>',
    description: 'SetUserPoolMfaConfig: MFA off, on or optional, and the second factors the pool offers (a full replacement).',
    secretFields: [],
    example: {
      mfaConfiguration: 'OPTIONAL',
      factors: {
        sms: { smsAuthenticationMessage: 'Your code is {####}' },
        softwareToken: true,
        email: { subject: 'Your code' },
        webAuthn: { userVerification: 'preferred', factorConfiguration: 'SINGLE_FACTOR' },
      },
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  UserPoolDeleted: {
    stream: 'userpool-<poolId>',
    description: 'The pool was deleted: every API answers ResourceNotFoundException for it from now on.',
    secretFields: [],
    example: { deletedAt: '2026-01-03T00:00:00.000Z' },
  },
};
