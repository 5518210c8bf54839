import { type Decider, constantTimeEqual, unreachable } from '../shared/decider.js';
import {
  CodeMismatchError,
  ExpiredCodeError,
  InvalidParameterError,
  InvalidPasswordError,
  NotAuthorizedError,
  TooManyFailedAttemptsError,
  UserNotFoundError,
  UsernameExistsError,
} from '../shared/domain-error.js';
import type { CodePurpose, ConfirmationCodeSent, ContactAttribute, UserEvent } from './user.events.js';
import { type ExistingUserState, type UserState, codeKey, evolveUser } from './user.state.js';

export type { ExistingUserState, PendingCode, UserState, UserStatus } from './user.state.js';

/** Wrong codes allowed per issued code before it stops working. */
export const MAX_CODE_ATTEMPTS = 5;

/** A code to send, already generated and hashed by the handler. */
export type CodeToSend = Omit<ConfirmationCodeSent['data'], 'purpose'>;

type Now = { now: string };
export type UserCommand =
  | ({ type: 'SignUp'; poolId: string; sub: string; username: string; attributes: Record<string, string>; passwordHash: string; code?: CodeToSend } & Now)
  | ({ type: 'CreateUserByAdmin'; poolId: string; sub: string; username: string; attributes: Record<string, string>; passwordHash: string } & Now)
  | ({ type: 'ConfirmSignUp'; presentedCodeHash: string } & Now)
  | ({ type: 'AdminConfirmSignUp' } & Now)
  | ({ type: 'SendCode'; purpose: CodePurpose; code: CodeToSend } & Now)
  | ({ type: 'ConfirmForgotPassword'; presentedCodeHash: string; newPasswordHash: string; reusesRecentPassword: boolean } & Now)
  | ({ type: 'ChangePassword'; previousPasswordOk: boolean; newPasswordHash: string; reusesRecentPassword: boolean } & Now)
  | ({ type: 'SetPassword'; newPasswordHash: string; permanent: boolean; reason: 'ADMIN_SET' | 'NEW_PASSWORD_CHALLENGE'; reusesRecentPassword: boolean } & Now)
  | ({ type: 'RequirePasswordReset'; code?: CodeToSend } & Now)
  | ({ type: 'UpdateAttributes'; attributes: Record<string, string>; pending?: Partial<Record<ContactAttribute, string>>; codes?: CodeToSend[] } & Now)
  | ({ type: 'DeleteAttributes'; names: string[] } & Now)
  | ({ type: 'VerifyAttribute'; attribute: ContactAttribute; presentedCodeHash: string } & Now)
  | ({ type: 'DeleteUser'; by: 'USER' | 'ADMIN' } & Now)
  | ({ type: 'SignOutGlobally' } & Now)
  | ({ type: 'DisableUser' } & Now)
  | ({ type: 'EnableUser' } & Now);

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: () => ({ exists: false }),
  evolve: evolveUser,
  decide(command, state) {
    switch (command.type) {
      case 'SignUp':
        return signUp(command, state);
      case 'CreateUserByAdmin': {
        if (state.exists) throw new UsernameExistsError('User account already exists');
        const { poolId, sub, username, attributes, passwordHash, now } = command;
        return [{ type: 'UserCreatedByAdmin', data: { poolId, sub, username, attributes, passwordHash, createdAt: now } }];
      }
      case 'ConfirmSignUp': {
        const user = requireUser(state);
        if (user.status !== 'UNCONFIRMED') throw new NotAuthorizedError(`User cannot be confirmed. Current status is ${user.status}`);
        const checked = checkCode(user, 'SIGN_UP', undefined, command.presentedCodeHash, command.now);
        if (checked) return checked;
        const attribute = user.codes[codeKey('SIGN_UP')].attribute;
        return [{ type: 'UserConfirmed', data: { confirmedAt: command.now, verifiedAttribute: attribute } }];
      }
      case 'AdminConfirmSignUp': {
        const user = requireUser(state);
        if (user.status !== 'UNCONFIRMED') throw new NotAuthorizedError(`User cannot be confirmed. Current status is ${user.status}`);
        return [{ type: 'UserConfirmed', data: { confirmedAt: command.now, via: 'ADMIN' } }];
      }
      case 'SendCode':
        return sendCode(command, requireUser(state));
      case 'ConfirmForgotPassword': {
        const user = requireUser(state);
        const checked = checkCode(user, 'FORGOT_PASSWORD', undefined, command.presentedCodeHash, command.now);
        if (checked) return checked;
        notRecent(command.reusesRecentPassword);
        return [{ type: 'PasswordChanged', data: { passwordHash: command.newPasswordHash, reason: 'RESET', permanent: true, changedAt: command.now } }];
      }
      case 'ChangePassword': {
        requireUser(state);
        if (!command.previousPasswordOk) throw new NotAuthorizedError('Incorrect username or password.');
        notRecent(command.reusesRecentPassword);
        return [{ type: 'PasswordChanged', data: { passwordHash: command.newPasswordHash, reason: 'CHANGE', permanent: true, changedAt: command.now } }];
      }
      case 'SetPassword': {
        const user = requireUser(state);
        if (command.reason === 'NEW_PASSWORD_CHALLENGE' && user.status !== 'FORCE_CHANGE_PASSWORD') {
          throw new NotAuthorizedError('Invalid session for the user.');
        }
        notRecent(command.reusesRecentPassword);
        return [{ type: 'PasswordChanged', data: { passwordHash: command.newPasswordHash, reason: command.reason, permanent: command.permanent, changedAt: command.now } }];
      }
      case 'RequirePasswordReset': {
        requireUser(state);
        const events: UserEvent[] = [{ type: 'PasswordResetRequired', data: { at: command.now } }];
        if (command.code) events.push({ type: 'ConfirmationCodeSent', data: { purpose: 'FORGOT_PASSWORD', ...command.code } });
        return events;
      }
      case 'UpdateAttributes': {
        requireUser(state);
        const events: UserEvent[] = [
          { type: 'UserAttributesUpdated', data: { attributes: command.attributes, ...(command.pending && Object.keys(command.pending).length ? { pending: command.pending } : {}), at: command.now } },
        ];
        for (const code of command.codes ?? []) events.push({ type: 'ConfirmationCodeSent', data: { purpose: 'VERIFY_ATTRIBUTE', ...code } });
        return events;
      }
      case 'DeleteAttributes': {
        const user = requireUser(state);
        const present = command.names.filter((n) => n in user.attributes || n in user.pending);
        return present.length ? [{ type: 'UserAttributesDeleted', data: { names: present, at: command.now } }] : [];
      }
      case 'VerifyAttribute': {
        const user = requireUser(state);
        const checked = checkCode(user, 'VERIFY_ATTRIBUTE', command.attribute, command.presentedCodeHash, command.now);
        if (checked) return checked;
        const value = user.pending[command.attribute] ?? user.attributes[command.attribute];
        if (value === undefined) throw new InvalidParameterError(`User has no ${command.attribute} to verify`);
        return [{ type: 'UserAttributeVerified', data: { attribute: command.attribute, value, at: command.now } }];
      }
      case 'DeleteUser':
        requireUser(state);
        return [{ type: 'UserDeleted', data: { at: command.now, by: command.by } }];
      case 'SignOutGlobally':
        requireUser(state);
        return [{ type: 'UserSignedOutGlobally', data: { at: command.now } }];
      case 'DisableUser':
        return requireUser(state).enabled ? [{ type: 'UserDisabled', data: { at: command.now } }] : [];
      case 'EnableUser':
        return requireUser(state).enabled ? [] : [{ type: 'UserEnabled', data: { at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};

function requireUser(state: UserState): ExistingUserState {
  if (!state.exists) throw new UserNotFoundError('User does not exist.');
  return state;
}

function notRecent(reuses: boolean): void {
  if (reuses) throw new InvalidPasswordError('Password has previously been used');
}

function signUp(command: Extract<UserCommand, { type: 'SignUp' }>, state: UserState): UserEvent[] {
  if (state.exists) throw new UsernameExistsError('User already exists');
  const { poolId, sub, username, attributes, passwordHash, now } = command;
  const events: UserEvent[] = [{ type: 'UserSignedUp', data: { poolId, sub, username, attributes, passwordHash, signedUpAt: now } }];
  if (command.code) events.push({ type: 'ConfirmationCodeSent', data: { purpose: 'SIGN_UP', ...command.code } });
  return events;
}

function sendCode(command: Extract<UserCommand, { type: 'SendCode' }>, user: ExistingUserState): UserEvent[] {
  if (command.purpose === 'SIGN_UP' && user.status !== 'UNCONFIRMED') throw new InvalidParameterError('User is already confirmed.');
  if (command.purpose === 'FORGOT_PASSWORD' && user.status === 'FORCE_CHANGE_PASSWORD') {
    throw new NotAuthorizedError('User password cannot be reset in the current state.');
  }
  return [{ type: 'ConfirmationCodeSent', data: { purpose: command.purpose, ...command.code } }];
}

/**
 * Checks a presented code against the outstanding one. Returns the events of a recorded
 * failed attempt (the handler then answers CodeMismatch), undefined when the code is right,
 * or throws when no attempt can be made.
 */
function checkCode(user: ExistingUserState, purpose: CodePurpose, attribute: ContactAttribute | undefined, presentedHash: string, now: string): UserEvent[] | undefined {
  const code = user.codes[codeKey(purpose, attribute)];
  if (!code) throw new ExpiredCodeError('Invalid code provided, please request a code again.');
  if (code.failedAttempts >= MAX_CODE_ATTEMPTS) throw new TooManyFailedAttemptsError('Too many failed attempts; request a new code.');
  if (now >= code.expiresAt) throw new ExpiredCodeError('Invalid code provided, please request a code again.');
  if (constantTimeEqual(presentedHash, code.codeHash)) return undefined;
  return [{ type: 'ConfirmationCodeMismatched', data: { purpose, ...(attribute ? { attribute } : {}), failedAttempts: code.failedAttempts + 1, at: now } }];
}

/** The error a recorded failed attempt answers with, if the events hold one. */
export function codeMismatchOutcome(events: readonly UserEvent[]): CodeMismatchError | undefined {
  return events.some((e) => e.type === 'ConfirmationCodeMismatched')
    ? new CodeMismatchError('Invalid verification code provided, please try again.')
    : undefined;
}
