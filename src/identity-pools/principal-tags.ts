import type { ActiveIdentityPool } from './identity-pool.decider.js';
import type { VerifiedLogin } from './logins.js';
import { TAGS_CLAIM } from './openid-tokens.js';

/** Cognito's default mapping for attributes for access control: the app client and the user. */
export const DEFAULT_PRINCIPAL_TAGS: Readonly<Record<string, string>> = { client: 'aud', username: 'sub' };

/**
 * The session tags of a credentials request: for each login, its provider's principal tag map
 * (tag → claim; the defaults when UseDefaults) applied to the token's claims; an identity token
 * brings the tags its developer provider set. Claims that are not strings (or lists of strings,
 * joined by commas) give no tag.
 */
export function principalTags(pool: ActiveIdentityPool, logins: readonly VerifiedLogin[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const login of logins) {
    if (login.kind === 'identity') {
      const raw = (login.claims[TAGS_CLAIM] as { principal_tags?: Record<string, unknown> } | undefined)?.principal_tags ?? {};
      for (const [k, v] of Object.entries(raw)) {
        const first = Array.isArray(v) ? v[0] : v;
        if (typeof first === 'string') tags[k] = first;
      }
      continue;
    }
    const map = pool.principalTagMaps[login.provider];
    if (!map) continue;
    const mapping = map.useDefaults ? DEFAULT_PRINCIPAL_TAGS : map.principalTags;
    for (const [tag, claim] of Object.entries(mapping)) {
      const value = login.claims[claim];
      if (typeof value === 'string') tags[tag] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') tags[tag] = String(value);
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) tags[tag] = value.join(',');
    }
  }
  return tags;
}
