import { fold } from '../shared/decider.js';
import { userDecider } from '../user-pools/user.decider.js';
import type { UserEvent } from '../user-pools/user.events.js';
import { decidePasswordSignIn, guessOutcome, type SignInFacts } from './sign-in.js';

const T = '2026-01-01T00:00:00.000Z';
const signedUp: UserEvent = { type: 'UserSignedUp', data: { poolId: 'p', sub: 's', username: 'u', attributes: {}, passwordHash: 'h', signedUpAt: T } };
const confirmed: UserEvent = { type: 'UserConfirmed', data: { confirmedAt: T } };
const facts = (events: UserEvent[], over: Partial<SignInFacts> = {}): SignInFacts => ({
  user: fold(userDecider, events),
  locked: false,
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
    expect(decidePasswordSignIn(facts([], { hideUserExistence: true }))).toMatchObject({
      error: { code: 'NotAuthorizedException', message: 'Incorrect username or password.' },
    });
  });
  test('the password is checked before the account state is revealed', () => {
    const disabled: UserEvent = { type: 'UserDisabled', data: { at: T } };
    expect(decidePasswordSignIn(facts([signedUp, confirmed, disabled], { passwordOk: false }))).toMatchObject({ reason: 'WRONG_PASSWORD' });
    expect(decidePasswordSignIn(facts([signedUp, confirmed, disabled]))).toMatchObject({ reason: 'USER_DISABLED', error: { message: 'User is disabled.' } });
    expect(decidePasswordSignIn(facts([signedUp]))).toMatchObject({ reason: 'USER_NOT_CONFIRMED', error: { code: 'UserNotConfirmedException' } });
  });
  test('a user whose password sign-in an admin disabled (AdminDisableProviderForUser, Cognito) is refused as with a wrong password', () => {
    const off: UserEvent = { type: 'PasswordSignInDisabled', data: { at: T } };
    const wrong = { kind: 'failure', reason: 'WRONG_PASSWORD', error: { code: 'NotAuthorizedException', message: 'Incorrect username or password.' } };
    expect(decidePasswordSignIn(facts([signedUp, confirmed, off]))).toMatchObject(wrong);
    expect(decidePasswordSignIn(facts([signedUp, confirmed, off], { passwordOk: false }))).toMatchObject(wrong);
    const created: UserEvent = { type: 'UserCreatedByAdmin', data: { poolId: 'p', sub: 's', username: 'u', attributes: {}, passwordHash: 'h', createdAt: T } };
    expect(decidePasswordSignIn(facts([created, off]))).toMatchObject(wrong);
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
    expect(decidePasswordSignIn(facts([signedUp, confirmed], { locked: true }))).toMatchObject({
      reason: 'LOCKED_OUT',
      error: { message: 'Password attempts exceeded' },
    });
    expect(decidePasswordSignIn(facts([signedUp, confirmed], { locked: false }))).toEqual({ kind: 'success' });
  });
  test('with existence hidden, a locked-out unknown name answers as a locked-out user does', () => {
    expect(decidePasswordSignIn(facts([], { hideUserExistence: true, locked: true }))).toMatchObject({
      reason: 'LOCKED_OUT',
      error: { message: 'Password attempts exceeded' },
    });
    expect(decidePasswordSignIn(facts([], { hideUserExistence: false, locked: true }))).toMatchObject({ reason: 'USER_NOT_FOUND' });
  });
  test('only wrong passwords (and guesses at unknown names) count against the lockout', () => {
    expect(guessOutcome(decidePasswordSignIn(facts([signedUp, confirmed], { passwordOk: false })))).toBe('wrong_password');
    expect(guessOutcome(decidePasswordSignIn(facts([], { hideUserExistence: true })))).toBe('wrong_password');
    expect(guessOutcome(decidePasswordSignIn(facts([signedUp])))).toBe('other_failure');
    expect(guessOutcome(decidePasswordSignIn(facts([signedUp, confirmed])))).toBe('success');
  });
});
