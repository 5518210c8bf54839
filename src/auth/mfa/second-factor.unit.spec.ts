import type { PoolMfaFactors } from '../../user-pools/user-pool.events.js';
import { decideSecondFactor, nextStep, type SecondFactorFacts } from './second-factor.js';

const ALL: PoolMfaFactors = { sms: {}, softwareToken: true, email: {}, webAuthn: { userVerification: 'preferred', factorConfiguration: 'SINGLE_FACTOR' } };
const facts = (over: Partial<SecondFactorFacts>): SecondFactorFacts => ({
  mfaConfiguration: 'OPTIONAL',
  factors: ALL,
  preferences: {},
  hasTotp: false,
  hasPhone: false,
  hasEmail: false,
  ...over,
});
const on = { enabled: true, preferred: false };

describe('the second factor a sign-in needs', () => {
  test('MFA off: none, whatever the user set up', () => {
    expect(decideSecondFactor(facts({ mfaConfiguration: 'OFF', hasTotp: true, preferences: { SOFTWARE_TOKEN_MFA: on } }))).toEqual({ kind: 'none' });
  });

  test('optional: the preferred factor, the only one, or a choice; nobody enrolled passes', () => {
    const both = { hasTotp: true, hasPhone: true, preferences: { SMS_MFA: on, SOFTWARE_TOKEN_MFA: on } };
    expect(decideSecondFactor(facts(both))).toEqual({ kind: 'select', choices: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'] });
    expect(decideSecondFactor(facts({ ...both, preferences: { SMS_MFA: on, SOFTWARE_TOKEN_MFA: { enabled: true, preferred: true } } }))).toEqual({
      kind: 'challenge',
      factor: 'SOFTWARE_TOKEN_MFA',
    });
    expect(decideSecondFactor(facts({ hasEmail: true, preferences: { EMAIL_OTP: on } }))).toEqual({ kind: 'challenge', factor: 'EMAIL_OTP' });
    expect(decideSecondFactor(facts({ hasPhone: true }))).toEqual({ kind: 'none' });
  });

  test('a factor the pool does not offer, or the user cannot receive, does not count', () => {
    const totpOnly: PoolMfaFactors = { ...ALL, sms: undefined, email: undefined };
    expect(decideSecondFactor(facts({ factors: totpOnly, hasPhone: true, preferences: { SMS_MFA: { enabled: true, preferred: true } } }))).toEqual({
      kind: 'none',
    });
    expect(decideSecondFactor(facts({ hasPhone: false, preferences: { SMS_MFA: on } }))).toEqual({ kind: 'none' });
  });

  test("required: a phone or email the pool can send to, else MFA_SETUP with the pool's factors", () => {
    expect(decideSecondFactor(facts({ mfaConfiguration: 'ON', hasPhone: true }))).toEqual({ kind: 'challenge', factor: 'SMS_MFA' });
    expect(decideSecondFactor(facts({ mfaConfiguration: 'ON', hasPhone: true, hasEmail: true }))).toEqual({
      kind: 'select',
      choices: ['SMS_MFA', 'EMAIL_OTP'],
    });
    expect(decideSecondFactor(facts({ mfaConfiguration: 'ON', factors: { ...ALL, sms: undefined, email: undefined } }))).toEqual({
      kind: 'setup',
      canSetUp: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  test('a remembered device stands in for MFA; a named device is proven before tokens', () => {
    const mfa = { kind: 'challenge', factor: 'SMS_MFA' } as const;
    expect(nextStep({ secondFactor: mfa, mfaDone: false, devicePending: true, deviceSkipsMfa: true })).toEqual({ kind: 'device' });
    expect(nextStep({ secondFactor: mfa, mfaDone: false, devicePending: false, deviceSkipsMfa: true })).toEqual({ kind: 'tokens' });
    expect(nextStep({ secondFactor: mfa, mfaDone: false, devicePending: true, deviceSkipsMfa: false })).toEqual(mfa);
    expect(nextStep({ secondFactor: mfa, mfaDone: true, devicePending: true, deviceSkipsMfa: false })).toEqual({ kind: 'device' });
    expect(nextStep({ secondFactor: { kind: 'none' }, mfaDone: false, devicePending: false, deviceSkipsMfa: false })).toEqual({ kind: 'tokens' });
  });
});
