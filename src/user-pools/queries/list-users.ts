import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { READ_DB } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { USERS_TABLE } from '../directory/tables.js';
import { type DirectoryUser, type UserRow, USER_ROW_COLUMNS, toDirectoryUser } from '../directory/user-rows.js';
import { Pools } from '../pools.js';
import { effectiveSchema } from '../schema.js';
import { filterCondition, parseUserFilter, type UserFilter } from './list-users-filter.js';
import { MAX_CONDITIONS, SORTS, searchConditions, type UserSearch } from './user-search.js';

export type { DirectoryUser };

export interface ListUsersInput {
  poolId: string;
  /** Cognito's Filter text (`name ^= "value"`), parsed once the pool is known. */
  filter?: string;
  /** All must match (the REST surface may give a username and an email prefix). */
  filters?: readonly UserFilter[];
  /** Names to keep in each user's attributes; undefined or empty keeps them all. */
  attributesToGet?: readonly string[];
  limit: number;
  paginationToken?: string;
  /** The search beyond Cognito's Filter (REST, GraphQL): several attributes, custom ones, status, group, creation time, order. */
  search?: UserSearch;
}

export interface UserPage {
  /** Attributes in Cognito's order: `sub` first (when kept), then the rest. */
  users: DirectoryUser[];
  paginationToken?: string;
}

/**
 * ListUsers (Cognito), GET /v1/user-pools/{id}/users (REST) and GraphQL's users: the user-directory
 * read model, ordered by (username key, sub) — or by (creation time, sub) for a search that asks —
 * so pages are stable while users come and go. Read-your-writes
 * holds because every write waits for this read model before it answers.
 */
export class ListUsersQuery extends UseCaseQuery<ListUsersInput, UserPage> {}

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(
    private readonly pools: Pools,
    @Inject(READ_DB) private readonly db: SqlExecutor,
  ) {}

  async execute({ input }: ListUsersQuery): Promise<UserPage> {
    // 1. Pool and attribute names are checked before anything is read.
    const pool = await this.pools.load(input.poolId);
    const parsed = parseUserFilter(input.filter);
    const filters = [...(input.filters ?? []), ...(parsed ? [parsed] : [])];
    const keep = input.attributesToGet && input.attributesToGet.length > 0 ? input.attributesToGet : undefined;
    const known = new Set(effectiveSchema(pool.settings.schema).map((a) => a.name));
    if (keep?.some((name) => !known.has(name))) throw new InvalidParameterError('One or more requested attributes do not exist.');
    const search = input.search;
    const conditions = search?.conditions ?? [];
    if (conditions.length > MAX_CONDITIONS) throw new InvalidParameterError(`At most ${MAX_CONDITIONS} search conditions.`);
    const unknown = conditions.find((c) => c.attribute !== 'username' && c.attribute !== 'sub' && !known.has(c.attribute));
    if (unknown) throw new InvalidParameterError(`Invalid search attribute: ${unknown.attribute} is not an attribute of this user pool.`);
    const sort = SORTS[search?.sort ?? 'username'];

    // 2. One parameterised query: pool, filters, page start, limit + 1 (to know whether more follow).
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`pool_id = ${param(pool.poolId)}`];
    for (const filter of filters) where.push(filterCondition(filter, pool.settings.usernameCaseSensitive, param));
    if (search) where.push(...searchConditions(search, pool.poolId, pool.settings.usernameCaseSensitive, param));
    const scope = tokenScope(pool.poolId, filters, search);
    const key = sort.key === 'created_at' ? 'u.created_at' : 'u.username_key';
    if (input.paginationToken) {
      const [value, sub] = decodeToken(input.paginationToken, scope);
      where.push(`(${key}, u.sub) ${sort.descending ? '<' : '>'} (${param(value)}${sort.key === 'created_at' ? '::timestamptz' : ''}, ${param(sub)})`);
    }
    const limit = param(input.limit + 1);
    const order = sort.descending ? 'DESC' : 'ASC';
    const result = await this.db.query<UserRow>(
      `SELECT ${USER_ROW_COLUMNS} FROM ${USERS_TABLE} u WHERE ${where.join(' AND ')} ORDER BY ${key} ${order}, u.sub ${order} LIMIT ${limit}`,
      params,
    );

    // 3. The page, and a token only when more users follow.
    const rows = result.rows.slice(0, input.limit);
    const last = rows[rows.length - 1];
    const users = rows.map((row) => keepAttributes(toDirectoryUser(row), keep));
    if (!(result.rows.length > input.limit && last)) return { users };
    const continueFrom = sort.key === 'created_at' ? toDirectoryUser(last).createdAt : last.username_key;
    return { users, paginationToken: encodeToken(scope, continueFrom, last.sub) };
  }
}

function keepAttributes(user: DirectoryUser, keep: readonly string[] | undefined): DirectoryUser {
  const { sub: _sub, ...rest } = user.attributes;
  const all: Record<string, string> = { sub: user.sub, ...rest };
  return { ...user, attributes: Object.fromEntries(Object.entries(all).filter(([name]) => !keep || keep.includes(name))) };
}

/** Binds a token to its pool, filters and search (order included), so it cannot be replayed against another listing. */
function tokenScope(poolId: string, filters: readonly UserFilter[], search?: UserSearch): string {
  const scope: unknown[] = [poolId, filters.length === 1 ? filters[0] : filters.length === 0 ? null : filters];
  // Tokens of listings without a search keep the scope they always had.
  if (search) scope.push(search);
  return createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 16);
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
