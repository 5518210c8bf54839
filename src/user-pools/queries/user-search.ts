import { InvalidParameterError } from '../../shared/domain-error.js';
import { GROUP_MEMBERS_TABLE, GROUPS_TABLE, USERS_TABLE } from '../directory/tables.js';
import { PREFIX_KEY_LENGTH, likePrefix, searchKey } from '../directory/user-rows.js';
import { normalizeUsername } from '../username.js';

/** One condition of the user search: an attribute's whole value, or its start. */
export interface AttributeCondition {
  /** `username`, `sub`, or any standard or custom attribute of the pool (`custom:tier`). */
  attribute: string;
  match: 'exact' | 'prefix';
  value: string;
}

export type UserSort = 'username' | '-username' | 'created' | '-created';

/**
 * The user search beyond Cognito's one-attribute Filter (REST and GraphQL): every condition must
 * hold. Attribute values compare case-insensitively; the username as the pool compares usernames.
 */
export interface UserSearch {
  conditions?: readonly AttributeCondition[];
  status?: string;
  enabled?: boolean;
  /** Members of this group only. */
  group?: string;
  /** Created at or after / strictly before (ISO 8601). */
  createdAfter?: string;
  createdBefore?: string;
  sort?: UserSort;
}

/** At most this many conditions: each is an index key or a join, and the planner's work grows with them. */
export const MAX_CONDITIONS = 10;

/**
 * Parses `attribute=value` / `attribute^=value` (the REST `filter` parameter and GraphQL's
 * shorthand). Pure; the attribute name is checked against the pool's schema by the query.
 */
export function parseCondition(text: string): AttributeCondition {
  const m = /^([\w:.-]{1,64})(\^?=)(.*)$/su.exec(text);
  if (!m || m[3] === '') throw new InvalidParameterError(`Invalid filter "${text.slice(0, 80)}": expected <attribute>=<value> or <attribute>^=<value>`);
  return { attribute: m[1], match: m[2] === '^=' ? 'prefix' : 'exact', value: m[3] };
}

/** The key column and order of each sort, and the row field its page token continues from. */
export const SORTS: Record<UserSort, { key: 'username_key' | 'created_at'; descending: boolean }> = {
  username: { key: 'username_key', descending: false },
  '-username': { key: 'username_key', descending: true },
  created: { key: 'created_at', descending: false },
  '-created': { key: 'created_at', descending: true },
};

/**
 * The search as parameterised SQL conditions on the users table `u` (values only ever travel as
 * parameters). Attribute conditions become one containment test on the GIN-indexed search keys
 * (all of them in one index scan), plus a check on the value for prefixes longer than the keys.
 */
export function searchConditions(search: UserSearch, poolId: string, usernameCaseSensitive: boolean, param: (value: unknown) => string): string[] {
  const where: string[] = [];
  const keys: string[] = [];
  for (const c of search.conditions ?? []) {
    if (c.attribute === 'username') {
      const key = normalizeUsername(c.value, usernameCaseSensitive);
      where.push(c.match === 'exact' ? `u.username_key = ${param(key)}` : `u.username_key LIKE ${param(likePrefix(key))} ESCAPE '\\'`);
    } else if (c.attribute === 'sub') {
      where.push(c.match === 'exact' ? `u.sub = ${param(c.value)}` : `u.sub LIKE ${param(likePrefix(c.value))} ESCAPE '\\'`);
    } else if (c.match === 'exact') {
      keys.push(searchKey('e', c.attribute, c.value));
    } else {
      const chars = [...c.value];
      keys.push(searchKey('p', c.attribute, chars.slice(0, PREFIX_KEY_LENGTH).join('')));
      if (chars.length > PREFIX_KEY_LENGTH)
        where.push(`lower(u.attributes ->> ${param(c.attribute)}) LIKE ${param(likePrefix(c.value.toLowerCase()))} ESCAPE '\\'`);
    }
  }
  if (keys.length > 0) where.unshift(`u.search_keys @> ${param(JSON.stringify(keys))}::jsonb`);
  if (search.status !== undefined) where.push(`u.status = ${param(search.status)}`);
  if (search.enabled !== undefined) where.push(`u.enabled = ${param(search.enabled)}`);
  if (search.createdAfter !== undefined) where.push(`u.created_at >= ${param(search.createdAfter)}::timestamptz`);
  if (search.createdBefore !== undefined) where.push(`u.created_at < ${param(search.createdBefore)}::timestamptz`);
  if (search.group !== undefined) {
    // A membership counts only while its group exists with the creation instant it names.
    where.push(
      `EXISTS (SELECT 1 FROM ${GROUP_MEMBERS_TABLE} m JOIN ${GROUPS_TABLE} g ON g.pool_id = m.pool_id AND g.group_name = m.group_name AND g.created_at = m.group_created_at
               WHERE m.pool_id = ${param(poolId)} AND m.group_name = ${param(search.group)} AND m.sub = u.sub)`,
    );
  }
  return where;
}

export { USERS_TABLE };
