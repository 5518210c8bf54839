/** Why a one-time code was issued. */
export type CodePurpose = 'SIGN_UP' | 'FORGOT_PASSWORD' | 'VERIFY_ATTRIBUTE';
export type ContactAttribute = 'email' | 'phone_number';
export type DeliveryMedium = 'EMAIL' | 'SMS';

/** The SRP verifier of a password (salt and g^x mod N, hex): lets SRP sign-ins check it without the password. */
export interface SrpVerifierData {
  salt: string;
  verifier: string;
}

export type UserSignedUp = {
  type: 'UserSignedUp';
  data: {
    poolId: string;
    sub: string;
    /** As typed by the user; uniqueness uses the pool's normalised form. */
    username: string;
    attributes: Record<string, string>;
    /** argon2id PHC string; never leaves the log (see events/redaction.ts). */
    passwordHash: string;
    /** Absent in events from before SRP (see SrpVerifierAdded). */
    srp?: SrpVerifierData;
    signedUpAt: string;
  };
};

export type ConfirmationCodeSent = {
  type: 'ConfirmationCodeSent';
  data: {
    purpose: CodePurpose;
    /** Keyed hash of the code; the code itself is never stored. */
    codeHash: string;
    expiresAt: string;
    medium: DeliveryMedium;
    /** Masked destination, as Cognito's CodeDeliveryDetails shows it. */
    destination: string;
    /** The attribute the code went to (and, for SIGN_UP / VERIFY_ATTRIBUTE, verifies). */
    attribute: ContactAttribute;
  };
};

export type ConfirmationCodeMismatched = {
  type: 'ConfirmationCodeMismatched';
  /** `attribute` only for VERIFY_ATTRIBUTE codes. */
  data: { purpose: CodePurpose; attribute?: ContactAttribute; failedAttempts: number; at: string };
};

export type UserConfirmed = {
  type: 'UserConfirmed';
  /** `via` ADMIN: AdminConfirmSignUp (nothing verified); PRE_SIGN_UP / USER_MIGRATION: confirmed by a hook at creation. */
  data: { confirmedAt: string; verifiedAttribute?: ContactAttribute; via?: 'CODE' | 'ADMIN' | 'PRE_SIGN_UP' | 'USER_MIGRATION' };
};

/** AdminCreateUser: the user starts with a temporary password (FORCE_CHANGE_PASSWORD). */
export type UserCreatedByAdmin = {
  type: 'UserCreatedByAdmin';
  data: {
    poolId: string;
    sub: string;
    username: string;
    attributes: Record<string, string>;
    /** Hash of the temporary password. */
    passwordHash: string;
    srp?: SrpVerifierData;
    createdAt: string;
  };
};

/**
 * A user import job (CreateUserImportJob) created the user from a row of its file: with a
 * password hash from another system (verified at sign-in, then replaced by argon2id: see
 * PasswordRehashed) the user is CONFIRMED; without one RESET_REQUIRED, as Cognito imports them.
 */
export type UserImported = {
  type: 'UserImported';
  data: {
    poolId: string;
    sub: string;
    username: string;
    attributes: Record<string, string>;
    /** The imported hash as the other system wrote it (bcrypt, scrypt, PBKDF2, argon2); absent: no password. */
    passwordHash?: string;
    /** cognito:mfa_enabled: SMS MFA is on for the user. */
    mfaEnabled?: boolean;
    jobId: string;
    importedAt: string;
  };
};

/** A password sign-in proved an imported (or weaker) hash right: the same password, now hashed with argon2id. */
export type PasswordRehashed = { type: 'PasswordRehashed'; data: { passwordHash: string; srp: SrpVerifierData; at: string } };

/** AdminResetUserPassword: the current password stops working until the user sets a new one with a code. */
export type PasswordResetRequired = { type: 'PasswordResetRequired'; data: { at: string } };

/**
 * Attributes set (or replaced). `pending` values wait for verification (the pool keeps the
 * old value until then: UserAttributeUpdateSettings); `verified` flags are part of `attributes`.
 */
export type UserAttributesUpdated = {
  type: 'UserAttributesUpdated';
  data: { attributes: Record<string, string>; pending?: Partial<Record<ContactAttribute, string>>; at: string };
};

export type UserAttributesDeleted = { type: 'UserAttributesDeleted'; data: { names: string[]; at: string } };

/** A contact attribute was verified with a code (a pending value, if any, takes effect). */
export type UserAttributeVerified = { type: 'UserAttributeVerified'; data: { attribute: ContactAttribute; value: string; at: string } };

/** The user was deleted (by themselves or an admin); the username is free again. */
export type UserDeleted = { type: 'UserDeleted'; data: { at: string; by: 'USER' | 'ADMIN' } };

export type PasswordChanged = {
  type: 'PasswordChanged';
  data: {
    passwordHash: string;
    /** The new password's SRP verifier; absent: the user has none until their next password sign-in. */
    srp?: SrpVerifierData;
    /** CHANGE: by the user with the old password; RESET: with a forgot-password code; ADMIN_SET; NEW_PASSWORD_CHALLENGE. */
    reason: 'CHANGE' | 'RESET' | 'ADMIN_SET' | 'NEW_PASSWORD_CHALLENGE';
    /** false: a temporary password (the user must choose a new one at sign-in). */
    permanent: boolean;
    changedAt: string;
  };
};

/**
 * A password set before SRP existed gets its verifier at the user's next password sign-in (the
 * plaintext is at hand then, and proven right against `passwordHash`).
 */
export type SrpVerifierAdded = { type: 'SrpVerifierAdded'; data: { srp: SrpVerifierData; at: string } };

/** An MFA factor's setting for the user (Cognito's SMSMfaSettings / SoftwareTokenMfaSettings / EmailMfaSettings). */
export interface MfaPreference {
  enabled: boolean;
  preferred: boolean;
}

export type MfaFactor = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP';

/** AssociateSoftwareToken: a TOTP seed waiting for its first code (encrypted under the master key). */
export type SoftwareTokenAssociated = { type: 'SoftwareTokenAssociated'; data: { encryptedSeed: string; at: string } };

/** VerifySoftwareToken with a right code: the pending seed becomes the user's TOTP factor. */
export type SoftwareTokenVerified = { type: 'SoftwareTokenVerified'; data: { friendlyDeviceName?: string; timeStep: number; at: string } };

/** AdminDeleteSoftwareToken: the user's TOTP factor (and a seed still pending) removed, with its MFA setting. */
export type SoftwareTokenDeleted = { type: 'SoftwareTokenDeleted'; data: { at: string } };

/** A TOTP code was accepted at sign-in: its time step cannot be used again. */
export type SoftwareTokenCodeUsed = { type: 'SoftwareTokenCodeUsed'; data: { timeStep: number; at: string } };

/** Set[Admin]UserMFAPreference / Set[Admin]UserSettings: the factors given replace their settings. */
export type MfaPreferencesSet = { type: 'MfaPreferencesSet'; data: { preferences: Partial<Record<MfaFactor, MfaPreference>>; at: string } };

/** Every token issued before `at` is no longer accepted. */
export type UserSignedOutGlobally = { type: 'UserSignedOutGlobally'; data: { at: string } };
export type UserDisabled = { type: 'UserDisabled'; data: { at: string } };
export type UserEnabled = { type: 'UserEnabled'; data: { at: string } };

/**
 * One external identity of a user, as Cognito's `identities` attribute lists it: the IdP's name
 * and type, the user's id there (`userId`: the OIDC `sub`, the SAML NameID, or the value an
 * admin linked), and when it was first seen (epoch milliseconds).
 */
export interface ExternalIdentity {
  providerName: string;
  providerType: string;
  userId: string;
  issuer: string | null;
  primary: boolean;
  dateCreated: number;
  /** Linked by AdminLinkProviderForUser on an IdP attribute other than Cognito_Subject: that attribute's name. */
  attributeName?: string;
}

/** A first sign-in through an external IdP made the user (status EXTERNAL_PROVIDER, no password; username `<ProviderName>_<userId>`). */
export type ExternalUserCreated = {
  type: 'ExternalUserCreated';
  data: { poolId: string; sub: string; username: string; attributes: Record<string, string>; identity: ExternalIdentity; createdAt: string };
};

/** AdminLinkProviderForUser: a later sign-in with this external identity lands on this user. */
export type ExternalIdentityLinked = { type: 'ExternalIdentityLinked'; data: { identity: ExternalIdentity; at: string } };

/** AdminDisableProviderForUser: the external identity no longer signs in as this user. */
export type ExternalIdentityUnlinked = {
  type: 'ExternalIdentityUnlinked';
  data: { providerName: string; userId: string; attributeName?: string; at: string };
};

/**
 * AdminDisableProviderForUser with ProviderName `Cognito` (Cognito_Subject, the username): the
 * user can no longer sign in with a password (USER_PASSWORD_AUTH, SRP, USER_AUTH's PASSWORD
 * factors, the hosted login form); the user stays, and external identities linked to it still sign in.
 */
export type PasswordSignInDisabled = { type: 'PasswordSignInDisabled'; data: { at: string } };

export type UserEvent =
  | UserSignedUp
  | UserCreatedByAdmin
  | UserImported
  | PasswordRehashed
  | PasswordResetRequired
  | UserAttributesUpdated
  | UserAttributesDeleted
  | UserAttributeVerified
  | UserDeleted
  | ConfirmationCodeSent
  | ConfirmationCodeMismatched
  | UserConfirmed
  | PasswordChanged
  | UserSignedOutGlobally
  | UserDisabled
  | UserEnabled
  | SrpVerifierAdded
  | SoftwareTokenAssociated
  | SoftwareTokenVerified
  | SoftwareTokenCodeUsed
  | SoftwareTokenDeleted
  | MfaPreferencesSet
  | ExternalUserCreated
  | ExternalIdentityLinked
  | ExternalIdentityUnlinked
  | PasswordSignInDisabled;

export const userStream = (poolId: string, sub: string) => `user-${poolId}-${sub}`;

/** The sub in a user stream id of `poolId` (as a unique-value holder names it). */
export function subOfUserStream(poolId: string, streamId: string): string {
  const prefix = userStream(poolId, '');
  if (!streamId.startsWith(prefix) || streamId.length === prefix.length) throw new RangeError(`not a user stream of ${poolId}: ${streamId}`);
  return streamId.slice(prefix.length);
}
