import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { READ_DB, STORE } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { GROUP_MEMBERS_TABLE, GROUPS_TABLE, USERS_TABLE } from '../directory/tables.js';
import { type DirectoryUser, type UserRow, toDirectoryUser, userRowColumns } from '../directory/user-rows.js';
import { Pools } from '../pools.js';
import { Users } from '../users.js';
import type { ActiveGroup } from './group.decider.js';
import { loadGroup, loadGroupRevision, memberGroups } from './group.repository.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface Page {
  limit: number;
  nextToken?: string;
}

type Iso = Date | string;
const iso = (v: Iso) => (v instanceof Date ? v : new Date(v)).toISOString();

export interface GroupPage {
  groups: ActiveGroup[];
  nextToken?: string;
}

/** GetGroup: the group from its own stream (always current), with the stream's revision (REST's ETag). */
export class GetGroupQuery extends UseCaseQuery<{ poolId: string; groupName: string }, ActiveGroup & { revision: bigint }> {}

@QueryHandler(GetGroupQuery)
export class GetGroupHandler implements IQueryHandler<GetGroupQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: GetGroupQuery): Promise<ActiveGroup & { revision: bigint }> {
    await this.pools.load(input.poolId);
    const { group, revision } = await loadGroupRevision(this.store, input.poolId, input.groupName);
    return { ...group, revision };
  }
}

/** ListGroups, by name (code-point order, as on every database), from the groups read model. */
export class ListGroupsQuery extends UseCaseQuery<{ poolId: string; page: Page }, GroupPage> {}

@QueryHandler(ListGroupsQuery)
export class ListGroupsHandler implements IQueryHandler<ListGroupsQuery> {
  constructor(
    @Inject(READ_DB) private readonly db: SqlExecutor,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: ListGroupsQuery): Promise<GroupPage> {
    const { page } = input;
    const pool = await this.pools.load(input.poolId);
    const params: unknown[] = [pool.poolId];
    if (page.nextToken) params.push(decodePageToken(page.nextToken, 1)[0]);
    params.push(page.limit + 1);
    const r = await this.db.query<{
      group_name: string;
      description: string | null;
      precedence: number | null;
      role_arn: string | null;
      created_at: Iso;
      updated_at: Iso;
    }>(
      `SELECT group_name, description, precedence, role_arn, created_at, updated_at FROM ${GROUPS_TABLE}
      WHERE pool_id = $1 ${page.nextToken ? 'AND group_name COLLATE "C" > $2' : ''} ORDER BY group_name COLLATE "C" LIMIT $${params.length}`,
      params,
    );
    const groups = r.rows.slice(0, page.limit).map((row): ActiveGroup => ({
      status: 'active',
      poolId: pool.poolId,
      groupName: row.group_name,
      ...(row.description !== null ? { description: row.description } : {}),
      ...(row.precedence !== null ? { precedence: row.precedence } : {}),
      ...(row.role_arn !== null ? { roleArn: row.role_arn } : {}),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    }));
    return withNext(groups, r.rows.length > page.limit, (g) => [g.groupName]);
  }
}

/**
 * ListUsersInGroup, by username, from the groups and user-directory read models. The join
 * on the group's creation instant drops memberships of an earlier group of the same name.
 */
export class ListUsersInGroupQuery extends UseCaseQuery<{ poolId: string; groupName: string; page: Page }, { users: DirectoryUser[]; nextToken?: string }> {}

@QueryHandler(ListUsersInGroupQuery)
export class ListUsersInGroupHandler implements IQueryHandler<ListUsersInGroupQuery> {
  constructor(
    @Inject(READ_DB) private readonly db: SqlExecutor,
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: ListUsersInGroupQuery): Promise<{ users: DirectoryUser[]; nextToken?: string }> {
    const { poolId, groupName, page } = input;
    await this.pools.load(poolId);
    await loadGroup(this.store, poolId, groupName);
    const params: unknown[] = [poolId, groupName];
    if (page.nextToken) params.push(...decodePageToken(page.nextToken, 2));
    params.push(page.limit + 1);
    const r = await this.db.query<UserRow>(
      `SELECT ${userRowColumns('u.')}
       FROM ${GROUP_MEMBERS_TABLE} m
       JOIN ${GROUPS_TABLE} g ON g.pool_id = m.pool_id AND g.group_name = m.group_name AND g.created_at = m.group_created_at
       JOIN ${USERS_TABLE} u ON u.pool_id = m.pool_id AND u.sub = m.sub
      WHERE m.pool_id = $1 AND m.group_name = $2 ${page.nextToken ? 'AND (u.username_key, u.sub) > ($3, $4)' : ''}
      ORDER BY u.username_key, u.sub LIMIT $${params.length}`,
      params,
    );
    const rows = r.rows.slice(0, page.limit);
    const users = rows.map(toDirectoryUser);
    const last = rows[rows.length - 1];
    return { users, ...(r.rows.length > page.limit && last ? { nextToken: encodePageToken([last.username_key, last.sub]) } : {}) };
  }
}

/** AdminListGroupsForUser, by name, from the event streams (a user has few groups; never stale). */
export class ListGroupsForUserQuery extends UseCaseQuery<{ poolId: string; username: string; page: Page }, GroupPage> {}

@QueryHandler(ListGroupsForUserQuery)
export class ListGroupsForUserHandler implements IQueryHandler<ListGroupsForUserQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input }: ListGroupsForUserQuery): Promise<GroupPage> {
    const { page } = input;
    const pool = await this.pools.load(input.poolId);
    const { user } = await this.users.byName(pool, input.username);
    const after = page.nextToken ? decodePageToken(page.nextToken, 1)[0] : undefined;
    const all = (await memberGroups(this.store, user.poolId, user.sub))
      .filter((g) => after === undefined || g.groupName > after)
      .sort((a, b) => (a.groupName < b.groupName ? -1 : a.groupName > b.groupName ? 1 : 0));
    return withNext(all.slice(0, page.limit), all.length > page.limit, (g) => [g.groupName]);
  }
}

function withNext<T>(items: T[], more: boolean, key: (item: T) => string[]): { groups: T[]; nextToken?: string } {
  const last = items[items.length - 1];
  return { groups: items, ...(more && last !== undefined ? { nextToken: encodePageToken(key(last)) } : {}) };
}
