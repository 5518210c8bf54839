import type { SqlExecutor } from '../../src/db/sql.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import {
  AS_OF_DDL,
  AS_OF_FAMILIES,
  AS_OF_GROUPS,
  AS_OF_MEMBERS,
  AS_OF_POOLS,
  AS_OF_TABLES,
  AS_OF_USERS,
  HISTORY_AS_OF,
  HISTORY_AS_OF_VERSION,
} from '../../src/history/as-of/tables.js';
import { evolveSnapshot, type UserSnapshot, VERSIONED_USER_EVENTS } from '../../src/history/as-of/user-snapshot.js';
import type { RefreshTokenIssued } from '../../src/auth/refresh-token.events.js';
import type { GroupEvent } from '../../src/user-pools/groups/group.events.js';
import { type MembershipEvent, parseMembershipStream } from '../../src/user-pools/groups/membership.events.js';
import type { UserPoolCreated } from '../../src/user-pools/user-pool.events.js';
import type { UserEvent } from '../../src/user-pools/user.events.js';
import { normalizeUsername } from '../../src/user-pools/username.js';
import { erasedUsername } from '../../src/events/personal-data.js';
import type { UserPersonalDataErased } from '../../src/history/erasure/erasure.events.js';
import type { Projection } from '../projection.js';

/**
 * The as-of read model (src/history/as-of/tables.ts): each change of a user, group or
 * membership closes the version it ends and opens the next, so a query at any instant reads
 * the versions held then, without replaying the log. Users fold in memory per batch and are
 * written set-based (they are most of the log); groups and memberships are rarer and go one
 * statement per event. Idempotent: versions are keyed by the position that opened them.
 */
export const historyAsOfProjection: Projection = {
  name: HISTORY_AS_OF,
  version: HISTORY_AS_OF_VERSION,
  handles: new Set([
    ...VERSIONED_USER_EVENTS,
    'UserPoolCreated',
    'GroupCreated',
    'GroupDeleted',
    'UserAddedToGroup',
    'UserRemovedFromGroup',
    'RefreshTokenIssued',
    'UserPersonalDataErased',
  ]),
  // Refresh families are found by history queries, which can wait for the poll.
  wakesOn: new Set([
    ...VERSIONED_USER_EVENTS,
    'UserPoolCreated',
    'GroupCreated',
    'GroupDeleted',
    'UserAddedToGroup',
    'UserRemovedFromGroup',
    'UserPersonalDataErased',
  ]),

  async setup(db) {
    for (const statement of AS_OF_DDL) await db.query(statement);
  },

  async drop(db) {
    for (const table of AS_OF_TABLES) await db.query(`DROP TABLE IF EXISTS ${table}`);
  },

  async apply(tx, events) {
    await applyPools(
      tx,
      events.filter((e): e is RecordedEvent<UserPoolCreated> => e.type === 'UserPoolCreated'),
    );
    await applyUsers(
      tx,
      events.filter((e): e is RecordedEvent<UserEvent> => VERSIONED_USER_EVENTS.has(e.type) && e.streamId.startsWith('user-')),
    );
    for (const e of events as ReadonlyArray<RecordedEvent<GroupEvent | MembershipEvent>>) await applyGroupEvent(tx, e);
    await applyFamilies(
      tx,
      events.filter((e): e is RecordedEvent<RefreshTokenIssued> => e.type === 'RefreshTokenIssued'),
    );
    await applyErasures(
      tx,
      events.filter((e): e is RecordedEvent<UserPersonalDataErased> => e.type === 'UserPersonalDataErased'),
    );
  },
};

/**
 * An erased user's versions keep their dates and statuses but lose what the destroyed key
 * sealed: the username becomes its placeholder, attributes keep only `sub`, as a replay of the
 * log now gives them (src/events/personal-data.ts). Applied after the batch's versions.
 */
async function applyErasures(tx: SqlExecutor, events: ReadonlyArray<RecordedEvent<UserPersonalDataErased>>): Promise<void> {
  for (const e of events) {
    const username = erasedUsername(e.data.erasedSub);
    await tx.query(
      `UPDATE ${AS_OF_USERS} SET username = $3, username_key = $4, email_key = NULL, attributes = jsonb_build_object('sub', sub)
        WHERE pool_id = $1 AND sub = $2`,
      [e.data.poolId, e.data.erasedSub, username, normalizeUsername(username, false)],
    );
  }
}

type Recorded = Pick<RecordedEvent, 'position' | 'metadata'>;
const pos = (e: Recorded) => [e.position.commit.toString(), e.position.prepare.toString(), e.metadata.occurredAt] as const;

async function applyPools(tx: SqlExecutor, events: ReadonlyArray<RecordedEvent<UserPoolCreated>>): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO ${AS_OF_POOLS} (pool_id, username_case_sensitive) SELECT * FROM unnest($1::text[], $2::boolean[])
     ON CONFLICT (pool_id) DO UPDATE SET username_case_sensitive = EXCLUDED.username_case_sensitive`,
    [events.map((e) => e.data.poolId), events.map((e) => e.data.usernameCaseSensitive)],
  );
}

/** `user-<poolId>-<sub>`: subs are UUIDs, so the pool id is what comes before the last 37 characters. */
function userKeyOf(streamId: string): { poolId: string; sub: string } {
  const match = /^user-(.+)-([0-9a-f-]{36})$/.exec(streamId);
  if (!match) throw new RangeError(`not a user stream: ${streamId}`);
  return { poolId: match[1], sub: match[2] };
}

interface Version {
  snapshot: UserSnapshot;
  usernameKey: string;
  from: readonly [string, string, string];
  to?: readonly [string, string, string];
}

interface StoredVersion {
  pool_id: string;
  sub: string;
  username: string;
  username_key: string;
  status: string;
  enabled: boolean;
  attributes: Record<string, string> | string;
  created_at: string;
  updated_at: string;
  from_commit: string;
  from_prepare: string;
  from_at: string;
}

async function applyUsers(tx: SqlExecutor, events: ReadonlyArray<RecordedEvent<UserEvent>>): Promise<void> {
  if (events.length === 0) return;
  const key = (poolId: string, sub: string) => `${poolId}\u0000${sub}`;
  // 1. The stored current versions the batch goes on from, and the pools' username rule.
  const needed = new Map<string, { poolId: string; sub: string }>();
  const pools = new Set<string>();
  for (const e of events) {
    const k = userKeyOf(e.streamId);
    if (e.type === 'UserSignedUp' || e.type === 'UserCreatedByAdmin' || e.type === 'UserImported') pools.add(k.poolId);
    else needed.set(key(k.poolId, k.sub), k);
  }
  const current = new Map<string, Version & { stored: boolean }>();
  if (needed.size > 0) {
    const keys = [...needed.values()];
    const r = await tx.query<StoredVersion>(
      `SELECT u.pool_id, u.sub, u.username, u.username_key, u.status, u.enabled, u.attributes, u.created_at, u.updated_at,
              u.from_commit::text, u.from_prepare::text, to_json(u.from_at) #>> '{}' AS from_at
         FROM ${AS_OF_USERS} u JOIN unnest($1::text[], $2::text[]) AS k(pool_id, sub) ON u.pool_id = k.pool_id AND u.sub = k.sub
        WHERE u.to_commit IS NULL`,
      [keys.map((k) => k.poolId), keys.map((k) => k.sub)],
    );
    for (const row of r.rows) {
      const { sub: _sub, ...attributes } = typeof row.attributes === 'string' ? (JSON.parse(row.attributes) as Record<string, string>) : row.attributes;
      const snapshot: UserSnapshot = {
        poolId: row.pool_id,
        sub: row.sub,
        username: row.username,
        status: row.status,
        enabled: row.enabled,
        attributes,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      };
      current.set(key(row.pool_id, row.sub), { snapshot, usernameKey: row.username_key, from: [row.from_commit, row.from_prepare, row.from_at], stored: true });
    }
  }
  const caseSensitive = new Map<string, boolean>();
  if (pools.size > 0) {
    const r = await tx.query<{ pool_id: string; username_case_sensitive: boolean }>(
      `SELECT pool_id, username_case_sensitive FROM ${AS_OF_POOLS} WHERE pool_id = ANY($1::text[])`,
      [[...pools]],
    );
    for (const row of r.rows) caseSensitive.set(row.pool_id, row.username_case_sensitive);
  }

  // 2. Fold: each visible change ends the current version and opens the next.
  const closed: Array<{ poolId: string; sub: string; from: readonly [string, string, string]; to: readonly [string, string, string] }> = [];
  const opened: Version[] = [];
  for (const e of events) {
    const { poolId, sub } = userKeyOf(e.streamId);
    const k = key(poolId, sub);
    const cur = current.get(k);
    const next = evolveSnapshot(cur?.snapshot, e);
    if (cur && next && sameSnapshot(cur.snapshot, next)) continue;
    if (!cur && !next) continue;
    if (cur) {
      cur.to = pos(e);
      if (cur.stored) closed.push({ poolId, sub, from: cur.from, to: cur.to });
      current.delete(k);
    }
    if (next) {
      const usernameKey = cur?.usernameKey ?? normalizeUsername(next.username, caseSensitive.get(poolId) ?? false);
      const version = { snapshot: next, usernameKey, from: pos(e), stored: false };
      opened.push(version);
      current.set(k, version);
    }
  }

  // 3. Write: close stored versions, insert the new ones (a replayed batch finds them there).
  if (closed.length > 0) {
    await tx.query(
      `UPDATE ${AS_OF_USERS} u SET to_commit = k.tc, to_prepare = k.tp, to_at = k.ta::timestamptz
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[]) AS k(pool_id, sub, fc, fp, tc, tp, ta)
        WHERE u.pool_id = k.pool_id AND u.sub = k.sub AND u.from_commit = k.fc AND u.from_prepare = k.fp`,
      [
        closed.map((c) => c.poolId),
        closed.map((c) => c.sub),
        closed.map((c) => c.from[0]),
        closed.map((c) => c.from[1]),
        closed.map((c) => c.to[0]),
        closed.map((c) => c.to[1]),
        closed.map((c) => c.to[2]),
      ],
    );
  }
  if (opened.length > 0) {
    const col = <T>(f: (v: Version) => T) => opened.map(f);
    await tx.query(
      `INSERT INTO ${AS_OF_USERS} (pool_id, sub, username, username_key, email_key, status, enabled, attributes, created_at, updated_at,
                                   from_commit, from_prepare, from_at, to_commit, to_prepare, to_at)
       SELECT r.pool_id, r.sub, r.username, r.username_key, r.email_key, r.status, r.enabled, r.attributes::jsonb, r.created_at, r.updated_at,
              r.fc, r.fp, r.fa::timestamptz, r.tc, r.tp, r.ta::timestamptz
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::text[], $10::text[],
                     $11::bigint[], $12::bigint[], $13::text[], $14::bigint[], $15::bigint[], $16::text[])
           AS r(pool_id, sub, username, username_key, email_key, status, enabled, attributes, created_at, updated_at, fc, fp, fa, tc, tp, ta)
       ON CONFLICT (pool_id, sub, from_commit, from_prepare) DO UPDATE SET to_commit = EXCLUDED.to_commit, to_prepare = EXCLUDED.to_prepare, to_at = EXCLUDED.to_at`,
      [
        col((v) => v.snapshot.poolId),
        col((v) => v.snapshot.sub),
        col((v) => v.snapshot.username),
        col((v) => v.usernameKey),
        col((v) => v.snapshot.attributes.email?.toLowerCase() ?? null),
        col((v) => v.snapshot.status),
        col((v) => v.snapshot.enabled),
        col((v) => JSON.stringify({ ...v.snapshot.attributes, sub: v.snapshot.sub })),
        col((v) => v.snapshot.createdAt),
        col((v) => v.snapshot.updatedAt),
        col((v) => v.from[0]),
        col((v) => v.from[1]),
        col((v) => v.from[2]),
        col((v) => v.to?.[0] ?? null),
        col((v) => v.to?.[1] ?? null),
        col((v) => v.to?.[2] ?? null),
      ],
    );
  }
}

function sameSnapshot(a: UserSnapshot, b: UserSnapshot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function applyGroupEvent(tx: SqlExecutor, e: RecordedEvent<GroupEvent | MembershipEvent>): Promise<void> {
  const [c, p, at] = pos(e);
  switch (e.type) {
    case 'GroupCreated':
      await tx.query(
        `INSERT INTO ${AS_OF_GROUPS} (pool_id, group_name, created_at, from_commit, from_prepare, from_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)
         ON CONFLICT DO NOTHING`,
        [e.data.poolId, e.data.groupName, e.data.createdAt, c, p, at],
      );
      return;
    case 'GroupDeleted':
      await tx.query(
        `UPDATE ${AS_OF_GROUPS} SET to_commit = $3, to_prepare = $4, to_at = $5::timestamptz WHERE pool_id = $1 AND group_name = $2 AND to_commit IS NULL`,
        [e.data.poolId, e.data.groupName, c, p, at],
      );
      return;
    case 'UserAddedToGroup':
    case 'UserRemovedFromGroup': {
      const { poolId, sub } = parseMembershipStream(e.streamId);
      // Ends the open membership (a re-add names a newer incarnation of the group).
      await tx.query(
        `UPDATE ${AS_OF_MEMBERS} SET to_commit = $4, to_prepare = $5, to_at = $6::timestamptz
          WHERE pool_id = $1 AND sub = $2 AND group_name = $3 AND to_commit IS NULL AND (from_commit, from_prepare) < ($4::bigint, $5::bigint)`,
        [poolId, sub, e.data.groupName, c, p, at],
      );
      if (e.type === 'UserAddedToGroup') {
        await tx.query(
          `INSERT INTO ${AS_OF_MEMBERS} (pool_id, group_name, sub, group_created_at, from_commit, from_prepare, from_at) VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz)
           ON CONFLICT DO NOTHING`,
          [poolId, e.data.groupName, sub, e.data.groupCreatedAt, c, p, at],
        );
      }
      return;
    }
    default:
      return;
  }
}

async function applyFamilies(tx: SqlExecutor, events: ReadonlyArray<RecordedEvent<RefreshTokenIssued>>): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO ${AS_OF_FAMILIES} (family_id, pool_id, sub, issued_commit, issued_prepare)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) ON CONFLICT (family_id) DO NOTHING`,
    [
      events.map((e) => e.data.familyId),
      events.map((e) => e.data.poolId),
      events.map((e) => e.data.sub),
      events.map((e) => e.position.commit.toString()),
      events.map((e) => e.position.prepare.toString()),
    ],
  );
}
