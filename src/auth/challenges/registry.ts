import type { ChallengeHandler } from '../flows/flow.js';
import { devicePasswordVerifier, deviceSrpAuth } from './device-srp.challenge.js';
import { emailOtp, smsMfa, smsOtp, softwareTokenMfa } from './mfa-code.challenge.js';
import { customChallenge } from './custom-challenge.challenge.js';
import { mfaSetup } from './mfa-setup.challenge.js';
import { newPasswordRequired } from './new-password.challenge.js';
import { selectMfaType } from './select-mfa-type.challenge.js';
import { passwordVerifier } from './password-verifier.challenge.js';
import { selectChallenge } from './select-challenge.challenge.js';
import { webAuthn } from '../webauthn/webauthn-sign-in.js';

/**
 * The challenge registry: ChallengeName → handler, for RespondToAuthChallenge and
 * AdminRespondToAuthChallenge. A name Cognito knows but this service does not answer yet is absent.
 */
export const CHALLENGES: Readonly<Record<string, ChallengeHandler>> = {
  NEW_PASSWORD_REQUIRED: newPasswordRequired,
  PASSWORD_VERIFIER: passwordVerifier,
  SMS_MFA: smsMfa,
  SOFTWARE_TOKEN_MFA: softwareTokenMfa,
  EMAIL_OTP: emailOtp,
  SELECT_MFA_TYPE: selectMfaType,
  MFA_SETUP: mfaSetup,
  DEVICE_SRP_AUTH: deviceSrpAuth,
  DEVICE_PASSWORD_VERIFIER: devicePasswordVerifier,
  SELECT_CHALLENGE: selectChallenge,
  SMS_OTP: smsOtp,
  WEB_AUTHN: webAuthn,
  CUSTOM_CHALLENGE: customChallenge,
};

/** Every ChallengeName Cognito's API defines (ChallengeNameType). */
export const COGNITO_CHALLENGES = [
  'SMS_MFA',
  'EMAIL_OTP',
  'SOFTWARE_TOKEN_MFA',
  'SELECT_MFA_TYPE',
  'MFA_SETUP',
  'PASSWORD_VERIFIER',
  'CUSTOM_CHALLENGE',
  'SELECT_CHALLENGE',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
  'NEW_PASSWORD_REQUIRED',
  'SMS_OTP',
  'PASSWORD',
  'WEB_AUTHN',
  'PASSWORD_SRP',
] as const;
