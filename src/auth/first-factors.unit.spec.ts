import { availableChallenges, configuredFactors, type FirstFactorFacts, firstStep } from './first-factors.js';

const everything: FirstFactorFacts = {
  allowed: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'],
  mfaConfiguration: 'OFF',
  webAuthn: { factorConfiguration: 'SINGLE_FACTOR' },
  hasPassword: true,
  emailVerified: true,
  phoneVerified: true,
  passkeys: 1,
};

describe('USER_AUTH first factors', () => {
  test('a password counts as PASSWORD and PASSWORD_SRP; each other factor needs what it uses', () => {
    expect(availableChallenges(everything)).toEqual(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN']);
    expect(availableChallenges({ ...everything, emailVerified: false, passkeys: 0 })).toEqual(['PASSWORD', 'PASSWORD_SRP', 'SMS_OTP']);
    expect(availableChallenges({ ...everything, hasPassword: false, phoneVerified: false })).toEqual(['EMAIL_OTP', 'WEB_AUTHN']);
  });

  test('only what the pool allows is offered (PASSWORD alone by default)', () => {
    expect(availableChallenges({ ...everything, allowed: ['PASSWORD'] })).toEqual(['PASSWORD', 'PASSWORD_SRP']);
    expect(availableChallenges({ ...everything, allowed: ['PASSWORD', 'WEB_AUTHN'] })).toEqual(['PASSWORD', 'PASSWORD_SRP', 'WEB_AUTHN']);
    expect(configuredFactors({ ...everything, allowed: ['PASSWORD', 'SMS_OTP'] })).toEqual(['PASSWORD', 'SMS_OTP']);
  });

  test('a pool that requires MFA offers no one-time code alone, and a passkey only as multi-factor with user verification', () => {
    expect(availableChallenges({ ...everything, mfaConfiguration: 'ON' })).toEqual(['PASSWORD', 'PASSWORD_SRP']);
    expect(availableChallenges({ ...everything, mfaConfiguration: 'ON', webAuthn: { factorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION' } })).toEqual([
      'PASSWORD',
      'PASSWORD_SRP',
      'WEB_AUTHN',
    ]);
    expect(availableChallenges({ ...everything, mfaConfiguration: 'OPTIONAL' })).toHaveLength(5);
    // GetUserAuthFactors says what the user is set up for, whatever MFA asks.
    expect(configuredFactors({ ...everything, mfaConfiguration: 'ON' })).toEqual(['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN']);
  });

  test('the preferred challenge starts when available; otherwise (or without one) the user selects', () => {
    const offered = availableChallenges({ ...everything, passkeys: 0 });
    expect(firstStep('SMS_OTP', offered)).toEqual({ kind: 'start', challenge: 'SMS_OTP' });
    expect(firstStep('WEB_AUTHN', offered)).toEqual({ kind: 'select', choices: offered });
    expect(firstStep(undefined, offered)).toEqual({ kind: 'select', choices: offered });
    expect(firstStep('SOFTWARE_TOKEN_MFA', offered)).toEqual({ kind: 'select', choices: offered });
    expect(firstStep(undefined, [])).toEqual({ kind: 'select', choices: [] });
  });
});
