import type { AuthLogEvent } from './auth-log.events.js';

/** Failed password attempts allowed before the temporary lockout starts (Cognito: 5). */
export const FREE_ATTEMPTS = 5;
/** Auth-log events a sign-in reads: past FREE_ATTEMPTS + 10 failures the lockout is at its cap. */
export const LOCKOUT_LOOKBACK = 32;
/** Lockout doubles from 1 s per further failure, capped near Cognito's ~15 minutes. */
const MAX_LOCKOUT_MS = 15 * 60 * 1000;

export interface LockoutState {
  consecutiveFailures: number;
  lastFailureAt?: string;
}

export const initialLockout = (): LockoutState => ({ consecutiveFailures: 0 });

/** Only wrong passwords count; a success resets the count. */
export function evolveLockout(state: LockoutState, event: AuthLogEvent): LockoutState {
  if (event.type === 'SignInSucceeded') return { consecutiveFailures: 0 };
  if (event.data.reason !== 'WRONG_PASSWORD') return state;
  return { consecutiveFailures: state.consecutiveFailures + 1, lastFailureAt: event.data.at };
}

/** When the user may try again; undefined when not locked. */
export function lockedUntil(state: LockoutState): Date | undefined {
  if (state.consecutiveFailures < FREE_ATTEMPTS || !state.lastFailureAt) return undefined;
  const exponent = state.consecutiveFailures - FREE_ATTEMPTS;
  const ms = Math.min(MAX_LOCKOUT_MS, 1000 * 2 ** Math.min(exponent, 30));
  return new Date(Date.parse(state.lastFailureAt) + ms);
}
