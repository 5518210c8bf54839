import { GROUP_MEMBERS_TABLE, GROUPS_TABLE } from '../../../projections/groups/groups.projection.js';
import { USERS_TABLE } from '../../../projections/user-directory/user-directory.projection.js';
import type { Platform } from '../../platform/platform.js';
import type { DirectoryUser } from '../queries/list-users.js';
import { loadPool } from '../user-pool.repository.js';
import type { ActiveGroup } from './group.decider.js';
import { loadGroup, memberGroups } from './group.repository.js';
import { loadAdminUser } from './membership.commands.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface Page {
  limit: number;
  nextToken?: string;
}

type Iso = Date | string;
const iso = (v: Iso) => (v instanceof Date ? v : new Date(v)).toISOString();

/** ListGroups, by name (code-point order, as on every database), from the groups read model. */
export async function listGroups(platform: Platform, poolId: string, page: Page): Promise<{ groups: ActiveGroup[]; nextToken?: string }> {
  const pool = await loadPool(platform.store, poolId);
  const params: unknown[] = [pool.poolId];
  if (page.nextToken) params.push(decodePageToken(page.nextToken, 1)[0]);
  params.push(page.limit + 1);
  const r = await platform.db.query<{ group_name: string; description: string | null; precedence: number | null; role_arn: string | null; created_at: Iso; updated_at: Iso }>(
    `SELECT group_name, description, precedence, role_arn, created_at, updated_at FROM ${GROUPS_TABLE}
      WHERE pool_id = $1 ${page.nextToken ? 'AND group_name COLLATE "C" > $2' : ''} ORDER BY group_name COLLATE "C" LIMIT $${params.length}`,
    params,
  );
  const groups = r.rows.slice(0, page.limit).map(
    (row): ActiveGroup => ({
      status: 'active',
      poolId: pool.poolId,
      groupName: row.group_name,
      ...(row.description !== null ? { description: row.description } : {}),
      ...(row.precedence !== null ? { precedence: row.precedence } : {}),
      ...(row.role_arn !== null ? { roleArn: row.role_arn } : {}),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    }),
  );
  return withNext(groups, r.rows.length > page.limit, (g) => [g.groupName]);
}

/**
 * ListUsersInGroup, by username, from the groups and user-directory read models. The join
 * on the group's creation instant drops memberships of an earlier group of the same name.
 */
export async function listUsersInGroup(platform: Platform, poolId: string, groupName: string, page: Page): Promise<{ users: DirectoryUser[]; nextToken?: string }> {
  await loadPool(platform.store, poolId);
  await loadGroup(platform.store, poolId, groupName);
  const params: unknown[] = [poolId, groupName];
  if (page.nextToken) params.push(...decodePageToken(page.nextToken, 2));
  params.push(page.limit + 1);
  const r = await platform.db.query<{ sub: string; username: string; username_key: string; status: string; enabled: boolean; attributes: Record<string, string> | string; created_at: Iso; updated_at: Iso }>(
    `SELECT u.sub, u.username, u.username_key, u.status, u.enabled, u.attributes, u.created_at, u.updated_at
       FROM ${GROUP_MEMBERS_TABLE} m
       JOIN ${GROUPS_TABLE} g ON g.pool_id = m.pool_id AND g.group_name = m.group_name AND g.created_at = m.group_created_at
       JOIN ${USERS_TABLE} u ON u.pool_id = m.pool_id AND u.sub = m.sub
      WHERE m.pool_id = $1 AND m.group_name = $2 ${page.nextToken ? 'AND (u.username_key, u.sub) > ($3, $4)' : ''}
      ORDER BY u.username_key, u.sub LIMIT $${params.length}`,
    params,
  );
  const rows = r.rows.slice(0, page.limit);
  const users = rows.map((row) => ({
    sub: row.sub,
    username: row.username,
    status: row.status,
    enabled: row.enabled,
    attributes: typeof row.attributes === 'string' ? (JSON.parse(row.attributes) as Record<string, string>) : row.attributes,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }));
  const last = rows[rows.length - 1];
  return { users, ...(r.rows.length > page.limit && last ? { nextToken: encodePageToken([last.username_key, last.sub]) } : {}) };
}

/** AdminListGroupsForUser, by name, from the event streams (a user has few groups; never stale). */
export async function listGroupsForUser(platform: Platform, poolId: string, username: string, page: Page): Promise<{ groups: ActiveGroup[]; nextToken?: string }> {
  const { user } = await loadAdminUser(platform, poolId, username);
  const after = page.nextToken ? decodePageToken(page.nextToken, 1)[0] : undefined;
  const all = (await memberGroups(platform.store, user.poolId, user.sub))
    .filter((g) => after === undefined || g.groupName > after)
    .sort((a, b) => (a.groupName < b.groupName ? -1 : a.groupName > b.groupName ? 1 : 0));
  return withNext(all.slice(0, page.limit), all.length > page.limit, (g) => [g.groupName]);
}

function withNext<T>(items: T[], more: boolean, key: (item: T) => string[]): { groups: T[]; nextToken?: string } {
  const last = items[items.length - 1];
  return { groups: items, ...(more && last !== undefined ? { nextToken: encodePageToken(key(last)) } : {}) };
}
