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

export type UserEvent = UserSignedUp | ConfirmationCodeSent | ConfirmationCodeMismatched | UserConfirmed;

export const userStream = (poolId: string, sub: string) => `user-${poolId}-${sub}`;
