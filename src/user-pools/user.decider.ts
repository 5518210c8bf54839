import { type Decider, constantTimeEqual, unreachable } from '../shared/decider.js';
import {
  CodeMismatchError,
  ExpiredCodeError,
  NotAuthorizedError,
  TooManyFailedAttemptsError,
  UserNotFoundError,
  UsernameExistsError,
} from '../shared/domain-error.js';
import type { CodePurpose, ConfirmationCodeSent, UserEvent } from './user.events.js';

/** Wrong codes allowed per issued code before it stops working. */
export const MAX_CODE_ATTEMPTS = 5;

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED';

export interface PendingCode {
  purpose: CodePurpose;
  codeHash: string;
  expiresAt: string;
  failedAttempts: number;
  attribute: 'email' | 'phone_number';
}

export type UserState =
  | { exists: false }
  | {
      exists: true;
      poolId: string;
      sub: string;
      username: string;
      status: UserStatus;
      enabled: boolean;
      attributes: Record<string, string>;
      passwordHash: string;
      createdAt: string;
      updatedAt: string;
      /** Tokens issued before this instant are rejected (GlobalSignOut). */
      signedOutAt?: string;
      code?: PendingCode;
    };

export type UserCommand =
  | {
      type: 'SignUp';
      poolId: string;
      sub: string;
      username: string;
      attributes: Record<string, string>;
      passwordHash: string;
      /** The code to send, already hashed by the handler; absent when nothing is auto-verified. */
      code?: Omit<ConfirmationCodeSent['data'], 'purpose'>;
      now: string;
    }
  | { type: 'ConfirmSignUp'; presentedCodeHash: string; now: string }
  | { type: 'SignOutGlobally'; now: string }
  | { type: 'DisableUser'; now: string }
  | { type: 'EnableUser'; now: string };

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: () => ({ exists: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserSignedUp':
        return {
          exists: true,
          poolId: event.data.poolId,
          sub: event.data.sub,
          username: event.data.username,
          status: 'UNCONFIRMED',
          enabled: true,
          attributes: { ...event.data.attributes },
          passwordHash: event.data.passwordHash,
          createdAt: event.data.signedUpAt,
          updatedAt: event.data.signedUpAt,
        };
      case 'ConfirmationCodeSent':
        if (!state.exists) return state;
        return {
          ...state,
          code: {
            purpose: event.data.purpose,
            codeHash: event.data.codeHash,
            expiresAt: event.data.expiresAt,
            failedAttempts: 0,
            attribute: event.data.attribute,
          },
        };
      case 'ConfirmationCodeMismatched':
        if (!state.exists || !state.code) return state;
        return { ...state, code: { ...state.code, failedAttempts: event.data.failedAttempts } };
      case 'UserConfirmed': {
        if (!state.exists) return state;
        const attributes = { ...state.attributes };
        if (event.data.verifiedAttribute) attributes[`${event.data.verifiedAttribute}_verified`] = 'true';
        return { ...state, status: 'CONFIRMED', attributes, code: undefined, updatedAt: event.data.confirmedAt };
      }
      case 'PasswordChanged':
        if (!state.exists) return state;
        return {
          ...state,
          passwordHash: event.data.passwordHash,
          status: event.data.permanent ? (state.status === 'UNCONFIRMED' ? 'UNCONFIRMED' : 'CONFIRMED') : 'FORCE_CHANGE_PASSWORD',
          updatedAt: event.data.changedAt,
        };
      case 'UserSignedOutGlobally':
        return state.exists ? { ...state, signedOutAt: event.data.at } : state;
      case 'UserDisabled':
        return state.exists ? { ...state, enabled: false, updatedAt: event.data.at } : state;
      case 'UserEnabled':
        return state.exists ? { ...state, enabled: true, updatedAt: event.data.at } : state;
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'SignUp':
        return signUp(command, state);
      case 'ConfirmSignUp':
        return confirmSignUp(command, state);
      case 'SignOutGlobally':
        requireUser(state);
        return [{ type: 'UserSignedOutGlobally', data: { at: command.now } }];
      case 'DisableUser':
        requireUser(state);
        return state.enabled ? [{ type: 'UserDisabled', data: { at: command.now } }] : [];
      case 'EnableUser':
        requireUser(state);
        return state.enabled ? [] : [{ type: 'UserEnabled', data: { at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};

function requireUser(state: UserState): asserts state is Extract<UserState, { exists: true }> {
  if (!state.exists) throw new UserNotFoundError('User does not exist.');
}

function signUp(command: Extract<UserCommand, { type: 'SignUp' }>, state: UserState): UserEvent[] {
  if (state.exists) throw new UsernameExistsError('User already exists');
  const events: UserEvent[] = [
    {
      type: 'UserSignedUp',
      data: {
        poolId: command.poolId,
        sub: command.sub,
        username: command.username,
        attributes: command.attributes,
        passwordHash: command.passwordHash,
        signedUpAt: command.now,
      },
    },
  ];
  if (command.code) events.push({ type: 'ConfirmationCodeSent', data: { purpose: 'SIGN_UP', ...command.code } });
  return events;
}

function confirmSignUp(command: Extract<UserCommand, { type: 'ConfirmSignUp' }>, state: UserState): UserEvent[] {
  if (!state.exists) throw new UserNotFoundError('Username/client id combination not found.');
  if (state.status === 'CONFIRMED') {
    throw new NotAuthorizedError('User cannot be confirmed. Current status is CONFIRMED');
  }
  const code = state.code?.purpose === 'SIGN_UP' ? state.code : undefined;
  if (!code) throw new ExpiredCodeError('Invalid code provided, please request a code again.');
  if (code.failedAttempts >= MAX_CODE_ATTEMPTS) {
    throw new TooManyFailedAttemptsError('Too many failed attempts; request a new code.');
  }
  if (command.now >= code.expiresAt) throw new ExpiredCodeError('Invalid code provided, please request a code again.');
  if (!constantTimeEqual(command.presentedCodeHash, code.codeHash)) {
    // Recorded, then reported as CodeMismatch by the handler (see codeMismatchOutcome).
    return [{ type: 'ConfirmationCodeMismatched', data: { purpose: 'SIGN_UP', failedAttempts: code.failedAttempts + 1, at: command.now } }];
  }
  return [{ type: 'UserConfirmed', data: { confirmedAt: command.now, verifiedAttribute: code.attribute } }];
}

/** The error a recorded failed attempt answers with, if the events hold one. */
export function codeMismatchOutcome(events: readonly UserEvent[]): CodeMismatchError | undefined {
  return events.some((e) => e.type === 'ConfirmationCodeMismatched')
    ? new CodeMismatchError('Invalid verification code provided, please try again.')
    : undefined;
}
