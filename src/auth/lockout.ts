/** Failed password attempts allowed before the temporary lockout starts (Cognito: 5). */
export const FREE_ATTEMPTS = 5;
/** The first lock lasts a second; each further failure doubles it. */
export const LOCKOUT_BASE_MS = 1000;
/** Capped near Cognito's ~15 minutes. */
export const MAX_LOCKOUT_MS = 15 * 60 * 1000;

/**
 * How long a subject with `failures` consecutive wrong passwords is locked after the last one
 * (0 while free attempts remain). The sign-in guard evaluates the same rule in SQL
 * (sign-in-guard.sql.ts); test/auth/sign-in-guard.int.spec.ts holds the two together.
 */
export function lockDurationMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_LOCKOUT_MS, LOCKOUT_BASE_MS * 2 ** Math.min(failures - FREE_ATTEMPTS, 30));
}
