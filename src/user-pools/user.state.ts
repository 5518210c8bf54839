import type { CodePurpose, ContactAttribute, ExternalIdentity, MfaFactor, MfaPreference, SrpVerifierData, UserEvent } from './user.events.js';

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED' | 'EXTERNAL_PROVIDER';

export interface PendingCode {
  purpose: CodePurpose;
  codeHash: string;
  expiresAt: string;
  failedAttempts: number;
  attribute: ContactAttribute;
}

export type ExistingUserState = {
  exists: true;
  poolId: string;
  sub: string;
  username: string;
  status: UserStatus;
  enabled: boolean;
  attributes: Record<string, string>;
  /** New contact values waiting for verification (the old ones stay in `attributes`). */
  pending: Partial<Record<ContactAttribute, string>>;
  passwordHash: string;
  /** The current password's SRP verifier (none for passwords set before SRP, until the next sign-in). */
  srp?: SrpVerifierData;
  /** Hashes of earlier passwords, newest first (for the pool's password history rule). */
  previousPasswordHashes: string[];
  createdAt: string;
  updatedAt: string;
  /** When the current password was set (temporary-password validity counts from here). */
  passwordSetAt: string;
  /** Tokens of sign-ins before this instant are rejected (GlobalSignOut). */
  signedOutAt?: string;
  /** Outstanding one-time codes by `codeKey`. */
  codes: Record<string, PendingCode>;
  /** MFA factors (absent: none set up). */
  mfa?: UserMfa;
  /** External identities: a federated user's own, and those linked to it (AdminLinkProviderForUser). */
  identities?: ExternalIdentity[];
  /** AdminDisableProviderForUser (ProviderName Cognito): the password no longer signs the user in. */
  passwordSignInDisabled?: true;
};

export interface UserMfa {
  /** A TOTP seed associated and not yet verified (encrypted). */
  pendingSeed?: string;
  /** The verified TOTP factor: its seed (encrypted) and the last time step a code was accepted at. */
  totp?: { encryptedSeed: string; lastTimeStep: number; friendlyDeviceName?: string };
  preferences: Partial<Record<MfaFactor, MfaPreference>>;
}

export type UserState = { exists: false; deleted?: boolean } | ExistingUserState;

/** One slot per purpose; attribute verification has one per attribute. */
export const codeKey = (purpose: CodePurpose, attribute?: ContactAttribute) =>
  purpose === 'VERIFY_ATTRIBUTE' ? `VERIFY_ATTRIBUTE:${attribute ?? ''}` : purpose;

const HISTORY_KEPT = 24;

const mfaOf = (state: ExistingUserState): UserMfa => state.mfa ?? { preferences: {} };

/** Cognito's `identities` attribute: the user's external identities as a JSON array (absent when none). */
function withIdentities(state: ExistingUserState, identities: ExternalIdentity[]): ExistingUserState {
  const attributes = { ...state.attributes };
  if (identities.length === 0) delete attributes.identities;
  else {
    attributes.identities = JSON.stringify(
      identities.map((i) => ({
        userId: i.userId,
        providerName: i.providerName,
        providerType: i.providerType,
        issuer: i.issuer,
        primary: i.primary,
        dateCreated: i.dateCreated,
      })),
    );
  }
  return { ...state, attributes, identities };
}

/** Folds one event into the user's state. Never throws. */
export function evolveUser(state: UserState, event: UserEvent): UserState {
  if (event.type === 'ExternalUserCreated') {
    const d = event.data;
    const created: ExistingUserState = {
      exists: true,
      poolId: d.poolId,
      sub: d.sub,
      username: d.username,
      status: 'EXTERNAL_PROVIDER',
      enabled: true,
      attributes: { ...d.attributes },
      pending: {},
      passwordHash: '',
      previousPasswordHashes: [],
      createdAt: d.createdAt,
      updatedAt: d.createdAt,
      passwordSetAt: d.createdAt,
      codes: {},
    };
    return withIdentities(created, [d.identity]);
  }
  if (event.type === 'UserSignedUp' || event.type === 'UserCreatedByAdmin') {
    const d = event.data;
    const at = event.type === 'UserSignedUp' ? event.data.signedUpAt : event.data.createdAt;
    return {
      exists: true,
      poolId: d.poolId,
      sub: d.sub,
      username: d.username,
      status: event.type === 'UserSignedUp' ? 'UNCONFIRMED' : 'FORCE_CHANGE_PASSWORD',
      enabled: true,
      attributes: { ...d.attributes },
      pending: {},
      passwordHash: d.passwordHash,
      ...(d.srp ? { srp: d.srp } : {}),
      previousPasswordHashes: [],
      createdAt: at,
      updatedAt: at,
      passwordSetAt: at,
      codes: {},
    };
  }
  if (event.type === 'UserImported') {
    const d = event.data;
    const mfa: UserMfa | undefined = d.mfaEnabled ? { preferences: { SMS_MFA: { enabled: true, preferred: false } } } : undefined;
    return {
      exists: true,
      poolId: d.poolId,
      sub: d.sub,
      username: d.username,
      status: d.passwordHash ? 'CONFIRMED' : 'RESET_REQUIRED',
      enabled: true,
      attributes: { ...d.attributes },
      pending: {},
      passwordHash: d.passwordHash ?? '',
      previousPasswordHashes: [],
      createdAt: d.importedAt,
      updatedAt: d.importedAt,
      passwordSetAt: d.importedAt,
      codes: {},
      ...(mfa ? { mfa } : {}),
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'PasswordRehashed':
      return { ...state, passwordHash: event.data.passwordHash, srp: event.data.srp };
    case 'ConfirmationCodeSent': {
      const { purpose, codeHash, expiresAt, attribute } = event.data;
      return { ...state, codes: { ...state.codes, [codeKey(purpose, attribute)]: { purpose, codeHash, expiresAt, attribute, failedAttempts: 0 } } };
    }
    case 'ConfirmationCodeMismatched': {
      const key = codeKey(event.data.purpose, event.data.attribute);
      const code = state.codes[key];
      return code ? { ...state, codes: { ...state.codes, [key]: { ...code, failedAttempts: event.data.failedAttempts } } } : state;
    }
    case 'UserConfirmed': {
      const attributes = { ...state.attributes };
      if (event.data.verifiedAttribute) attributes[`${event.data.verifiedAttribute}_verified`] = 'true';
      const { SIGN_UP: _used, ...codes } = state.codes;
      return { ...state, status: 'CONFIRMED', attributes, codes, updatedAt: event.data.confirmedAt };
    }
    case 'PasswordChanged': {
      const d = event.data;
      const { FORGOT_PASSWORD: _used, ...codes } = state.codes;
      const status = !d.permanent ? 'FORCE_CHANGE_PASSWORD' : state.status === 'UNCONFIRMED' && d.reason !== 'ADMIN_SET' ? 'UNCONFIRMED' : 'CONFIRMED';
      const { srp: _old, ...rest } = state;
      return {
        ...rest,
        ...(d.srp ? { srp: d.srp } : {}),
        status,
        passwordHash: d.passwordHash,
        previousPasswordHashes: [state.passwordHash, ...state.previousPasswordHashes].slice(0, HISTORY_KEPT),
        passwordSetAt: d.changedAt,
        updatedAt: d.changedAt,
        codes: d.reason === 'RESET' ? codes : state.codes,
      };
    }
    case 'PasswordResetRequired':
      return { ...state, status: 'RESET_REQUIRED', updatedAt: event.data.at };
    case 'UserAttributesUpdated':
      return {
        ...state,
        attributes: { ...state.attributes, ...event.data.attributes },
        pending: { ...state.pending, ...(event.data.pending ?? {}) },
        updatedAt: event.data.at,
      };
    case 'UserAttributesDeleted': {
      const attributes = { ...state.attributes };
      const pending = { ...state.pending };
      for (const name of event.data.names) {
        delete attributes[name];
        delete pending[name as ContactAttribute];
        if (name === 'email' || name === 'phone_number') delete attributes[`${name}_verified`];
      }
      return { ...state, attributes, pending, updatedAt: event.data.at };
    }
    case 'UserAttributeVerified': {
      const { attribute, value, at } = event.data;
      const { [attribute]: _applied, ...pending } = state.pending;
      const { [codeKey('VERIFY_ATTRIBUTE', attribute)]: _used, ...codes } = state.codes;
      return { ...state, attributes: { ...state.attributes, [attribute]: value, [`${attribute}_verified`]: 'true' }, pending, codes, updatedAt: at };
    }
    case 'SrpVerifierAdded':
      return { ...state, srp: event.data.srp };
    case 'SoftwareTokenAssociated':
      return { ...state, mfa: { ...mfaOf(state), pendingSeed: event.data.encryptedSeed } };
    case 'SoftwareTokenVerified': {
      const mfa = mfaOf(state);
      if (!mfa.pendingSeed) return state;
      const { pendingSeed, ...rest } = mfa;
      const name = event.data.friendlyDeviceName;
      return {
        ...state,
        mfa: { ...rest, totp: { encryptedSeed: pendingSeed, lastTimeStep: event.data.timeStep, ...(name ? { friendlyDeviceName: name } : {}) } },
      };
    }
    case 'SoftwareTokenCodeUsed': {
      const mfa = mfaOf(state);
      return mfa.totp ? { ...state, mfa: { ...mfa, totp: { ...mfa.totp, lastTimeStep: Math.max(mfa.totp.lastTimeStep, event.data.timeStep) } } } : state;
    }
    case 'SoftwareTokenDeleted': {
      const { totp: _totp, pendingSeed: _pending, ...mfa } = mfaOf(state);
      const { SOFTWARE_TOKEN_MFA: _setting, ...preferences } = mfa.preferences;
      return { ...state, mfa: { ...mfa, preferences } };
    }
    case 'MfaPreferencesSet': {
      const mfa = mfaOf(state);
      const given = event.data.preferences;
      // One preferred factor at most: a newly preferred one takes the mark from the others.
      const newlyPreferred = Object.entries(given).find(([, p]) => p?.preferred)?.[0];
      const kept = Object.fromEntries(
        Object.entries(mfa.preferences).map(([f, p]) => [f, newlyPreferred && f !== newlyPreferred && p ? { ...p, preferred: false } : p]),
      );
      return { ...state, mfa: { ...mfa, preferences: { ...kept, ...given } } };
    }
    case 'UserSignedOutGlobally':
      return { ...state, signedOutAt: event.data.at };
    case 'UserDisabled':
      return { ...state, enabled: false, updatedAt: event.data.at };
    case 'UserEnabled':
      return { ...state, enabled: true, updatedAt: event.data.at };
    case 'ExternalIdentityLinked':
      return { ...withIdentities(state, [...(state.identities ?? []), event.data.identity]), updatedAt: event.data.at };
    case 'ExternalIdentityUnlinked': {
      const d = event.data;
      const kept = (state.identities ?? []).filter(
        (i) => !(i.providerName === d.providerName && i.userId === d.userId && (i.attributeName ?? undefined) === (d.attributeName ?? undefined)),
      );
      return { ...withIdentities(state, kept), updatedAt: d.at };
    }
    case 'PasswordSignInDisabled':
      return { ...state, passwordSignInDisabled: true, updatedAt: event.data.at };
    case 'UserDeleted':
      return { exists: false, deleted: true };
    default:
      return state;
  }
}
