import type { MfaFactor } from '../../user-pools/user.events.js';
import type { RiskProgress } from '../risk/sign-in-risk.js';

/** A factor a sign-in has passed (the log names them; the tokens' `amr` says them in RFC 8176's words). */
export type PassedFactor = 'PASSWORD' | MfaFactor | 'DEVICE' | 'WEB_AUTHN' | 'EMAIL_OTP_FIRST' | 'SMS_OTP';

/**
 * What a sign-in has proven so far, sealed in its challenge's Session between steps (never in
 * clear, never stored): the sign-in's id (its refresh family's, so the answer that ends it counts
 * once), the factors passed, the device it named, and what the next answer is checked against.
 */
export interface SignInProgress {
  id: string;
  passed: PassedFactor[];
  /** A confirmed device named with DEVICE_KEY, to be proven before tokens. */
  deviceKey?: string;
  /** The sign-in code sent (SMS_MFA, EMAIL_OTP, or a passwordless first factor): its keyed hash and expiry (epoch ms). */
  code?: { hash: string; exp: number };
  /** SELECT_MFA_TYPE / SELECT_CHALLENGE: what the user may choose. */
  choices?: string[];
  /** WEB_AUTHN: the assertion challenge handed out (base64url), checked against the client data. */
  webAuthnChallenge?: string;
  /** Threat protection's assessment, written with the sign-in's log entry (and the MFA it asks for). */
  risk?: RiskProgress;
}

const AMR: Record<PassedFactor, string> = {
  PASSWORD: 'pwd',
  SOFTWARE_TOKEN_MFA: 'otp',
  SMS_MFA: 'sms',
  EMAIL_OTP: 'email',
  EMAIL_OTP_FIRST: 'email',
  SMS_OTP: 'sms',
  DEVICE: 'swk',
  WEB_AUTHN: 'hwk',
};

/** RFC 8176 values (plus `email`) for the factors passed, and `mfa` when there were two or more. */
export function amrOf(passed: readonly PassedFactor[]): string[] {
  const values = [...new Set(passed.map((f) => AMR[f]))];
  return values.length > 1 ? [...values, 'mfa'] : values;
}

export const MFA_FACTORS: readonly MfaFactor[] = ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'];
/**
 * Factors after which no second factor is asked for: an MFA factor, or a passwordless first
 * factor of USER_AUTH (offered only where a second factor is not required, see first-factors.ts).
 */
const ENOUGH: readonly PassedFactor[] = [...MFA_FACTORS, 'EMAIL_OTP_FIRST', 'SMS_OTP', 'WEB_AUTHN'];
export const passedMfa = (p: SignInProgress) => p.passed.some((f) => ENOUGH.includes(f));
