import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore, GlobalPosition } from '../../event-store/event-store.port.js';
import { comparePositions } from '../../event-store/positions.js';
import { InvalidParameterError, ResourceNotFoundError, UserNotFoundError } from '../../shared/domain-error.js';
import { READ_DB, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { filterCondition, parseUserFilter } from '../../user-pools/queries/list-users-filter.js';
import { effectiveSchema } from '../../user-pools/schema.js';
import { type UserEvent, userStream } from '../../user-pools/user.events.js';
import { describeInstant, heldAt, includes, type Instant, parseInstant } from '../as-of/instant.js';
import { AS_OF_GROUPS, AS_OF_MEMBERS, AS_OF_USERS, HISTORY_AS_OF } from '../as-of/tables.js';
import { adminGetUserShape, evolveSnapshot, type UserSnapshot, userTypeShape } from '../as-of/user-snapshot.js';
import { HistoryUsers } from '../history-users.js';
import { decodeToken, encodeToken, tokenScope } from '../page-token.js';

/** The instant asked for, as the answer states it back. */
export type AsOf = ReturnType<typeof describeInstant>;

/**
 * AdminGetUser as of an instant: the user's own stream replayed up to it (a stream is short, so
 * replay is fast: bench/history.ts). The username names the user who had it at that instant.
 */
export class UserAsOfQuery extends UseCaseQuery<{ poolId: string; username: string; at: string }, { asOf: AsOf; user: ReturnType<typeof adminGetUserShape> }> {}

@QueryHandler(UserAsOfQuery)
export class UserAsOfHandler implements IQueryHandler<UserAsOfQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly users: HistoryUsers,
  ) {}

  async execute({ input }: UserAsOfQuery) {
    const instant = parseInstant(input.at);
    const pool = await this.users.pool(input.poolId, instant);
    await waitForInstant(this.store, this.readModels, instant);
    const sub = await this.users.locate(pool, input.username, instant);
    const events = await this.store.readStream(userStream(pool.poolId, sub));
    let snapshot: UserSnapshot | undefined;
    for (const e of events) if (includes(instant, e)) snapshot = evolveSnapshot(snapshot, e as never as UserEvent);
    if (!snapshot) throw new UserNotFoundError('User does not exist at that instant.');
    return { asOf: describeInstant(instant), user: adminGetUserShape(snapshot) };
  }
}

export interface ListUsersAsOfInput {
  poolId: string;
  at: string;
  /** Cognito's Filter (`name ^= "value"`). */
  filter?: string;
  attributesToGet?: readonly string[];
  limit: number;
  paginationToken?: string;
}

type UserType = ReturnType<typeof userTypeShape>;

/** ListUsers as of an instant, from the as-of read model (replaying the log to an instant 1M events back is too slow: bench/history.ts). */
export class ListUsersAsOfQuery extends UseCaseQuery<ListUsersAsOfInput, { asOf: AsOf; Users: UserType[]; PaginationToken?: string }> {}

@QueryHandler(ListUsersAsOfQuery)
export class ListUsersAsOfHandler implements IQueryHandler<ListUsersAsOfQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly users: HistoryUsers,
  ) {}

  async execute({ input }: ListUsersAsOfQuery) {
    const instant = parseInstant(input.at);
    const pool = await this.users.pool(input.poolId, instant);
    const filter = parseUserFilter(input.filter);
    const keep = input.attributesToGet && input.attributesToGet.length > 0 ? input.attributesToGet : undefined;
    const known = new Set(effectiveSchema(pool.settings.schema).map((a) => a.name));
    if (keep?.some((name) => !known.has(name))) throw new InvalidParameterError('One or more requested attributes do not exist.');
    await waitForInstant(this.store, this.readModels, instant);

    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`pool_id = ${param(pool.poolId)}`, heldAt(instant, param)];
    if (filter) where.push(filterCondition(filter, pool.settings.usernameCaseSensitive, param));
    const scope = tokenScope(['list-users', pool.poolId, input.filter ?? null, describeInstant(instant)]);
    if (input.paginationToken) {
      const [key, sub] = decodeToken(input.paginationToken, scope, 2);
      where.push(`(username_key, sub) > (${param(key)}, ${param(sub)})`);
    }
    const limit = param(input.limit + 1);
    const r = await this.db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM ${AS_OF_USERS} WHERE ${where.join(' AND ')} ORDER BY username_key, sub LIMIT ${limit}`,
      params,
    );
    const rows = r.rows.slice(0, input.limit);
    const last = rows.at(-1);
    const Users = rows.map((row) => keepAttributes(userTypeShape(snapshotOfRow(pool.poolId, row)), keep));
    return {
      asOf: describeInstant(instant),
      Users,
      ...(r.rows.length > input.limit && last ? { PaginationToken: encodeToken(scope, [last.username_key, last.sub]) } : {}),
    };
  }
}

/** ListUsersInGroup as of an instant: the members of the group as it existed then (the incarnation of that instant). */
export class GroupMembersAsOfQuery extends UseCaseQuery<
  { poolId: string; groupName: string; at: string; limit: number; nextToken?: string },
  { asOf: AsOf; Users: UserType[]; NextToken?: string }
> {}

@QueryHandler(GroupMembersAsOfQuery)
export class GroupMembersAsOfHandler implements IQueryHandler<GroupMembersAsOfQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly users: HistoryUsers,
  ) {}

  async execute({ input }: GroupMembersAsOfQuery) {
    const instant = parseInstant(input.at);
    const pool = await this.users.pool(input.poolId, instant);
    await waitForInstant(this.store, this.readModels, instant);
    const g: unknown[] = [pool.poolId, input.groupName];
    const group = await this.db.query<{ created_at: string }>(
      `SELECT created_at FROM ${AS_OF_GROUPS} WHERE pool_id = $1 AND group_name = $2 AND ${heldAt(instant, (v) => `$${g.push(v)}`)}`,
      g,
    );
    if (group.rows.length === 0) throw new ResourceNotFoundError('Group not found at that instant.');
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const scope = tokenScope(['group-members', pool.poolId, input.groupName, describeInstant(instant)]);
    const conditions = [
      `m.pool_id = ${param(pool.poolId)}`,
      `m.group_name = ${param(input.groupName)}`,
      `m.group_created_at = ${param(group.rows[0].created_at)}`,
      heldAt(instant, param, 'm.'),
      heldAt(instant, param, 'u.'),
    ];
    if (input.nextToken) {
      const [key, sub] = decodeToken(input.nextToken, scope, 2);
      conditions.push(`(u.username_key, u.sub) > (${param(key)}, ${param(sub)})`);
    }
    const limit = param(input.limit + 1);
    const r = await this.db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS.split(', ')
        .map((c) => `u.${c}`)
        .join(', ')}
         FROM ${AS_OF_MEMBERS} m JOIN ${AS_OF_USERS} u ON u.pool_id = m.pool_id AND u.sub = m.sub
        WHERE ${conditions.join(' AND ')}
        ORDER BY u.username_key, u.sub LIMIT ${limit}`,
      params,
    );
    const rows = r.rows.slice(0, input.limit);
    const last = rows.at(-1);
    return {
      asOf: describeInstant(instant),
      Users: rows.map((row) => userTypeShape(snapshotOfRow(pool.poolId, row))),
      ...(r.rows.length > input.limit && last ? { NextToken: encodeToken(scope, [last.username_key, last.sub]) } : {}),
    };
  }
}

const VERSION_COLUMNS = 'sub, username, username_key, status, enabled, attributes, created_at, updated_at';

interface VersionRow {
  sub: string;
  username: string;
  username_key: string;
  status: string;
  enabled: boolean;
  attributes: Record<string, string> | string;
  created_at: string;
  updated_at: string;
}

function snapshotOfRow(poolId: string, row: VersionRow): UserSnapshot {
  const { sub: _sub, ...attributes } = typeof row.attributes === 'string' ? (JSON.parse(row.attributes) as Record<string, string>) : row.attributes;
  return {
    poolId,
    sub: row.sub,
    username: row.username,
    status: row.status,
    enabled: row.enabled,
    attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function keepAttributes(user: UserType, keep: readonly string[] | undefined): UserType {
  return keep ? { ...user, Attributes: user.Attributes.filter((a) => keep.includes(a.Name)) } : user;
}

/**
 * The as-of read model must have applied the log up to the instant: a position, or (for a time)
 * everything written so far. Bounded by the read models' consistency timeout.
 */
async function waitForInstant(store: EventStore, readModels: ReadModels, instant: Instant): Promise<void> {
  const head = await store.headPosition();
  const target: GlobalPosition | undefined = 'position' in instant && head && comparePositions(instant.position, head) < 0 ? instant.position : head;
  await readModels.waitFor(HISTORY_AS_OF, target);
}
