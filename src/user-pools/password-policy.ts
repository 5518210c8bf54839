/** Cognito's password policy, with Cognito's defaults. */
export interface PasswordPolicy {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
};

/** The symbols Cognito accepts as "special characters". */
const SYMBOLS = `^$*.[]{}()?"!@#%&/\\,><':;|_~\`=+- `;

/** Cognito's maximum password length. */
export const MAX_PASSWORD_LENGTH = 256;

/** The unmet rules, in Cognito's wording; empty when the password satisfies the policy. */
export function passwordViolations(password: string, policy: PasswordPolicy): string[] {
  const out: string[] = [];
  const chars = [...password];
  if (chars.length < policy.minimumLength) out.push(`Password not long enough`);
  if (chars.length > MAX_PASSWORD_LENGTH) out.push(`Password too long`);
  if (policy.requireUppercase && !/[A-Z]/.test(password)) out.push('Password must have uppercase characters');
  if (policy.requireLowercase && !/[a-z]/.test(password)) out.push('Password must have lowercase characters');
  if (policy.requireNumbers && !/[0-9]/.test(password)) out.push('Password must have numeric characters');
  if (policy.requireSymbols && !chars.some((c) => SYMBOLS.includes(c))) out.push('Password must have symbol characters');
  return out;
}
