import type { JWTPayload } from 'jose';
import type { ClientSettings } from '../user-pools/clients/client.events.js';
import type { TokenGroups } from '../user-pools/groups/token-groups.js';

export interface ClaimsInput {
  issuer: string;
  clientId: string;
  client: ClientSettings;
  sub: string;
  username: string;
  attributes: Record<string, string>;
  groups: TokenGroups;
  /** Epoch seconds of the original sign-in. */
  authTime: number;
  /** Refresh-token family: Cognito's origin_jti, shared by every token of one sign-in. */
  originJti: string;
  /** Id of the sign-in event that produced the tokens. */
  eventId: string;
  jti: () => string;
}

/**
 * Group names in token order (see groupsForToken). The groups' IAM roles ride on the same
 * array, so they reach the ID token through every issuer path that already passes `groups`.
 */
export type { TokenGroups };

/** Attributes never put in tokens (internal bookkeeping). */
const NOT_CLAIMS = new Set(['sub']);

/**
 * Cognito's `identities` claim: the user's external identities as a JSON array, each member's
 * values as strings the way Cognito writes them in ID tokens (`primary` "true", `dateCreated`
 * epoch milliseconds), `issuer` null where the IdP has none.
 */
function identitiesClaim(value: string): unknown {
  try {
    const listed = JSON.parse(value) as Array<{
      userId: string;
      providerName: string;
      providerType: string;
      issuer: string | null;
      primary: boolean;
      dateCreated: number;
    }>;
    return listed.map((i) => ({
      dateCreated: String(i.dateCreated),
      userId: i.userId,
      providerName: i.providerName,
      providerType: i.providerType,
      issuer: i.issuer ?? null,
      primary: String(i.primary),
    }));
  } catch {
    return value;
  }
}

/** Cognito's ID token claims: identity plus the attributes the client may read (custom:* as strings). */
export function idTokenClaims(i: ClaimsInput): JWTPayload {
  const readable = i.client.readAttributes;
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(i.attributes)) {
    // Developer-only attributes (`dev:custom:`) are never shown to the user, so never in a token either.
    if (NOT_CLAIMS.has(name) || name.startsWith('dev:')) continue;
    if (readable.length > 0 && !readable.includes(name) && !name.endsWith('_verified') && name !== 'identities') continue;
    attributes[name] =
      name === 'email_verified' || name === 'phone_number_verified' ? value === 'true' : name === 'identities' ? identitiesClaim(value) : value;
  }
  return {
    ...attributes,
    sub: i.sub,
    iss: i.issuer,
    aud: i.clientId,
    token_use: 'id',
    'cognito:username': i.username,
    ...(i.groups.length > 0 ? { 'cognito:groups': [...i.groups] } : {}),
    // Cognito puts roles in the ID token only (identity pools read them from there).
    ...(i.groups.roles?.length ? { 'cognito:roles': i.groups.roles } : {}),
    ...(i.groups.preferredRole ? { 'cognito:preferred_role': i.groups.preferredRole } : {}),
    origin_jti: i.originJti,
    event_id: i.eventId,
    auth_time: i.authTime,
    jti: i.jti(),
  };
}

/** Cognito's access token claims. */
export function accessTokenClaims(i: ClaimsInput): JWTPayload {
  return {
    sub: i.sub,
    iss: i.issuer,
    client_id: i.clientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    username: i.username,
    ...(i.groups.length > 0 ? { 'cognito:groups': [...i.groups] } : {}),
    origin_jti: i.originJti,
    event_id: i.eventId,
    auth_time: i.authTime,
    jti: i.jti(),
  };
}
