import type { FirstAuthFactor, MfaConfiguration, WebAuthnSettings } from '../user-pools/user-pool.events.js';

/** A challenge that starts a USER_AUTH sign-in (what SELECT_CHALLENGE offers in AvailableChallenges). */
export type FirstChallenge = 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN';

/** The order AvailableChallenges lists them in. */
const ORDER: readonly FirstChallenge[] = ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'];

/** What the choice depends on: the pool's policy and MFA setting, and what the user has. */
export interface FirstFactorFacts {
  allowed: readonly FirstAuthFactor[];
  mfaConfiguration: MfaConfiguration;
  webAuthn: Pick<WebAuthnSettings, 'factorConfiguration'>;
  hasPassword: boolean;
  emailVerified: boolean;
  phoneVerified: boolean;
  passkeys: number;
}

/**
 * The factors a user is set up for, in the pool's policy (GetUserAuthFactors'
 * ConfiguredUserAuthFactors): a password, a verified email address or phone number, a passkey.
 */
export function configuredFactors(f: FirstFactorFacts): FirstAuthFactor[] {
  const has: Record<FirstAuthFactor, boolean> = {
    PASSWORD: f.hasPassword,
    EMAIL_OTP: f.emailVerified,
    SMS_OTP: f.phoneVerified,
    WEB_AUTHN: f.passkeys > 0,
  };
  return (['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'] as const).filter((factor) => f.allowed.includes(factor) && has[factor]);
}

/**
 * The challenges a USER_AUTH sign-in may start with. A password counts twice (in clear or over
 * SRP). When the pool requires MFA, a one-time code alone is not enough to sign in, so EMAIL_OTP
 * and SMS_OTP are not offered, and a passkey only when the pool counts a user-verified passkey as
 * multi-factor (WebAuthnConfiguration.FactorConfiguration).
 */
export function availableChallenges(f: FirstFactorFacts): FirstChallenge[] {
  const configured = configuredFactors(f);
  const mfaRequired = f.mfaConfiguration === 'ON';
  const offered = new Set<FirstChallenge>();
  for (const factor of configured) {
    if (factor === 'PASSWORD') {
      offered.add('PASSWORD');
      offered.add('PASSWORD_SRP');
    } else if (factor === 'WEB_AUTHN') {
      if (!mfaRequired || f.webAuthn.factorConfiguration === 'MULTI_FACTOR_WITH_USER_VERIFICATION') offered.add('WEB_AUTHN');
    } else if (!mfaRequired) offered.add(factor);
  }
  return ORDER.filter((c) => offered.has(c));
}

/** What InitiateAuth with USER_AUTH does: start the preferred challenge when it is available, or let the user choose. */
export type FirstStep = { kind: 'start'; challenge: FirstChallenge } | { kind: 'select'; choices: FirstChallenge[] };

export function firstStep(preferred: string | undefined, available: readonly FirstChallenge[]): FirstStep {
  const match = available.find((c) => c === preferred);
  return match ? { kind: 'start', challenge: match } : { kind: 'select', choices: [...available] };
}
