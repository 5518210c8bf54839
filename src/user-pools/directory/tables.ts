/**
 * The user directory's read-model tables, owned by this context (its queries read them; the
 * projection in projections/user-directory fills them). Names carry the version: a shape change
 * is a new table filled by replay.
 */
export const POOLS_TABLE = 'rm_user_pools_v1';
export const USERS_TABLE = 'rm_users_v1';
export const CLIENTS_TABLE = 'rm_user_pool_clients_v1';
export const GROUPS_TABLE = 'rm_groups_v1';
export const GROUP_MEMBERS_TABLE = 'rm_group_members_v1';
