import type { SqlExecutor } from '../../src/db/sql.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { GroupEvent } from '../../src/user-pools/groups/group.events.js';
import { type MembershipEvent, parseMembershipStream } from '../../src/user-pools/groups/membership.events.js';
import { GROUP_MEMBERS_TABLE, GROUPS_TABLE } from '../../src/user-pools/directory/tables.js';
import type { Projection } from '../projection.js';

export { GROUP_MEMBERS_TABLE, GROUPS_TABLE };
export const GROUPS_PROJECTION = 'groups';

/**
 * Groups and their members, for ListGroups and ListUsersInGroup. A member row names the
 * group's creation instant; readers join on it, so a membership of a deleted group never
 * shows under a new group of the same name, whatever order a replay meets the rows in.
 * Every write is a keyed upsert or delete with values from the events (never now()).
 */
export const groupsProjection: Projection = {
  name: GROUPS_PROJECTION,
  version: 1,
  handles: new Set(['GroupCreated', 'GroupDeleted', 'GroupUpdated', 'UserAddedToGroup', 'UserRemovedFromGroup']),

  async setup(db) {
    await db.query(`CREATE TABLE IF NOT EXISTS ${GROUPS_TABLE} (
      pool_id text NOT NULL,
      group_name text NOT NULL,
      description text,
      precedence integer,
      role_arn text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (pool_id, group_name)
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${GROUP_MEMBERS_TABLE} (
      pool_id text NOT NULL,
      group_name text NOT NULL,
      sub text NOT NULL,
      group_created_at timestamptz NOT NULL,
      added_at timestamptz NOT NULL,
      PRIMARY KEY (pool_id, group_name, sub)
    )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${GROUP_MEMBERS_TABLE}_user ON ${GROUP_MEMBERS_TABLE} (pool_id, sub)`);
  },

  async drop(db) {
    await db.query(`DROP TABLE IF EXISTS ${GROUP_MEMBERS_TABLE}`);
    await db.query(`DROP TABLE IF EXISTS ${GROUPS_TABLE}`);
  },

  async apply(tx, events) {
    await applyBatch(tx, events as ReadonlyArray<RecordedEvent<GroupEvent | MembershipEvent>>);
  },
};

interface GroupRow {
  pool_id: string;
  group_name: string;
  description: string | null;
  precedence: number | null;
  role_arn: string | null;
  /** As PostgreSQL parses them: event strings, or ISO 8601 text read back. */
  created_at: string;
  updated_at: string;
}

interface MemberRow {
  pool_id: string;
  group_name: string;
  sub: string;
  group_created_at: string;
  added_at: string;
}

const groupKey = (poolId: string, groupName: string) => `${poolId}\u0000${groupName}`;
const memberKey = (poolId: string, groupName: string, sub: string) => `${poolId}\u0000${groupName}\u0000${sub}`;

/**
 * Applies a batch set-based: the events fold in order in memory into the rows they leave
 * (each case mirrors the statement the projection ran per event), then a handful of
 * statements write them. Only GroupUpdated depends on a stored row: those are read once.
 */
async function applyBatch(tx: SqlExecutor, events: ReadonlyArray<RecordedEvent<GroupEvent | MembershipEvent>>): Promise<void> {
  // Groups updated before the batch (re)creates or deletes them: their stored row matters.
  const reads = new Map<string, { poolId: string; groupName: string }>();
  const defined = new Set<string>();
  for (const event of events) {
    if (event.type !== 'GroupCreated' && event.type !== 'GroupUpdated' && event.type !== 'GroupDeleted') continue;
    const key = groupKey(event.data.poolId, event.data.groupName);
    if (event.type !== 'GroupUpdated') defined.add(key);
    else if (!defined.has(key)) reads.set(key, { poolId: event.data.poolId, groupName: event.data.groupName });
  }
  const stored = await readGroups(tx, [...reads.values()]);

  /** Groups and members the batch writes: a row to upsert, or null to delete. */
  const groups = new Map<string, GroupRow | null>();
  const members = new Map<string, MemberRow | null>();
  /** Groups whose every member row goes (GroupDeleted), before the batch's own member writes. */
  const cleared = new Map<string, { poolId: string; groupName: string }>();
  for (const event of events) {
    switch (event.type) {
      case 'GroupCreated': {
        const d = event.data;
        groups.set(groupKey(d.poolId, d.groupName), {
          pool_id: d.poolId,
          group_name: d.groupName,
          description: d.description ?? null,
          precedence: d.precedence ?? null,
          role_arn: d.roleArn ?? null,
          created_at: d.createdAt,
          updated_at: d.createdAt,
        });
        break;
      }
      case 'GroupUpdated': {
        // The event holds only the changed settings: a missing one keeps its column.
        const d = event.data;
        const key = groupKey(d.poolId, d.groupName);
        const row = groups.has(key) ? groups.get(key) : stored.get(key);
        if (!row) break;
        groups.set(key, {
          ...row,
          description: 'description' in d ? (d.description ?? null) : row.description,
          precedence: 'precedence' in d ? (d.precedence ?? null) : row.precedence,
          role_arn: 'roleArn' in d ? (d.roleArn ?? null) : row.role_arn,
          updated_at: d.updatedAt,
        });
        break;
      }
      case 'GroupDeleted': {
        const { poolId, groupName } = event.data;
        const key = groupKey(poolId, groupName);
        groups.set(key, null);
        cleared.set(key, { poolId, groupName });
        // Member rows written earlier in the batch go with the group (the clearing deletes them).
        const prefix = `${key}\u0000`;
        for (const k of members.keys()) if (k.startsWith(prefix)) members.delete(k);
        break;
      }
      case 'UserAddedToGroup': {
        const { poolId, sub } = parseMembershipStream(event.streamId);
        const d = event.data;
        members.set(memberKey(poolId, d.groupName, sub), { pool_id: poolId, group_name: d.groupName, sub, group_created_at: d.groupCreatedAt, added_at: d.at });
        break;
      }
      case 'UserRemovedFromGroup': {
        const { poolId, sub } = parseMembershipStream(event.streamId);
        members.set(memberKey(poolId, event.data.groupName, sub), null);
        break;
      }
      default:
        break; // events this read model does not show
    }
  }

  if (cleared.size > 0) {
    const keys = [...cleared.values()];
    await tx.query(
      `DELETE FROM ${GROUP_MEMBERS_TABLE} m USING unnest($1::text[], $2::text[]) AS k(pool_id, group_name)
       WHERE m.pool_id = k.pool_id AND m.group_name = k.group_name`,
      [keys.map((k) => k.poolId), keys.map((k) => k.groupName)],
    );
  }
  await writeGroups(tx, groups);
  await writeMembers(tx, members);
}

async function readGroups(tx: SqlExecutor, keys: ReadonlyArray<{ poolId: string; groupName: string }>): Promise<Map<string, GroupRow>> {
  const stored = new Map<string, GroupRow>();
  if (keys.length === 0) return stored;
  // Timestamps as ISO 8601 text with offset and full precision, so they write back unchanged.
  const result = await tx.query<GroupRow>(
    `SELECT g.pool_id, g.group_name, g.description, g.precedence, g.role_arn,
       to_json(g.created_at) #>> '{}' AS created_at, to_json(g.updated_at) #>> '{}' AS updated_at
     FROM ${GROUPS_TABLE} g JOIN unnest($1::text[], $2::text[]) AS k(pool_id, group_name)
       ON g.pool_id = k.pool_id AND g.group_name = k.group_name`,
    [keys.map((k) => k.poolId), keys.map((k) => k.groupName)],
  );
  for (const row of result.rows) stored.set(groupKey(row.pool_id, row.group_name), row);
  return stored;
}

async function writeGroups(tx: SqlExecutor, changed: ReadonlyMap<string, GroupRow | null>): Promise<void> {
  const deleted: string[][] = [];
  const upserted: GroupRow[] = [];
  for (const [key, row] of changed) {
    if (row) upserted.push(row);
    else deleted.push(key.split('\u0000'));
  }
  if (deleted.length > 0) {
    await tx.query(
      `DELETE FROM ${GROUPS_TABLE} g USING unnest($1::text[], $2::text[]) AS k(pool_id, group_name)
       WHERE g.pool_id = k.pool_id AND g.group_name = k.group_name`,
      [deleted.map(([poolId]) => poolId), deleted.map(([, groupName]) => groupName)],
    );
  }
  if (upserted.length > 0) {
    await tx.query(
      `INSERT INTO ${GROUPS_TABLE} (pool_id, group_name, description, precedence, role_arn, created_at, updated_at)
       SELECT r.pool_id, r.group_name, r.description, r.precedence, r.role_arn, r.created_at::timestamptz, r.updated_at::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::text[])
         AS r(pool_id, group_name, description, precedence, role_arn, created_at, updated_at)
       ON CONFLICT (pool_id, group_name) DO UPDATE SET description = EXCLUDED.description, precedence = EXCLUDED.precedence,
         role_arn = EXCLUDED.role_arn, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
      [
        upserted.map((r) => r.pool_id),
        upserted.map((r) => r.group_name),
        upserted.map((r) => r.description),
        upserted.map((r) => r.precedence),
        upserted.map((r) => r.role_arn),
        upserted.map((r) => r.created_at),
        upserted.map((r) => r.updated_at),
      ],
    );
  }
}

async function writeMembers(tx: SqlExecutor, changed: ReadonlyMap<string, MemberRow | null>): Promise<void> {
  const deleted: string[][] = [];
  const upserted: MemberRow[] = [];
  for (const [key, row] of changed) {
    if (row) upserted.push(row);
    else deleted.push(key.split('\u0000'));
  }
  if (deleted.length > 0) {
    await tx.query(
      `DELETE FROM ${GROUP_MEMBERS_TABLE} m USING unnest($1::text[], $2::text[], $3::text[]) AS k(pool_id, group_name, sub)
       WHERE m.pool_id = k.pool_id AND m.group_name = k.group_name AND m.sub = k.sub`,
      [deleted.map(([poolId]) => poolId), deleted.map(([, groupName]) => groupName), deleted.map(([, , sub]) => sub)],
    );
  }
  if (upserted.length > 0) {
    await tx.query(
      `INSERT INTO ${GROUP_MEMBERS_TABLE} (pool_id, group_name, sub, group_created_at, added_at)
       SELECT r.pool_id, r.group_name, r.sub, r.group_created_at::timestamptz, r.added_at::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(pool_id, group_name, sub, group_created_at, added_at)
       ON CONFLICT (pool_id, group_name, sub) DO UPDATE SET group_created_at = EXCLUDED.group_created_at, added_at = EXCLUDED.added_at`,
      [
        upserted.map((r) => r.pool_id),
        upserted.map((r) => r.group_name),
        upserted.map((r) => r.sub),
        upserted.map((r) => r.group_created_at),
        upserted.map((r) => r.added_at),
      ],
    );
  }
}
