import { InvalidPasswordError } from '../shared/domain-error.js';
/** Cognito's password policy, with Cognito's defaults. */
export interface PasswordPolicy {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
  /** How many previous passwords a user may not reuse (0: no history kept). */
  passwordHistorySize: number;
}

/** A policy as recorded: UserPoolCreated events from before the history setting lack it. */
export type RecordedPasswordPolicy = Omit<PasswordPolicy, 'passwordHistorySize'> & { passwordHistorySize?: number };

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
  passwordHistorySize: 0,
};

/** Cognito keeps at most this many previous passwords. */
export const MAX_PASSWORD_HISTORY = 24;

/**
 * The policy a pool gets from the members a caller gave: members left out take Cognito's
 * defaults, and a temporary-password validity of 0 means "the default", as in Cognito.
 */
export function resolvePasswordPolicy(given: Partial<RecordedPasswordPolicy> = {}): PasswordPolicy {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<PasswordPolicy>;
  const policy = { ...DEFAULT_PASSWORD_POLICY, ...defined };
  if (policy.temporaryPasswordValidityDays === 0) policy.temporaryPasswordValidityDays = DEFAULT_PASSWORD_POLICY.temporaryPasswordValidityDays;
  return policy;
}

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

/** Refuses a password the policy does not allow, naming the first rule it breaks (Cognito's wording). */
export function assertPasswordPolicy(password: string, policy: PasswordPolicy): void {
  const violations = passwordViolations(password, policy);
  if (violations.length > 0) throw new InvalidPasswordError(`Password did not conform with policy: ${violations[0]}`);
}

/**
 * Whether a new password repeats one of the last `passwordHistorySize` ones. The caller
 * verifies the candidate against each kept hash (slow work stays out of the domain) and
 * passes the results, newest first.
 */
export function reusesRecentPassword(matchesNewestFirst: readonly boolean[], policy: PasswordPolicy): boolean {
  return matchesNewestFirst.slice(0, policy.passwordHistorySize).some(Boolean);
}
