import type { ExistingUserState, UserState } from '../../user-pools/user.state.js';
import { evolveUser } from '../../user-pools/user.state.js';
import type { UserEvent } from '../../user-pools/user.events.js';

/**
 * What AdminGetUser and ListUsers show of a user, as a fold of the user's stream leaves it.
 * The replay (from the log) and the as-of read model (versions of this) share this shape and
 * this evolution, so they cannot disagree about what a user looked like.
 */
export interface UserSnapshot {
  poolId: string;
  sub: string;
  username: string;
  status: string;
  enabled: boolean;
  /** Without `sub` (the shapes put it first). */
  attributes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export function snapshotOf(state: UserState): UserSnapshot | undefined {
  if (!state.exists) return undefined;
  const { sub: _sub, ...attributes } = state.attributes;
  return {
    poolId: state.poolId,
    sub: state.sub,
    username: state.username,
    status: state.status,
    enabled: state.enabled,
    attributes,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
}

/**
 * Events that change the snapshot. The others (codes sent or mismatched, global sign-out) change
 * nothing AdminGetUser shows, so they make no version.
 */
export const VERSIONED_USER_EVENTS: ReadonlySet<string> = new Set<UserEvent['type']>([
  'UserSignedUp',
  'UserCreatedByAdmin',
  'UserImported',
  'UserConfirmed',
  'PasswordChanged',
  'PasswordResetRequired',
  'UserAttributesUpdated',
  'UserAttributesDeleted',
  'UserAttributeVerified',
  'UserDisabled',
  'UserEnabled',
  'UserDeleted',
]);

/**
 * The snapshot after `event`. What evolveUser needs beyond the snapshot (password hashes, codes,
 * pending contact values) never reaches a field the snapshot shows, so a stored version is
 * enough to go on from.
 */
export function evolveSnapshot(snapshot: UserSnapshot | undefined, event: UserEvent): UserSnapshot | undefined {
  return snapshotOf(evolveUser(snapshot ? stateOf(snapshot) : { exists: false }, event));
}

function stateOf(s: UserSnapshot): ExistingUserState {
  return {
    exists: true,
    poolId: s.poolId,
    sub: s.sub,
    username: s.username,
    status: s.status as ExistingUserState['status'],
    enabled: s.enabled,
    attributes: { ...s.attributes },
    pending: {},
    passwordHash: '',
    previousPasswordHashes: [],
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    passwordSetAt: s.updatedAt,
    codes: {},
  };
}

const epochSeconds = (iso: string) => Date.parse(iso) / 1000;

const attributeList = (s: UserSnapshot) => [{ Name: 'sub', Value: s.sub }, ...Object.entries(s.attributes).map(([Name, Value]) => ({ Name, Value }))];

/** AdminGetUser's answer (dates in epoch seconds, as on the Cognito wire). */
export function adminGetUserShape(s: UserSnapshot) {
  return {
    Username: s.username,
    UserAttributes: attributeList(s),
    UserCreateDate: epochSeconds(s.createdAt),
    UserLastModifiedDate: epochSeconds(s.updatedAt),
    Enabled: s.enabled,
    UserStatus: s.status,
  };
}

/** Cognito's UserType (ListUsers, ListUsersInGroup). */
export function userTypeShape(s: UserSnapshot) {
  return {
    Username: s.username,
    Attributes: attributeList(s),
    UserCreateDate: epochSeconds(s.createdAt),
    UserLastModifiedDate: epochSeconds(s.updatedAt),
    Enabled: s.enabled,
    UserStatus: s.status,
  };
}
