import type { MfaConfiguration, PoolMfaFactors } from '../../user-pools/user-pool.events.js';
import type { MfaFactor, MfaPreference } from '../../user-pools/user.events.js';

/** Cognito's order when it lists factors (MFAS_CAN_CHOOSE, MFAS_CAN_SETUP). */
const ORDER: readonly MfaFactor[] = ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'];

/** What the second-factor decision looks at: the pool's settings and the user's factors. */
export interface SecondFactorFacts {
  mfaConfiguration: MfaConfiguration;
  factors: PoolMfaFactors;
  preferences: Partial<Record<MfaFactor, MfaPreference>>;
  /** A verified TOTP authenticator. */
  hasTotp: boolean;
  hasPhone: boolean;
  hasEmail: boolean;
}

export type SecondFactor =
  | { kind: 'none' }
  | { kind: 'challenge'; factor: MfaFactor }
  | { kind: 'select'; choices: MfaFactor[] }
  /** MFA_SETUP: MFA is required and the user has no factor; the pool's factors are listed. */
  | { kind: 'setup'; canSetUp: MfaFactor[] };

const offered = (f: PoolMfaFactors, factor: MfaFactor) =>
  factor === 'SMS_MFA' ? f.sms !== undefined : factor === 'SOFTWARE_TOKEN_MFA' ? f.softwareToken : f.email !== undefined;

/**
 * Which second factor a sign-in needs once its first factor passed, as Cognito decides it:
 * MFA off, none. Otherwise the user's enabled factors that the pool offers (and that the user
 * can receive): the preferred one, the only one, or a choice (SELECT_MFA_TYPE). A user with none
 * passes when MFA is optional; when it is required, a phone number or an email address the pool
 * can send codes to is used (a choice if both), else the user sets TOTP up (MFA_SETUP).
 */
export function decideSecondFactor(f: SecondFactorFacts): SecondFactor {
  if (f.mfaConfiguration === 'OFF') return { kind: 'none' };
  const usable = (factor: MfaFactor) => offered(f.factors, factor) && (factor === 'SMS_MFA' ? f.hasPhone : factor === 'EMAIL_OTP' ? f.hasEmail : f.hasTotp);
  const enabled = ORDER.filter((factor) => f.preferences[factor]?.enabled && usable(factor));
  const preferred = enabled.find((factor) => f.preferences[factor]?.preferred);
  if (preferred) return { kind: 'challenge', factor: preferred };
  if (enabled.length === 1) return { kind: 'challenge', factor: enabled[0] };
  if (enabled.length > 1) return { kind: 'select', choices: enabled };
  if (f.mfaConfiguration === 'OPTIONAL') return { kind: 'none' };
  const byMessage = ORDER.filter((factor) => factor !== 'SOFTWARE_TOKEN_MFA' && usable(factor));
  if (byMessage.length === 1) return { kind: 'challenge', factor: byMessage[0] };
  if (byMessage.length > 1) return { kind: 'select', choices: byMessage };
  return { kind: 'setup', canSetUp: ORDER.filter((factor) => offered(f.factors, factor)) };
}

/** Where a sign-in is: what it has proven, and whether the device it named is to be proven too. */
export interface SignInStage {
  secondFactor: SecondFactor;
  /** A second factor has been passed already. */
  mfaDone: boolean;
  /** The sign-in named a confirmed device (DEVICE_KEY) that has not proven itself yet. */
  devicePending: boolean;
  /** The device named (proven or about to be) is remembered and the pool lets remembered devices stand in for MFA (ChallengeRequiredOnNewDevice). */
  deviceSkipsMfa: boolean;
}

export type NextStep = { kind: 'tokens' } | { kind: 'device' } | Exclude<SecondFactor, { kind: 'none' }>;

/**
 * The next step of a sign-in whose first factor passed: the second factor (unless passed, or a
 * remembered device stands in for it), then the device's proof when it named one, then tokens.
 */
export function nextStep(stage: SignInStage): NextStep {
  if (!stage.mfaDone && !stage.deviceSkipsMfa && stage.secondFactor.kind !== 'none') return stage.secondFactor;
  if (stage.devicePending) return { kind: 'device' };
  return { kind: 'tokens' };
}
