import { type Decider, constantTimeEqual, unreachable } from '../shared/decider.js';
import {
  CodeMismatchError,
  EnableSoftwareTokenMfaError,
  ExpiredCodeError,
  InvalidParameterError,
  InvalidPasswordError,
  LimitExceededError,
  NotAuthorizedError,
  ResourceNotFoundError,
  TooManyFailedAttemptsError,
  UserNotFoundError,
  UsernameExistsError,
} from '../shared/domain-error.js';
import type {
  CodePurpose,
  ConfirmationCodeSent,
  ContactAttribute,
  ExternalIdentity,
  MfaFactor,
  MfaPreference,
  SrpVerifierData,
  UserEvent,
} from './user.events.js';
import { type ExistingUserState, type UserState, codeKey, evolveUser } from './user.state.js';

export type { ExistingUserState, PendingCode, UserState, UserStatus } from './user.state.js';

/** Wrong codes allowed per issued code before it stops working. */
export const MAX_CODE_ATTEMPTS = 5;

/** A code to send, already generated and hashed by the handler. */
export type CodeToSend = Omit<ConfirmationCodeSent['data'], 'purpose'>;

type Now = { now: string };

/** How a pool treats a changed email / phone number (AutoVerifiedAttributes, UserAttributeUpdateSettings). */
export interface AttributeVerification {
  /** A changed contact of these kinds gets a verification code (from the command's candidates). */
  autoVerified: readonly ContactAttribute[];
  /** The old value stays until the new one is verified; the new one waits as `pending`. */
  keepOriginalUntilVerified: readonly ContactAttribute[];
}

/** Codes the handler made for each new contact value the input carries; the decider uses those it needs. */
export type CodeCandidates = Partial<Record<ContactAttribute, CodeToSend>>;

const CONTACTS: readonly ContactAttribute[] = ['email', 'phone_number'];
export type UserCommand =
  | ({
      type: 'SignUp';
      poolId: string;
      sub: string;
      username: string;
      attributes: Record<string, string>;
      passwordHash: string;
      srp?: SrpVerifierData;
      code?: CodeToSend;
      /** Confirmed at once: a pre sign-up hook's autoConfirmUser, or a user migrated by the user migration hook. */
      confirmedBy?: 'PRE_SIGN_UP' | 'USER_MIGRATION';
      /** A migrated user whose hook answered finalUserStatus RESET_REQUIRED. */
      resetRequired?: boolean;
    } & Now)
  | ({
      type: 'CreateUserByAdmin';
      poolId: string;
      sub: string;
      username: string;
      attributes: Record<string, string>;
      passwordHash: string;
      srp?: SrpVerifierData;
    } & Now)
  /** A row of a user import file (validated by the import worker); `passwordHash` is the other system's. */
  | ({
      type: 'ImportUser';
      poolId: string;
      sub: string;
      username: string;
      attributes: Record<string, string>;
      passwordHash?: string;
      mfaEnabled: boolean;
      jobId: string;
    } & Now)
  /** A password sign-in proved `checkedHash` right and it needs replacing (imported, or weaker than argon2id as configured). */
  | ({ type: 'RehashPassword'; checkedHash: string; newPasswordHash: string; srp: SrpVerifierData } & Now)
  /** MFA: a TOTP seed to associate; the first code's check (made by the handler on the fresh state's seed); a sign-in's code; preferences. */
  | ({ type: 'AssociateSoftwareToken'; encryptedSeed: string } & Now)
  | ({ type: 'DeleteSoftwareToken' } & Now)
  | ({ type: 'VerifySoftwareToken'; codeOk: boolean; timeStep: number; friendlyDeviceName?: string } & Now)
  | ({ type: 'UseSoftwareTokenCode'; codeOk: boolean; timeStep: number } & Now)
  | ({ type: 'SetMfaPreferences'; preferences: Partial<Record<MfaFactor, MfaPreference>> } & Now)
  /** A password sign-in proved `checkedHash` right: record the SRP verifier it made, if the password is still that one. */
  | ({ type: 'AddSrpVerifier'; srp: SrpVerifierData; checkedHash: string } & Now)
  | ({ type: 'ConfirmSignUp'; presentedCodeHash: string } & Now)
  | ({ type: 'AdminConfirmSignUp' } & Now)
  | ({ type: 'SendCode'; purpose: CodePurpose; code: CodeToSend } & Now)
  | ({ type: 'ConfirmForgotPassword'; presentedCodeHash: string; newPasswordHash: string; srp?: SrpVerifierData; reusesRecentPassword: boolean } & Now)
  | ({ type: 'ChangePassword'; previousPasswordOk: boolean; newPasswordHash: string; srp?: SrpVerifierData; reusesRecentPassword: boolean } & Now)
  | ({ type: 'SetPassword'; newPasswordHash: string; srp?: SrpVerifierData; permanent: boolean; reusesRecentPassword: boolean } & Now)
  /** RespondToAuthChallenge NEW_PASSWORD_REQUIRED: the attributes given with the answer and the new password, in one append. */
  | ({
      type: 'CompleteNewPasswordChallenge';
      newPasswordHash: string;
      srp?: SrpVerifierData;
      attributes: Record<string, string>;
      verification: AttributeVerification;
      codes?: CodeCandidates;
    } & Now)
  | ({ type: 'RequirePasswordReset'; code?: CodeToSend } & Now)
  /** Checked against the schema by the handler; what changes, waits or gets a code is decided here on the fresh state. */
  | ({ type: 'UpdateAttributes'; attributes: Record<string, string>; verification: AttributeVerification; codes?: CodeCandidates } & Now)
  | ({ type: 'DeleteAttributes'; names: string[] } & Now)
  | ({ type: 'VerifyAttribute'; attribute: ContactAttribute; presentedCodeHash: string } & Now)
  | ({ type: 'DeleteUser'; by: 'USER' | 'ADMIN' } & Now)
  | ({ type: 'SignOutGlobally' } & Now)
  | ({ type: 'DisableUser' } & Now)
  | ({ type: 'EnableUser' } & Now)
  /** A first sign-in through an external IdP (attributes already mapped and checked by the handler). */
  | ({ type: 'CreateExternalUser'; poolId: string; sub: string; username: string; attributes: Record<string, string>; identity: ExternalIdentity } & Now)
  /** A later sign-in through an external IdP: the mapped attributes it brought (only changed ones are written). */
  | ({ type: 'SyncExternalAttributes'; attributes: Record<string, string> } & Now)
  | ({ type: 'LinkExternalIdentity'; identity: ExternalIdentity } & Now)
  | ({ type: 'UnlinkExternalIdentity'; providerName: string; userId: string; attributeName?: string } & Now)
  /** AdminDisableProviderForUser with ProviderName Cognito: the user's password sign-in ends (once). */
  | ({ type: 'DisablePasswordSignIn' } & Now);

/** Cognito's limit of external identities linked to one user. */
export const MAX_LINKED_IDENTITIES = 5;

const sameIdentity = (a: { providerName: string; userId: string; attributeName?: string }, b: typeof a) =>
  a.providerName === b.providerName && a.userId === b.userId && (a.attributeName ?? undefined) === (b.attributeName ?? undefined);

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: () => ({ exists: false }),
  evolve: evolveUser,
  refusal: codeMismatchOutcome,
  decide(command, state) {
    switch (command.type) {
      case 'SignUp':
        return signUp(command, state);
      case 'CreateUserByAdmin': {
        if (state.exists) throw new UsernameExistsError('User account already exists');
        const { poolId, sub, username, attributes, passwordHash, srp, now } = command;
        return [{ type: 'UserCreatedByAdmin', data: { poolId, sub, username, attributes, passwordHash, ...(srp ? { srp } : {}), createdAt: now } }];
      }
      case 'ImportUser': {
        if (state.exists) throw new UsernameExistsError('User account already exists');
        const { poolId, sub, username, attributes, passwordHash, mfaEnabled, jobId, now } = command;
        return [
          {
            type: 'UserImported',
            data: {
              poolId,
              sub,
              username,
              attributes,
              ...(passwordHash ? { passwordHash } : {}),
              ...(mfaEnabled ? { mfaEnabled } : {}),
              jobId,
              importedAt: now,
            },
          },
        ];
      }
      case 'RehashPassword': {
        const user = requireUser(state);
        // Only the password just proven: a password changed meanwhile is not overwritten.
        if (user.passwordHash !== command.checkedHash) return [];
        return [{ type: 'PasswordRehashed', data: { passwordHash: command.newPasswordHash, srp: command.srp, at: command.now } }];
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
        return [
          {
            type: 'PasswordChanged',
            data: { passwordHash: command.newPasswordHash, ...srpOf(command), reason: 'RESET', permanent: true, changedAt: command.now },
          },
        ];
      }
      case 'ChangePassword': {
        requireUser(state);
        if (!command.previousPasswordOk) throw new NotAuthorizedError('Incorrect username or password.');
        notRecent(command.reusesRecentPassword);
        return [
          {
            type: 'PasswordChanged',
            data: { passwordHash: command.newPasswordHash, ...srpOf(command), reason: 'CHANGE', permanent: true, changedAt: command.now },
          },
        ];
      }
      case 'SetPassword':
        requireUser(state);
        notRecent(command.reusesRecentPassword);
        return [
          {
            type: 'PasswordChanged',
            data: { passwordHash: command.newPasswordHash, ...srpOf(command), reason: 'ADMIN_SET', permanent: command.permanent, changedAt: command.now },
          },
        ];
      case 'CompleteNewPasswordChallenge': {
        const user = requireUser(state);
        if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new NotAuthorizedError('Invalid session for the user.');
        const changed = Object.keys(command.attributes).length > 0 ? updateAttributes(command, user) : [];
        return [
          ...changed,
          {
            type: 'PasswordChanged',
            data: { passwordHash: command.newPasswordHash, ...srpOf(command), reason: 'NEW_PASSWORD_CHALLENGE', permanent: true, changedAt: command.now },
          },
        ];
      }
      case 'RequirePasswordReset': {
        requireUser(state);
        const events: UserEvent[] = [{ type: 'PasswordResetRequired', data: { at: command.now } }];
        if (command.code) events.push({ type: 'ConfirmationCodeSent', data: { purpose: 'FORGOT_PASSWORD', ...command.code } });
        return events;
      }
      case 'UpdateAttributes':
        return updateAttributes(command, requireUser(state));
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
      case 'DeleteSoftwareToken': {
        const user = requireUser(state);
        if (!user.mfa?.totp && !user.mfa?.pendingSeed) throw new ResourceNotFoundError('Software token not found.');
        return [{ type: 'SoftwareTokenDeleted', data: { at: command.now } }];
      }
      case 'AssociateSoftwareToken':
        requireUser(state);
        return [{ type: 'SoftwareTokenAssociated', data: { encryptedSeed: command.encryptedSeed, at: command.now } }];
      case 'VerifySoftwareToken': {
        const user = requireUser(state);
        if (!user.mfa?.pendingSeed) throw new InvalidParameterError('Software token has not been associated: call AssociateSoftwareToken first');
        if (!command.codeOk) throw new EnableSoftwareTokenMfaError('Code mismatch and fail enable Software Token MFA');
        const name = command.friendlyDeviceName;
        const verified: UserEvent = {
          type: 'SoftwareTokenVerified',
          data: { ...(name ? { friendlyDeviceName: name } : {}), timeStep: command.timeStep, at: command.now },
        };
        // A first authenticator is the user's TOTP factor at once (not preferred); a setting the user made stays.
        if (user.mfa?.preferences.SOFTWARE_TOKEN_MFA) return [verified];
        return [verified, { type: 'MfaPreferencesSet', data: { preferences: { SOFTWARE_TOKEN_MFA: { enabled: true, preferred: false } }, at: command.now } }];
      }
      case 'UseSoftwareTokenCode': {
        const user = requireUser(state);
        const totp = user.mfa?.totp;
        if (!totp || !command.codeOk) throw new CodeMismatchError('Invalid code received for user');
        // A code counts once: a time step at or before the last accepted one is a replay.
        if (command.timeStep <= totp.lastTimeStep) throw new ExpiredCodeError('Your software token has already been used once.');
        return [{ type: 'SoftwareTokenCodeUsed', data: { timeStep: command.timeStep, at: command.now } }];
      }
      case 'SetMfaPreferences':
        return setMfaPreferences(command, requireUser(state));
      case 'AddSrpVerifier': {
        const user = requireUser(state);
        // Only for the password just proven, and only once.
        if (user.srp || user.passwordHash !== command.checkedHash) return [];
        return [{ type: 'SrpVerifierAdded', data: { srp: command.srp, at: command.now } }];
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
      case 'CreateExternalUser': {
        if (state.exists) throw new UsernameExistsError('User already exists');
        const { poolId, sub, username, attributes, identity, now } = command;
        return [{ type: 'ExternalUserCreated', data: { poolId, sub, username, attributes, identity, createdAt: now } }];
      }
      case 'SyncExternalAttributes': {
        const user = requireUser(state);
        const changed = Object.fromEntries(Object.entries(command.attributes).filter(([k, v]) => user.attributes[k] !== v));
        return Object.keys(changed).length ? [{ type: 'UserAttributesUpdated', data: { attributes: changed, at: command.now } }] : [];
      }
      case 'LinkExternalIdentity': {
        const user = requireUser(state);
        const identities = user.identities ?? [];
        if (identities.some((i) => sameIdentity(i, command.identity))) return [];
        if (identities.length >= MAX_LINKED_IDENTITIES) {
          throw new LimitExceededError(`A user can be linked to at most ${MAX_LINKED_IDENTITIES} external identities.`);
        }
        return [{ type: 'ExternalIdentityLinked', data: { identity: command.identity, at: command.now } }];
      }
      case 'UnlinkExternalIdentity': {
        const user = requireUser(state);
        const { providerName, userId, attributeName } = command;
        if (!(user.identities ?? []).some((i) => sameIdentity(i, { providerName, userId, ...(attributeName ? { attributeName } : {}) }))) return [];
        return [{ type: 'ExternalIdentityUnlinked', data: { providerName, userId, ...(attributeName ? { attributeName } : {}), at: command.now } }];
      }
      case 'DisablePasswordSignIn':
        return requireUser(state).passwordSignInDisabled ? [] : [{ type: 'PasswordSignInDisabled', data: { at: command.now } }];
      default:
        return unreachable(command);
    }
  },
};

/**
 * Update[Admin]UserAttributes, on the user as it is now:
 * - a changed email / phone becomes unverified, unless the call marks it verified (admins only);
 * - with UserAttributeUpdateSettings the old value stays until the new one is verified;
 * - an auto-verified kind gets a code to the new value.
 */
function updateAttributes(
  command: { attributes: Record<string, string>; verification: AttributeVerification; codes?: CodeCandidates; now: string },
  user: ExistingUserState,
): UserEvent[] {
  const set: Record<string, string> = { ...command.attributes };
  const pending: Partial<Record<ContactAttribute, string>> = {};
  const codes: CodeToSend[] = [];
  for (const attribute of CONTACTS) {
    const value = command.attributes[attribute];
    if (value === undefined || value === user.attributes[attribute]) continue;
    if (set[`${attribute}_verified`] === 'true') continue;
    if (command.verification.keepOriginalUntilVerified.includes(attribute) && user.attributes[attribute]) {
      delete set[attribute];
      pending[attribute] = value;
    } else {
      set[`${attribute}_verified`] = 'false';
    }
    const code = command.codes?.[attribute];
    if (command.verification.autoVerified.includes(attribute) && code) codes.push(code);
  }
  return [
    { type: 'UserAttributesUpdated', data: { attributes: set, ...(Object.keys(pending).length ? { pending } : {}), at: command.now } },
    ...codes.map((code): UserEvent => ({ type: 'ConfirmationCodeSent', data: { purpose: 'VERIFY_ATTRIBUTE', ...code } })),
  ];
}

function setMfaPreferences(command: Extract<UserCommand, { type: 'SetMfaPreferences' }>, user: ExistingUserState): UserEvent[] {
  const { preferences } = command;
  if (Object.values(preferences).filter((p) => p?.preferred).length > 1) throw new InvalidParameterError('Only one MFA method can be preferred');
  for (const [factor, p] of Object.entries(preferences) as Array<[MfaFactor, MfaPreference | undefined]>) {
    if (!p) continue;
    if (p.preferred && !p.enabled) throw new InvalidParameterError('A preferred MFA method must be enabled');
    if (!p.enabled) continue;
    if (factor === 'SOFTWARE_TOKEN_MFA' && !user.mfa?.totp) throw new InvalidParameterError('User has not verified software token mfa');
    if (factor === 'SMS_MFA' && !user.attributes.phone_number) throw new InvalidParameterError('User does not have a phone number for SMS MFA');
    if (factor === 'EMAIL_OTP' && !user.attributes.email) throw new InvalidParameterError('User does not have an email address for EMAIL_OTP MFA');
  }
  return Object.keys(preferences).length ? [{ type: 'MfaPreferencesSet', data: { preferences, at: command.now } }] : [];
}

const srpOf = (command: { srp?: SrpVerifierData }) => (command.srp ? { srp: command.srp } : {});

function requireUser(state: UserState): ExistingUserState {
  if (!state.exists) throw new UserNotFoundError('User does not exist.');
  return state;
}

function notRecent(reuses: boolean): void {
  if (reuses) throw new InvalidPasswordError('Password has previously been used');
}

function signUp(command: Extract<UserCommand, { type: 'SignUp' }>, state: UserState): UserEvent[] {
  if (state.exists) throw new UsernameExistsError('User already exists');
  const { poolId, sub, username, attributes, passwordHash, srp, now } = command;
  const events: UserEvent[] = [{ type: 'UserSignedUp', data: { poolId, sub, username, attributes, passwordHash, ...(srp ? { srp } : {}), signedUpAt: now } }];
  if (command.confirmedBy) events.push({ type: 'UserConfirmed', data: { confirmedAt: now, via: command.confirmedBy } });
  else if (command.code) events.push({ type: 'ConfirmationCodeSent', data: { purpose: 'SIGN_UP', ...command.code } });
  if (command.resetRequired) events.push({ type: 'PasswordResetRequired', data: { at: now } });
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
function checkCode(
  user: ExistingUserState,
  purpose: CodePurpose,
  attribute: ContactAttribute | undefined,
  presentedHash: string,
  now: string,
): UserEvent[] | undefined {
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
