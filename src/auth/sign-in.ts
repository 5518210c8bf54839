import { type DomainError, NotAuthorizedError, PasswordResetRequiredError, UserNotConfirmedError, UserNotFoundError } from '../shared/domain-error.js';
import type { UserState } from '../user-pools/user.decider.js';
import type { SignInFailureReason } from './auth-log.events.js';

export type SignInOutcome =
  { kind: 'success' } | { kind: 'challenge'; challenge: 'NEW_PASSWORD_REQUIRED' } | { kind: 'failure'; reason: SignInFailureReason; error: DomainError };

export interface SignInFacts {
  user: UserState;
  /** The sign-in guard refused the guess: the subject is locked out (its password was not checked). */
  locked: boolean;
  /** The handler verified the password (against a dummy hash for unknown users). */
  passwordOk: boolean;
  /** Client setting PreventUserExistenceErrors = ENABLED. */
  hideUserExistence: boolean;
  temporaryPasswordExpired: boolean;
  now: string;
}

const wrongCredentials = () => new NotAuthorizedError('Incorrect username or password.');
const resetRequired = (): SignInOutcome => ({
  kind: 'failure',
  reason: 'PASSWORD_RESET_REQUIRED',
  error: new PasswordResetRequiredError('Password reset required for the user'),
});

/** How a decided sign-in counts for the guard: a wrong guess, a right one, or neither. */
export function guessOutcome(outcome: SignInOutcome): 'success' | 'wrong_password' | 'other_failure' {
  if (outcome.kind !== 'failure') return 'success';
  return outcome.reason === 'WRONG_PASSWORD' || outcome.reason === 'USER_NOT_FOUND' ? 'wrong_password' : 'other_failure';
}

/**
 * The password sign-in decision, in Cognito's order: unknown user, lockout, password,
 * disabled, password sign-in disabled, unconfirmed, reset required, temporary password. Pure: the password check and
 * the time arrive as facts.
 */
export function decidePasswordSignIn(f: SignInFacts): SignInOutcome {
  const { user } = f;
  const lockedOut = (): SignInOutcome => ({ kind: 'failure', reason: 'LOCKED_OUT', error: new NotAuthorizedError('Password attempts exceeded') });
  if (!user.exists) {
    // With existence hidden, an unknown name locks out exactly as a real user would.
    if (f.hideUserExistence && f.locked) return lockedOut();
    return {
      kind: 'failure',
      reason: 'USER_NOT_FOUND',
      error: f.hideUserExistence ? wrongCredentials() : new UserNotFoundError('User does not exist.'),
    };
  }
  if (f.locked) return lockedOut();
  // An imported user without a password: no guess can be right, the user must reset it first.
  if (user.status === 'RESET_REQUIRED' && !user.passwordHash) return resetRequired();
  if (!f.passwordOk) return { kind: 'failure', reason: 'WRONG_PASSWORD', error: wrongCredentials() };
  if (!user.enabled) return { kind: 'failure', reason: 'USER_DISABLED', error: new NotAuthorizedError('User is disabled.') };
  // AdminDisableProviderForUser (ProviderName Cognito): the password no longer signs this user in,
  // answered as a wrong one (the user may still sign in through a linked external identity).
  if (user.passwordSignInDisabled) return { kind: 'failure', reason: 'WRONG_PASSWORD', error: wrongCredentials() };
  switch (user.status) {
    case 'UNCONFIRMED':
      return { kind: 'failure', reason: 'USER_NOT_CONFIRMED', error: new UserNotConfirmedError('User is not confirmed.') };
    case 'RESET_REQUIRED':
      return resetRequired();
    case 'FORCE_CHANGE_PASSWORD':
      if (f.temporaryPasswordExpired) {
        return {
          kind: 'failure',
          reason: 'TEMPORARY_PASSWORD_EXPIRED',
          error: new NotAuthorizedError('Temporary password has expired and must be reset by an administrator.'),
        };
      }
      return { kind: 'challenge', challenge: 'NEW_PASSWORD_REQUIRED' };
    case 'CONFIRMED':
      return { kind: 'success' };
    case 'EXTERNAL_PROVIDER':
      // A federated user has no password here (it signs in at its IdP).
      return { kind: 'failure', reason: 'WRONG_PASSWORD', error: wrongCredentials() };
  }
}
