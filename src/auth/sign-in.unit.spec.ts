import { fold } from '../shared/decider.js';
import { userDecider } from '../user-pools/user.decider.js';
import type { UserEvent } from '../user-pools/user.events.js';
import { initialLockout } from './lockout.js';
import { FailureRateLimiter } from './rate-limit.js';
import { decidePasswordSignIn, type SignInFacts } from './sign-in.js';

const T = '2026-01-01T00:00:00.000Z';
const signedUp: UserEvent = { type: 'UserSignedUp', data: { poolId: 'p', sub: 's', username: 'u', attributes: {}, passwordHash: 'h', signedUpAt: T } };
const confirmed: UserEvent = { type: 'UserConfirmed', data: { confirmedAt: T } };
const facts = (events: UserEvent[], over: Partial<SignInFacts> = {}): SignInFacts => ({
  user: fold(userDecider, events),
  lockout: initialLockout(),
  passwordOk: true,
  hideUserExistence: false,
  temporaryPasswordExpired: false,
  now: T,
  ...over,
});

describe('password sign-in decision', () => {
  test('a confirmed user with the right password signs in', () => {
    expect(decidePasswordSignIn(facts([signedUp, confirmed]))).toEqual({ kind: 'success' });
  });
  test('unknown users: UserNotFound, or the wrong-password answer when existence is hidden', () => {
    expect(decidePasswordSignIn(facts([]))).toMatchObject({ kind: 'failure', reason: 'USER_NOT_FOUND', error: { code: 'UserNotFoundException' } });
    expect(decidePasswordSignIn(facts([], { hideUserExistence: true }))).toMatchObject({ error: { code: 'NotAuthorizedException', message: 'Incorrect username or password.' } });
  });
  test('the password is checked before the account state is revealed', () => {
    const disabled: UserEvent = { type: 'UserDisabled', data: { at: T } };
    expect(decidePasswordSignIn(facts([signedUp, confirmed, disabled], { passwordOk: false }))).toMatchObject({ reason: 'WRONG_PASSWORD' });
    expect(decidePasswordSignIn(facts([signedUp, confirmed, disabled]))).toMatchObject({ reason: 'USER_DISABLED', error: { message: 'User is disabled.' } });
    expect(decidePasswordSignIn(facts([signedUp]))).toMatchObject({ reason: 'USER_NOT_CONFIRMED', error: { code: 'UserNotConfirmedException' } });
  });
  test('a temporary password leads to NEW_PASSWORD_REQUIRED, unless it expired', () => {
    const created: UserEvent = { type: 'UserCreatedByAdmin', data: { poolId: 'p', sub: 's', username: 'u', attributes: {}, passwordHash: 'h', createdAt: T } };
    expect(decidePasswordSignIn(facts([created]))).toEqual({ kind: 'challenge', challenge: 'NEW_PASSWORD_REQUIRED' });
    expect(decidePasswordSignIn(facts([created], { temporaryPasswordExpired: true }))).toMatchObject({ reason: 'TEMPORARY_PASSWORD_EXPIRED' });
  });
  test('a reset-required user is told so', () => {
    const reset: UserEvent = { type: 'PasswordResetRequired', data: { at: T } };
    expect(decidePasswordSignIn(facts([signedUp, confirmed, reset]))).toMatchObject({ error: { code: 'PasswordResetRequiredException' } });
  });
  test('a locked-out user is refused even with the right password', () => {
    const lockout = { consecutiveFailures: 5, lastFailureAt: T };
    expect(decidePasswordSignIn(facts([signedUp, confirmed], { lockout, now: '2026-01-01T00:00:00.500Z' }))).toMatchObject({ error: { message: 'Password attempts exceeded' } });
    expect(decidePasswordSignIn(facts([signedUp, confirmed], { lockout, now: '2026-01-01T00:00:02.000Z' }))).toEqual({ kind: 'success' });
  });
});

describe('failed sign-ins per source address', () => {
  test('limits an address after its failures within the window, then forgets them', () => {
    const limiter = new FailureRateLimiter(3, 1000);
    for (let i = 0; i < 3; i++) limiter.recordFailure('10.0.0.1', 0);
    expect(limiter.isLimited('10.0.0.1', 500)).toBe(true);
    expect(limiter.isLimited('10.0.0.2', 500)).toBe(false);
    expect(limiter.isLimited('10.0.0.1', 1500)).toBe(false);
    expect(limiter.isLimited(undefined, 500)).toBe(false);
  });
});
