/**
 * The as-of read model (projections/history/as-of.projection.ts fills it, the as-of queries read
 * it): every version of every user, group and membership with the interval of the log it held
 * for, as positions (commit, prepare) and as the deciding clock's times; and each refresh-token
 * family's user, so a user's history finds its families without scanning the log.
 *
 * A version holds from its `from` (the event that made it, included) to its `to` (the event that
 * ended it, excluded; NULL while current). Rows carry only values from the events.
 */
export const HISTORY_AS_OF = 'history_as_of';
export const HISTORY_AS_OF_VERSION = 1;

export const AS_OF_POOLS = 'rm_history_pools_v1';
export const AS_OF_USERS = 'rm_history_users_v1';
export const AS_OF_GROUPS = 'rm_history_groups_v1';
export const AS_OF_MEMBERS = 'rm_history_members_v1';
export const AS_OF_FAMILIES = 'rm_history_families_v1';

const interval = `from_commit bigint NOT NULL, from_prepare bigint NOT NULL, from_at timestamptz NOT NULL,
  to_commit bigint, to_prepare bigint, to_at timestamptz`;

export const AS_OF_DDL = [
  `CREATE TABLE IF NOT EXISTS ${AS_OF_POOLS} (pool_id text PRIMARY KEY, username_case_sensitive boolean NOT NULL)`,
  // Same column names as the user directory's rows, so ListUsers' filter conditions apply as they are.
  `CREATE TABLE IF NOT EXISTS ${AS_OF_USERS} (
    pool_id text NOT NULL, sub text NOT NULL, username text NOT NULL, username_key text NOT NULL, email_key text,
    status text NOT NULL, enabled boolean NOT NULL, attributes jsonb NOT NULL, created_at text NOT NULL, updated_at text NOT NULL,
    ${interval},
    PRIMARY KEY (pool_id, sub, from_commit, from_prepare))`,
  `CREATE INDEX IF NOT EXISTS ${AS_OF_USERS}_listing ON ${AS_OF_USERS} (pool_id, username_key, sub)`,
  `CREATE INDEX IF NOT EXISTS ${AS_OF_USERS}_email ON ${AS_OF_USERS} (pool_id, email_key, username_key)`,
  `CREATE INDEX IF NOT EXISTS ${AS_OF_USERS}_open ON ${AS_OF_USERS} (pool_id, sub) WHERE to_commit IS NULL`,
  `CREATE TABLE IF NOT EXISTS ${AS_OF_GROUPS} (
    pool_id text NOT NULL, group_name text NOT NULL, created_at text NOT NULL, ${interval},
    PRIMARY KEY (pool_id, group_name, created_at))`,
  `CREATE TABLE IF NOT EXISTS ${AS_OF_MEMBERS} (
    pool_id text NOT NULL, group_name text NOT NULL, sub text NOT NULL, group_created_at text NOT NULL, ${interval},
    PRIMARY KEY (pool_id, group_name, sub, from_commit, from_prepare))`,
  `CREATE INDEX IF NOT EXISTS ${AS_OF_MEMBERS}_open ON ${AS_OF_MEMBERS} (pool_id, sub, group_name) WHERE to_commit IS NULL`,
  `CREATE TABLE IF NOT EXISTS ${AS_OF_FAMILIES} (
    family_id text PRIMARY KEY, pool_id text NOT NULL, sub text NOT NULL, issued_commit bigint NOT NULL, issued_prepare bigint NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS ${AS_OF_FAMILIES}_user ON ${AS_OF_FAMILIES} (pool_id, sub)`,
];

export const AS_OF_TABLES = [AS_OF_POOLS, AS_OF_USERS, AS_OF_GROUPS, AS_OF_MEMBERS, AS_OF_FAMILIES];
