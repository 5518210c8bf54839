import { fold } from '../shared/decider.js';
import { CodeMismatchError, ExpiredCodeError, NotAuthorizedError, TooManyFailedAttemptsError, UserNotFoundError } from '../shared/domain-error.js';
import { MAX_CODE_ATTEMPTS, codeMismatchOutcome, userDecider, type UserCommand } from './user.decider.js';
import type { UserEvent } from './user.events.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T01:00:00.000Z';
const LATER = '2026-01-03T00:00:00.000Z';

const signedUp: UserEvent = {
  type: 'UserSignedUp',
  data: { poolId: 'p', sub: 's', username: 'Alice', attributes: { email: 'a@x.test' }, passwordHash: '$argon2id$h', signedUpAt: T0 },
};
const codeSent: UserEvent = {
  type: 'ConfirmationCodeSent',
  data: { purpose: 'SIGN_UP', codeHash: 'H(123456)', expiresAt: '2026-01-02T00:00:00.000Z', medium: 'EMAIL', destination: 'a***@x.test', attribute: 'email' },
};

/** given (past events) / when (command) / then (events or error). */
const when = (given: UserEvent[], command: UserCommand) => () => userDecider.decide(command, fold(userDecider, given));

describe('user decider', () => {
  test('sign-up records the user and the code to send', () => {
    const events = when([], {
      type: 'SignUp',
      poolId: 'p',
      sub: 's',
      username: 'Alice',
      attributes: { email: 'a@x.test' },
      passwordHash: '$argon2id$h',
      code: { codeHash: 'H(123456)', expiresAt: '2026-01-02T00:00:00.000Z', medium: 'EMAIL', destination: 'a***@x.test', attribute: 'email' },
      now: T0,
    })();
    expect(events).toEqual([signedUp, codeSent]);
  });

  test('sign-up without auto-verified attributes sends no code', () => {
    const events = when([], { type: 'SignUp', poolId: 'p', sub: 's', username: 'Alice', attributes: {}, passwordHash: 'h', now: T0 })();
    expect(events.map((e) => e.type)).toEqual(['UserSignedUp']);
  });

  test('the right code confirms the user and verifies the attribute', () => {
    const events = when([signedUp, codeSent], { type: 'ConfirmSignUp', presentedCodeHash: 'H(123456)', now: T1 })();
    expect(events).toEqual([{ type: 'UserConfirmed', data: { confirmedAt: T1, verifiedAttribute: 'email' } }]);
    const state = fold(userDecider, [signedUp, codeSent, ...events]);
    expect(state).toMatchObject({ status: 'CONFIRMED', attributes: { email: 'a@x.test', email_verified: 'true' } });
  });

  test('a wrong code is recorded as a failed attempt and answered with CodeMismatch', () => {
    const events = when([signedUp, codeSent], { type: 'ConfirmSignUp', presentedCodeHash: 'H(000000)', now: T1 })();
    expect(events).toEqual([{ type: 'ConfirmationCodeMismatched', data: { purpose: 'SIGN_UP', failedAttempts: 1, at: T1 } }]);
    expect(codeMismatchOutcome(events)).toBeInstanceOf(CodeMismatchError);
  });

  test(`after ${MAX_CODE_ATTEMPTS} wrong codes even the right one is refused`, () => {
    const failures: UserEvent[] = Array.from({ length: MAX_CODE_ATTEMPTS }, (_, i) => ({
      type: 'ConfirmationCodeMismatched',
      data: { purpose: 'SIGN_UP', failedAttempts: i + 1, at: T1 },
    }));
    expect(when([signedUp, codeSent, ...failures], { type: 'ConfirmSignUp', presentedCodeHash: 'H(123456)', now: T1 })).toThrow(TooManyFailedAttemptsError);
  });

  test('an expired code is refused', () => {
    expect(when([signedUp, codeSent], { type: 'ConfirmSignUp', presentedCodeHash: 'H(123456)', now: LATER })).toThrow(ExpiredCodeError);
  });

  test('a code is single use: confirming twice is refused', () => {
    const confirmed: UserEvent = { type: 'UserConfirmed', data: { confirmedAt: T1, verifiedAttribute: 'email' } };
    expect(when([signedUp, codeSent, confirmed], { type: 'ConfirmSignUp', presentedCodeHash: 'H(123456)', now: T1 })).toThrow(NotAuthorizedError);
  });

  test('confirming an unknown user is UserNotFound', () => {
    expect(when([], { type: 'ConfirmSignUp', presentedCodeHash: 'x', now: T1 })).toThrow(UserNotFoundError);
  });
});

describe('user decider: sign-out and enablement', () => {
  test('global sign-out records the instant', () => {
    expect(when([signedUp], { type: 'SignOutGlobally', now: T1 })()).toEqual([{ type: 'UserSignedOutGlobally', data: { at: T1 } }]);
    expect(when([], { type: 'SignOutGlobally', now: T1 })).toThrow(UserNotFoundError);
  });
  test('disable and enable emit only on change', () => {
    const disabled: UserEvent = { type: 'UserDisabled', data: { at: T1 } };
    expect(when([signedUp], { type: 'DisableUser', now: T1 })()).toEqual([disabled]);
    expect(when([signedUp, disabled], { type: 'DisableUser', now: T1 })()).toEqual([]);
    expect(when([signedUp, disabled], { type: 'EnableUser', now: T1 })()).toEqual([{ type: 'UserEnabled', data: { at: T1 } }]);
    expect(when([signedUp], { type: 'EnableUser', now: T1 })()).toEqual([]);
  });
});

describe('user decider: decisions made on the state at the moment of the write', () => {
  const verification = { autoVerified: ['email'] as const, keepOriginalUntilVerified: [] as const };
  const code = { codeHash: 'H(654321)', expiresAt: LATER, medium: 'EMAIL' as const, destination: 'b***@x.test', attribute: 'email' as const };
  const update = (email: string): UserCommand => ({ type: 'UpdateAttributes', attributes: { email }, verification, codes: { email: code }, now: T1 });

  test('a changed email becomes unverified and gets the code', () => {
    expect(when([signedUp], update('b@x.test'))()).toEqual([
      { type: 'UserAttributesUpdated', data: { attributes: { email: 'b@x.test', email_verified: 'false' }, at: T1 } },
      { type: 'ConfirmationCodeSent', data: { purpose: 'VERIFY_ATTRIBUTE', ...code } },
    ]);
  });

  test('the same command on a state where the email already has that value changes no verification and sends no code', () => {
    const already: UserEvent = { type: 'UserAttributesUpdated', data: { attributes: { email: 'b@x.test' }, at: T0 } };
    expect(when([signedUp, already], update('b@x.test'))()).toEqual([{ type: 'UserAttributesUpdated', data: { attributes: { email: 'b@x.test' }, at: T1 } }]);
  });

  test('with UserAttributeUpdateSettings the new value waits as pending', () => {
    const keep: UserCommand = {
      type: 'UpdateAttributes',
      attributes: { email: 'b@x.test' },
      verification: { ...verification, keepOriginalUntilVerified: ['email'] },
      codes: { email: code },
      now: T1,
    };
    expect(when([signedUp], keep)()[0]).toEqual({ type: 'UserAttributesUpdated', data: { attributes: {}, pending: { email: 'b@x.test' }, at: T1 } });
  });

  test('NEW_PASSWORD_REQUIRED with attributes is one decision: attributes, then the password', () => {
    const created: UserEvent = {
      type: 'UserCreatedByAdmin',
      data: { poolId: 'p', sub: 's', username: 'Bob', attributes: {}, passwordHash: 'temp', createdAt: T0 },
    };
    const complete: UserCommand = { type: 'CompleteNewPasswordChallenge', newPasswordHash: 'new', attributes: { name: 'Bob B' }, verification, now: T1 };
    expect(when([created], complete)()).toEqual([
      { type: 'UserAttributesUpdated', data: { attributes: { name: 'Bob B' }, at: T1 } },
      { type: 'PasswordChanged', data: { passwordHash: 'new', reason: 'NEW_PASSWORD_CHALLENGE', permanent: true, changedAt: T1 } },
    ]);
    // A user no longer waiting for a new password (answered twice, or reset meanwhile) is refused.
    expect(when([signedUp], complete)).toThrow(NotAuthorizedError);
  });

  test('a wrong code is a refusal the command runner answers with CodeMismatch after writing the attempt', () => {
    const events = when([signedUp, codeSent], { type: 'ConfirmSignUp', presentedCodeHash: 'H(000000)', now: T1 })();
    expect(userDecider.refusal?.(events)).toBeInstanceOf(CodeMismatchError);
    expect(userDecider.refusal?.([{ type: 'UserConfirmed', data: { confirmedAt: T1 } }])).toBeUndefined();
  });
  test('a password set before SRP gets its verifier once, and only for the hash that was checked', () => {
    const srp = { salt: '5f1c', verifier: 'a3b9' };
    expect(when([signedUp], { type: 'AddSrpVerifier', srp, checkedHash: '$argon2id$h', now: T1 })()).toEqual([
      { type: 'SrpVerifierAdded', data: { srp, at: T1 } },
    ]);
    // The password changed since it was checked: the verifier would not match it.
    expect(when([signedUp], { type: 'AddSrpVerifier', srp, checkedHash: '$argon2id$older', now: T1 })()).toEqual([]);
    const withVerifier: UserEvent = { ...signedUp, data: { ...signedUp.data, srp } } as UserEvent;
    expect(when([withVerifier], { type: 'AddSrpVerifier', srp: { salt: '00', verifier: '01' }, checkedHash: '$argon2id$h', now: T1 })()).toEqual([]);
  });
});

describe('user decider: users a hook confirms at creation', () => {
  const signUp = { type: 'SignUp', poolId: 'p', sub: 's', username: 'Alice', attributes: { email: 'a@x.test' }, passwordHash: '$argon2id$h', now: T0 } as const;
  const code = { codeHash: 'H(123456)', expiresAt: '2026-01-02T00:00:00.000Z', medium: 'EMAIL', destination: 'a***@x.test', attribute: 'email' } as const;

  test("a pre sign-up hook's autoConfirmUser confirms the user in the sign-up's write, and no code is sent", () => {
    const events = when([], { ...signUp, code, confirmedBy: 'PRE_SIGN_UP' })();
    expect(events).toEqual([signedUp, { type: 'UserConfirmed', data: { confirmedAt: T0, via: 'PRE_SIGN_UP' } }]);
    expect(fold(userDecider, events)).toMatchObject({ status: 'CONFIRMED', attributes: { email: 'a@x.test' } });
  });

  test('a migrated user is confirmed at once; with RESET_REQUIRED the user must reset the password first', () => {
    const migrated = when([], { ...signUp, confirmedBy: 'USER_MIGRATION' })();
    expect(migrated.map((e) => e.type)).toEqual(['UserSignedUp', 'UserConfirmed']);
    expect(fold(userDecider, migrated)).toMatchObject({ status: 'CONFIRMED' });
    const reset = when([], { ...signUp, confirmedBy: 'USER_MIGRATION', resetRequired: true })();
    expect(reset).toEqual([
      signedUp,
      { type: 'UserConfirmed', data: { confirmedAt: T0, via: 'USER_MIGRATION' } },
      { type: 'PasswordResetRequired', data: { at: T0 } },
    ]);
    expect(fold(userDecider, reset)).toMatchObject({ status: 'RESET_REQUIRED' });
  });

  test('a hook-confirmed name is still claimed once: signing up over an existing user is refused', () => {
    expect(when([signedUp], { ...signUp, confirmedBy: 'PRE_SIGN_UP' })).toThrow('User already exists');
  });
});
