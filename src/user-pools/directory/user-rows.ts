/** A row of the user-directory read model (rm_users_v1) as both user listings read it. */
export interface UserRow {
  sub: string;
  username: string;
  username_key: string;
  status: string;
  enabled: boolean;
  attributes: Record<string, string> | string;
  created_at: Date | string;
  updated_at: Date | string;
}

export const USER_ROW_COLUMNS = 'sub, username, username_key, status, enabled, attributes, created_at, updated_at';

export interface DirectoryUser {
  sub: string;
  username: string;
  status: string;
  enabled: boolean;
  attributes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** Normalises a row across drivers (pg gives Dates and objects, PGlite may give strings). */
export function toDirectoryUser(row: UserRow): DirectoryUser {
  const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();
  return {
    sub: row.sub,
    username: row.username,
    status: row.status,
    enabled: row.enabled,
    attributes: typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A LIKE pattern matching values that start with `prefix` (wildcards escaped; use ESCAPE '\'). */
export const likePrefix = (prefix: string) => prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
