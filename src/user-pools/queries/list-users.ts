import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { USERS_TABLE } from '../../../projections/user-directory/user-directory.projection.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { loadPool } from '../user-pool.repository.js';
import { normalizeUsername } from '../username.js';
import { type DirectoryUser, type UserRow, USER_ROW_COLUMNS, likePrefix, toDirectoryUser } from './user-rows.js';

export type { DirectoryUser };

export interface ListUsersInput {
  poolId: string;
  usernamePrefix?: string;
  emailPrefix?: string;
  limit: number;
  cursor?: string;
}

export interface UserPage {
  users: DirectoryUser[];
  nextCursor?: string;
}

export class ListUsersQuery extends Query<UserPage> {
  constructor(readonly input: ListUsersInput) {
    super();
  }
}

/** Lists users from the user-directory read model, by username order, with an opaque cursor. */
@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input }: ListUsersQuery): Promise<UserPage> {
    const pool = await loadPool(this.platform.store, input.poolId);
    const where = ['pool_id = $1'];
    const params: unknown[] = [pool.poolId];
    if (input.usernamePrefix) {
      params.push(likePrefix(normalizeUsername(input.usernamePrefix, pool.settings.usernameCaseSensitive)));
      where.push(`username_key LIKE $${params.length}`);
    }
    if (input.emailPrefix) {
      params.push(likePrefix(input.emailPrefix.toLowerCase()));
      where.push(`email_key LIKE $${params.length}`);
    }
    if (input.cursor) {
      const [key, sub] = decodeCursor(input.cursor);
      params.push(key, sub);
      where.push(`(username_key, sub) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(input.limit + 1);
    const r = await this.platform.db.query<UserRow>(
      `SELECT ${USER_ROW_COLUMNS}
         FROM ${USERS_TABLE} WHERE ${where.join(' AND ')}
        ORDER BY username_key, sub LIMIT $${params.length}`,
      params,
    );
    const rows = r.rows.slice(0, input.limit);
    const more = r.rows.length > input.limit;
    const last = rows[rows.length - 1];
    return {
      users: rows.map(toDirectoryUser),
      ...(more && last ? { nextCursor: encodeCursor(last.username_key, last.sub) } : {}),
    };
  }
}

function encodeCursor(key: string, sub: string): string {
  return Buffer.from(JSON.stringify([key, sub])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // fall through
  }
  throw new InvalidParameterError('Invalid pagination token');
}

