import type { JWTPayload } from 'jose';

/** Cognito's pre token generation trigger sources. */
export type TokenSource =
  | 'TokenGeneration_Authentication'
  | 'TokenGeneration_RefreshTokens'
  | 'TokenGeneration_NewPasswordChallenge'
  | 'TokenGeneration_AuthenticateDevice'
  | 'TokenGeneration_HostedAuth';

/** The two tokens of a sign-in before they are signed. */
export interface TokenDraft {
  id: JWTPayload;
  access: JWTPayload;
}

/** Claims a hook can neither add, change nor suppress (Cognito's lists; groups and roles go through groupOverrideDetails). */
const PROTECTED_COMMON = [
  'acr',
  'amr',
  'aud',
  'at_hash',
  'auth_time',
  'azp',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'sub',
  'token_use',
  'event_id',
  'cognito:groups',
  'cognito:roles',
  'cognito:preferred_role',
];
export const PROTECTED_ID_CLAIMS: ReadonlySet<string> = new Set([...PROTECTED_COMMON, 'cognito:username']);
export const PROTECTED_ACCESS_CLAIMS: ReadonlySet<string> = new Set([...PROTECTED_COMMON, 'client_id', 'scope', 'username', 'device_key', 'version']);

const list = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);

/** The hook's request: the user's attributes, the groups the tokens would carry, the access token's scopes (V2), the caller's metadata. */
export function preTokenRequest(
  version: string,
  userAttributes: Record<string, string>,
  draft: TokenDraft,
  clientMetadata: Record<string, string>,
): Record<string, unknown> {
  const groupConfiguration = {
    groupsToOverride: list(draft.id['cognito:groups']) ?? [],
    iamRolesToOverride: list(draft.id['cognito:roles']) ?? [],
    ...(typeof draft.id['cognito:preferred_role'] === 'string' ? { preferredRole: draft.id['cognito:preferred_role'] } : {}),
  };
  const scopes = typeof draft.access.scope === 'string' ? draft.access.scope.split(' ').filter(Boolean) : [];
  return { userAttributes, groupConfiguration, ...(version === '1' ? {} : { scopes }), clientMetadata };
}

/**
 * The tokens as the hook's answer leaves them. V1 (`claimsOverrideDetails`) changes the ID
 * token; V2 (`claimsAndScopeOverrideDetails`) each token and the access token's scopes. A claim
 * both added and suppressed is suppressed; protected claims are left as they were; the groups,
 * roles and preferred role are replaced by `groupOverrideDetails` when it is given (null or empty:
 * none), in both tokens for the groups.
 */
export function applyPreTokenResponse(version: string, response: Record<string, unknown> | undefined, draft: TokenDraft): TokenDraft {
  if (!response) return draft;
  let id = { ...draft.id };
  let access = { ...draft.access };
  const v1 = response.claimsOverrideDetails as Record<string, unknown> | null | undefined;
  const v2 = version === '1' ? undefined : (response.claimsAndScopeOverrideDetails as Record<string, unknown> | null | undefined);
  if (v1) id = changeClaims(id, v1, PROTECTED_ID_CLAIMS);
  if (v2?.idTokenGeneration) id = changeClaims(id, v2.idTokenGeneration as Record<string, unknown>, PROTECTED_ID_CLAIMS);
  const accessChanges = v2?.accessTokenGeneration as Record<string, unknown> | null | undefined;
  if (accessChanges) {
    access = changeClaims(access, accessChanges, PROTECTED_ACCESS_CLAIMS);
    access = changeScopes(access, list(accessChanges.scopesToAdd) ?? [], list(accessChanges.scopesToSuppress) ?? []);
  }
  const groupsGiven = (v2 && 'groupOverrideDetails' in v2) || (v1 && 'groupOverrideDetails' in v1);
  if (groupsGiven) {
    const groups = ((v2 && 'groupOverrideDetails' in v2 ? v2.groupOverrideDetails : v1?.groupOverrideDetails) ?? {}) as Record<string, unknown>;
    ({ id, access } = overrideGroups(id, access, groups));
  }
  return { id, access };
}

function changeClaims(claims: JWTPayload, changes: Record<string, unknown>, protectedClaims: ReadonlySet<string>): JWTPayload {
  const out: JWTPayload = { ...claims };
  const add = (changes.claimsToAddOrOverride ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(add)) if (!protectedClaims.has(name)) out[name] = value;
  for (const name of list(changes.claimsToSuppress) ?? []) if (!protectedClaims.has(name)) delete out[name];
  return out;
}

function changeScopes(access: JWTPayload, add: string[], suppress: string[]): JWTPayload {
  const current = typeof access.scope === 'string' ? access.scope.split(' ').filter(Boolean) : [];
  const scopes = [...new Set([...current, ...add])].filter((s) => !suppress.includes(s));
  const { scope: _scope, ...rest } = access;
  return scopes.length > 0 ? { ...rest, scope: scopes.join(' ') } : rest;
}

function overrideGroups(id: JWTPayload, access: JWTPayload, groups: Record<string, unknown>): TokenDraft {
  const { 'cognito:groups': _g, 'cognito:roles': _r, 'cognito:preferred_role': _p, ...idRest } = id;
  const { 'cognito:groups': _ag, ...accessRest } = access;
  const names = list(groups.groupsToOverride) ?? [];
  const roles = list(groups.iamRolesToOverride) ?? [];
  const preferred = typeof groups.preferredRole === 'string' ? groups.preferredRole : undefined;
  return {
    id: {
      ...idRest,
      ...(names.length ? { 'cognito:groups': names } : {}),
      ...(roles.length ? { 'cognito:roles': roles } : {}),
      ...(preferred ? { 'cognito:preferred_role': preferred } : {}),
    },
    access: { ...accessRest, ...(names.length ? { 'cognito:groups': names } : {}) },
  };
}
