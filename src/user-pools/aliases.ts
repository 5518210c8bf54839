import { UniqueConstraintError } from '../event-store/errors.js';
import type { UniqueChange } from '../event-store/event-store.port.js';
import { AliasExistsError, UsernameExistsError } from '../shared/domain-error.js';
import type { UserPoolSettings } from './user-pool.events.js';
import { normalizeUsername, usernameScope } from './username.js';

export { AliasExistsError };

export type AliasKind = 'email' | 'phone' | 'preferred-username';
export const aliasScope = (kind: AliasKind, poolId: string) => `alias-${kind}:${poolId}`;

/** The scope of external logins: each (provider, subject) signs in as at most one user of the pool. */
export const externalLoginScope = (poolId: string) => `external-login:${poolId}`;

/** The unique value of an external identity: provider, the attribute it is matched on (Cognito_Subject: the IdP's user id), value. */
export const externalLoginValue = (providerName: string, userId: string, attributeName = 'Cognito_Subject') => `${providerName}\0${attributeName}\0${userId}`;

/** A unique value a user holds, normalised but not yet keyed (see Secrets.uniqueValue). */
export interface UniqueClaim {
  scope: string;
  value: string;
}

export interface PoolSignIn {
  poolId: string;
  settings: Pick<UserPoolSettings, 'usernameCaseSensitive' | 'usernameAttributes' | 'aliasAttributes'>;
}

const ALIASES = [
  { attribute: 'email', kind: 'email', verifiedBy: 'email_verified' },
  { attribute: 'phone_number', kind: 'phone', verifiedBy: 'phone_number_verified' },
  // preferred_username has no verification; it can only be set once the user is confirmed.
  { attribute: 'preferred_username', kind: 'preferred-username', verifiedBy: undefined },
] as const;

/**
 * Every unique value a user holds in its pool, from the pool's settings and the user's
 * current attributes (a pending, unverified new value is not an attribute yet):
 * - the username (for UsernameAttributes pools that is the sub);
 * - UsernameAttributes pools: each email / phone number the user has, under the username
 *   scope, since it is the name they sign in with (unique across the pool, verified or not);
 * - alias pools: a verified email / phone number and a preferred_username, each in its own scope.
 * All are compared as the pool compares usernames (CaseSensitive covers aliases too, as in Cognito).
 */
export function userClaims(
  pool: PoolSignIn,
  user: { username: string; attributes: Record<string, string>; identities?: ReadonlyArray<{ providerName: string; userId: string; attributeName?: string }> },
): UniqueClaim[] {
  const { usernameCaseSensitive: caseSensitive, usernameAttributes, aliasAttributes } = pool.settings;
  const norm = (value: string) => normalizeUsername(value, caseSensitive);
  const claims: UniqueClaim[] = [{ scope: usernameScope(pool.poolId), value: norm(user.username) }];
  for (const attribute of usernameAttributes) {
    const value = user.attributes[attribute];
    if (value) claims.push({ scope: usernameScope(pool.poolId), value: norm(value) });
  }
  for (const alias of ALIASES) {
    const value = user.attributes[alias.attribute];
    if (!aliasAttributes.includes(alias.attribute) || !value) continue;
    if (alias.verifiedBy && user.attributes[alias.verifiedBy] !== 'true') continue;
    claims.push({ scope: aliasScope(alias.kind, pool.poolId), value: norm(value) });
  }
  // Each external identity the user has (its own, or linked to it) is held by this user only.
  for (const identity of user.identities ?? []) {
    claims.push({ scope: externalLoginScope(pool.poolId), value: externalLoginValue(identity.providerName, identity.userId, identity.attributeName) });
  }
  return claims.filter((c, i) => claims.findIndex((o) => o.scope === c.scope && o.value === c.value) === i);
}

/**
 * The claims and releases an append must carry when a user's claims go from `before` to
 * `after` (an empty `before` for a new user), keyed by `key` (Secrets.uniqueValue).
 */
export function claimChanges(before: readonly UniqueClaim[], after: readonly UniqueClaim[], key: (scope: string, value: string) => string): UniqueChange[] {
  const id = (c: UniqueClaim) => `${c.scope}\0${c.value}`;
  const had = new Set(before.map(id));
  const has = new Set(after.map(id));
  return [
    ...before.filter((c) => !has.has(id(c))).map((c) => ({ scope: c.scope, value: key(c.scope, c.value), change: 'release' as const })),
    ...after.filter((c) => !had.has(id(c))).map((c) => ({ scope: c.scope, value: key(c.scope, c.value), change: 'claim' as const })),
  ];
}

/**
 * The domain error for a claim another user holds: the username (or a UsernameAttributes
 * sign-in name) is UsernameExistsException, an alias is AliasExistsException (Cognito's
 * path without ForceAliasCreation). Other errors are returned unchanged.
 */
export function claimConflict(error: unknown, pool: PoolSignIn): unknown {
  if (!(error instanceof UniqueConstraintError)) return error;
  if (error.scope === usernameScope(pool.poolId)) {
    const [only] = pool.settings.usernameAttributes;
    const named = pool.settings.usernameAttributes.length === 1 ? (only === 'email' ? 'email' : 'phone_number') : undefined;
    return new UsernameExistsError(named ? `An account with the given ${named} already exists.` : 'User already exists');
  }
  if (error.scope === externalLoginScope(pool.poolId)) return new AliasExistsError('Already found an entry for the provided username.');
  const alias = ALIASES.find((a) => error.scope === aliasScope(a.kind, pool.poolId));
  return alias ? new AliasExistsError(`An account with the given ${alias.attribute} already exists.`) : error;
}

/** Where a sign-in name may be held, in the order Cognito tries them: username, then aliases. */
export function signInNameCandidates(pool: PoolSignIn, name: string): UniqueClaim[] {
  const value = normalizeUsername(name, pool.settings.usernameCaseSensitive);
  return [
    { scope: usernameScope(pool.poolId), value },
    ...ALIASES.filter((a) => pool.settings.aliasAttributes.includes(a.attribute)).map((a) => ({ scope: aliasScope(a.kind, pool.poolId), value })),
  ];
}
