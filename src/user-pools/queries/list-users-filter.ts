import { createHash } from 'node:crypto';
import { USERS_TABLE } from '../../../projections/user-directory/user-directory.projection.js';
import type { Platform } from '../../platform/platform.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { effectiveSchema } from '../schema.js';
import { loadPool } from '../user-pool.repository.js';
import { normalizeUsername } from '../username.js';
import { type UserRow, USER_ROW_COLUMNS, likePrefix, toDirectoryUser } from './user-rows.js';

export { likePrefix };

/** Cognito's searchable attributes; custom attributes are not searchable there either. */
const SEARCHABLE = ['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub'] as const;
export type FilterAttribute = (typeof SEARCHABLE)[number];

/** One parsed `attr = "value"` (exact) or `attr ^= "value"` (prefix). */
export interface UserFilter {
  attribute: FilterAttribute;
  match: 'exact' | 'prefix';
  value: string;
}

const malformed = (why: string) => new InvalidParameterError(`Error while parsing filter: ${why}`);

/**
 * Parses ListUsers' Filter. Pure. Empty or blank means "no filter" (Cognito lists everyone);
 * anything after the closing quote is refused, which is how "one attribute at a time" holds.
 */
export function parseUserFilter(text: string | undefined): UserFilter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const head = /^\s*([\w:.-]+)\s*(\^=|=)\s*/.exec(text);
  if (!head) throw malformed('expected <attribute> = "<value>" or <attribute> ^= "<value>"');
  let i = head[0].length;
  if (text[i] !== '"') throw malformed('the value must be in double quotes');
  let value = '';
  for (i += 1; ; i += 1) {
    if (i >= text.length) throw malformed('unterminated quoted value');
    const c = text[i];
    if (c === '"') break;
    if (c === '\\') {
      i += 1;
      if (i >= text.length) throw malformed('unterminated escape');
      value += text[i];
    } else value += c;
  }
  if (text.slice(i + 1).trim() !== '') throw malformed('only one attribute can be searched at a time');
  const attribute = head[1];
  if (!(SEARCHABLE as readonly string[]).includes(attribute)) throw new InvalidParameterError(`Invalid search attribute: ${attribute} is not searchable`);
  return { attribute: attribute as FilterAttribute, match: head[2] === '^=' ? 'prefix' : 'exact', value };
}

/** `LIKE` pattern for "starts with": the user's `%`, `_` and `\` are literal characters. */

/**
 * The filter as one parameterised SQL condition (values only ever travel as parameters).
 * `param(v)` adds a parameter and returns its placeholder.
 */
export function filterCondition(filter: UserFilter, usernameCaseSensitive: boolean, param: (value: unknown) => string): string {
  const compare = (column: string, value: string) =>
    filter.match === 'exact' ? `${column} = ${param(value)}` : `${column} LIKE ${param(likePrefix(value))} ESCAPE '\\'`;
  switch (filter.attribute) {
    case 'username':
      // Compared as the pool stores usernames: case-insensitive unless the pool says otherwise.
      return compare('username_key', normalizeUsername(filter.value, usernameCaseSensitive));
    case 'email':
      // email_key is the lower-cased address the directory indexes; addresses match whatever their case.
      return compare('email_key', filter.value.toLowerCase());
    case 'sub':
      return compare('sub', filter.value);
    case 'cognito:user_status':
      // Case-insensitive in Cognito; statuses are stored upper-case.
      return compare('status', filter.value.toUpperCase());
    case 'status': {
      // Case-sensitive "Enabled" / "Disabled" in Cognito, stored as a boolean here.
      const matches = (label: string) => (filter.match === 'exact' ? label === filter.value : label.startsWith(filter.value));
      const states = [...(matches('Enabled') ? [true] : []), ...(matches('Disabled') ? [false] : [])];
      return states.length === 0 ? 'false' : states.length === 2 ? 'true' : `enabled = ${param(states[0])}`;
    }
    default:
      return compare(`attributes ->> ${param(filter.attribute)}::text`, filter.value);
  }
}

export interface ListUsersFilteredInput {
  poolId: string;
  filter?: string;
  /** Names to keep in each user's attributes; undefined or empty keeps them all. */
  attributesToGet?: readonly string[];
  limit: number;
  paginationToken?: string;
}

export interface ListedUser {
  username: string;
  /** In Cognito's order: `sub` first (when kept), then the rest. */
  attributes: Array<{ name: string; value: string }>;
  createdAt: string;
  updatedAt: string;
  enabled: boolean;
  status: string;
}

/**
 * ListUsers over the user-directory read model, ordered by (username key, sub) so pages are
 * stable while users come and go. Read-your-writes holds because every write waits for
 * this read model before it answers.
 */
export async function listUsersFiltered(platform: Platform, input: ListUsersFilteredInput): Promise<{ users: ListedUser[]; paginationToken?: string }> {
  // 1. Pool, filter and attribute names are checked before anything is read.
  const pool = await loadPool(platform.store, input.poolId);
  const filter = parseUserFilter(input.filter);
  const keep = input.attributesToGet && input.attributesToGet.length > 0 ? input.attributesToGet : undefined;
  const known = new Set(effectiveSchema(pool.settings.schema).map((a) => a.name));
  if (keep?.some((name) => !known.has(name))) throw new InvalidParameterError('One or more requested attributes do not exist.');

  // 2. One parameterised query: pool, filter, page start, limit + 1 (to know whether more follow).
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = [`pool_id = ${param(pool.poolId)}`];
  if (filter) where.push(filterCondition(filter, pool.settings.usernameCaseSensitive, param));
  const scope = tokenScope(pool.poolId, filter);
  if (input.paginationToken) {
    const [key, sub] = decodeToken(input.paginationToken, scope);
    where.push(`(username_key, sub) > (${param(key)}, ${param(sub)})`);
  }
  const limit = param(input.limit + 1);
  const result = await platform.db.query<UserRow>(
    `SELECT ${USER_ROW_COLUMNS}
       FROM ${USERS_TABLE} WHERE ${where.join(' AND ')}
      ORDER BY username_key, sub LIMIT ${limit}`,
    params,
  );

  // 3. The page, and a token only when more users follow.
  const rows = result.rows.slice(0, input.limit);
  const last = rows[rows.length - 1];
  const users = rows.map((row) => toListedUser(row, keep));
  return result.rows.length > input.limit && last ? { users, paginationToken: encodeToken(scope, last.username_key, last.sub) } : { users };
}

/** Binds a token to its pool and filter, so it cannot be replayed against another listing. */
function tokenScope(poolId: string, filter: UserFilter | undefined): string {
  return createHash('sha256').update(JSON.stringify([poolId, filter ?? null])).digest('base64url').slice(0, 16);
}

function encodeToken(scope: string, key: string, sub: string): string {
  return Buffer.from(JSON.stringify({ v: 1, s: scope, k: key, u: sub })).toString('base64url');
}

function decodeToken(token: string, scope: string): [string, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const t = value as { v?: unknown; s?: unknown; k?: unknown; u?: unknown } | undefined;
  if (!t || t.v !== 1 || typeof t.k !== 'string' || typeof t.u !== 'string') throw new InvalidParameterError('Invalid pagination token.');
  if (t.s !== scope) throw new InvalidParameterError('The pagination token does not belong to this user pool and filter.');
  return [t.k, t.u];
}

function toListedUser(row: UserRow, keep: readonly string[] | undefined): ListedUser {
  const user = toDirectoryUser(row);
  const { sub: _sub, ...rest } = user.attributes;
  const all: Record<string, string> = { sub: user.sub, ...rest };
  const names = Object.keys(all).filter((name) => !keep || keep.includes(name));
  return {
    username: user.username,
    attributes: names.map((name) => ({ name, value: all[name] })),
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    enabled: user.enabled,
    status: user.status,
  };
}
