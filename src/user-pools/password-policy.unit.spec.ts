import { DEFAULT_PASSWORD_POLICY, passwordViolations } from './password-policy.js';

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
});
