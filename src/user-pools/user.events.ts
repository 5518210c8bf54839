/** Why a one-time code was issued. */
export type CodePurpose = 'SIGN_UP';
export type DeliveryMedium = 'EMAIL' | 'SMS';

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
    /** The attribute the code verifies. */
    attribute: 'email' | 'phone_number';
  };
};

export type ConfirmationCodeMismatched = {
  type: 'ConfirmationCodeMismatched';
  data: { purpose: CodePurpose; failedAttempts: number; at: string };
};

export type UserConfirmed = {
  type: 'UserConfirmed';
  data: { confirmedAt: string; verifiedAttribute?: 'email' | 'phone_number' };
};

export type PasswordChanged = {
  type: 'PasswordChanged';
  data: {
    passwordHash: string;
    /** CHANGE: by the user with the old password; RESET: with a forgot-password code; ADMIN_SET; NEW_PASSWORD_CHALLENGE. */
    reason: 'CHANGE' | 'RESET' | 'ADMIN_SET' | 'NEW_PASSWORD_CHALLENGE';
    /** false: a temporary password (the user must choose a new one at sign-in). */
    permanent: boolean;
    changedAt: string;
  };
};

/** Every token issued before `at` is no longer accepted. */
export type UserSignedOutGlobally = { type: 'UserSignedOutGlobally'; data: { at: string } };
export type UserDisabled = { type: 'UserDisabled'; data: { at: string } };
export type UserEnabled = { type: 'UserEnabled'; data: { at: string } };

export type UserEvent =
  | UserSignedUp
  | ConfirmationCodeSent
  | ConfirmationCodeMismatched
  | UserConfirmed
  | PasswordChanged
  | UserSignedOutGlobally
  | UserDisabled
  | UserEnabled;

export const userStream = (poolId: string, sub: string) => `user-${poolId}-${sub}`;
