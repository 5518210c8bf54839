import { DEFAULT_PASSWORD_POLICY, passwordViolations, resolvePasswordPolicy, reusesRecentPassword } from './password-policy.js';

describe('password policy', () => {
  test('a password meeting every rule has no violations', () => {
    expect(passwordViolations('Correct-Horse-9', DEFAULT_PASSWORD_POLICY)).toEqual([]);
  });
  test('each missing class is named', () => {
    expect(passwordViolations('short', DEFAULT_PASSWORD_POLICY)).toEqual([
      'Password not long enough',
      'Password must have uppercase characters',
      'Password must have numeric characters',
      'Password must have symbol characters',
    ]);
  });
  test('a relaxed policy accepts a plain long password', () => {
    const policy = { ...DEFAULT_PASSWORD_POLICY, requireUppercase: false, requireNumbers: false, requireSymbols: false };
    expect(passwordViolations('longenoughpassword', policy)).toEqual([]);
  });
  test('members left out take the defaults; a temporary-password validity of 0 means the default', () => {
    expect(resolvePasswordPolicy({ minimumLength: 12, requireSymbols: false, temporaryPasswordValidityDays: 0 })).toEqual({
      ...DEFAULT_PASSWORD_POLICY,
      minimumLength: 12,
      requireSymbols: false,
      temporaryPasswordValidityDays: 7,
    });
    expect(resolvePasswordPolicy().passwordHistorySize).toBe(0);
  });
  test('password history looks back only as far as the policy says', () => {
    const policy = { ...DEFAULT_PASSWORD_POLICY, passwordHistorySize: 2 };
    expect(reusesRecentPassword([false, true], policy)).toBe(true);
    expect(reusesRecentPassword([false, false, true], policy)).toBe(false);
    expect(reusesRecentPassword([true], DEFAULT_PASSWORD_POLICY)).toBe(false);
  });
});
