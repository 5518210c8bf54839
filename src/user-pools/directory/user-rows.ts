/**
 * The user directory's user rows, declared once: the table's columns (the projection creates,
 * reads back and upserts exactly these), the version that rebuilds the table when they change,
 * and how the listings map a row to a user. Adding a column is a change here: its entry (with
 * `derive` when it is computed from the rest of the row, e.g. a search key) and the version.
 */
export const USER_DIRECTORY_VERSION = 3;

/** A row as the projection folds it and as PostgreSQL stores it (timestamps as ISO text). */
export interface StoredUserRow {
  pool_id: string;
  sub: string;
  username: string;
  username_key: string;
  email_key: string | null;
  status: string;
  enabled: boolean;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface UserColumn {
  name: keyof StoredUserRow & string;
  /** Column definition in CREATE TABLE. */
  ddl: string;
  /** Element type of the array the batch upsert unnests it from. */
  array: 'text' | 'boolean';
  /** Cast from the unnested value to the column type. */
  cast?: '::jsonb' | '::timestamptz';
  /** A listing reads it (the rest serve filters and keys only). */
  listed?: boolean;
  /** Computed from the folded row at write time (new search keys go here). */
  derive?: (row: StoredUserRow) => string | boolean | null;
}

export const USER_COLUMNS: readonly UserColumn[] = [
  { name: 'pool_id', ddl: 'text NOT NULL', array: 'text' },
  { name: 'sub', ddl: 'text NOT NULL', array: 'text', listed: true },
  { name: 'username', ddl: 'text NOT NULL', array: 'text', listed: true },
  { name: 'username_key', ddl: 'text NOT NULL', array: 'text', listed: true },
  { name: 'email_key', ddl: 'text', array: 'text' },
  { name: 'status', ddl: 'text NOT NULL', array: 'text', listed: true },
  { name: 'enabled', ddl: 'boolean NOT NULL', array: 'boolean', listed: true },
  { name: 'attributes', ddl: 'jsonb NOT NULL', array: 'text', cast: '::jsonb', listed: true },
  { name: 'created_at', ddl: 'timestamptz NOT NULL', array: 'text', cast: '::timestamptz', listed: true },
  { name: 'updated_at', ddl: 'timestamptz NOT NULL', array: 'text', cast: '::timestamptz', listed: true },
];

export const USER_PRIMARY_KEY = ['pool_id', 'sub'] as const;

/** Indexes behind the listings (by username; by email prefix). */
export const USER_INDEXES = [
  { name: 'username', unique: true, columns: ['pool_id', 'username_key'] },
  { name: 'email', unique: false, columns: ['pool_id', 'email_key', 'username_key'] },
] as const;

/** A row as the listings read it (pg gives Dates and objects, PGlite may give strings). */
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

/** The listed columns, as a SELECT list (`prefix` qualifies them, e.g. `u.`). */
export const userRowColumns = (prefix = '') =>
  USER_COLUMNS.filter((c) => c.listed)
    .map((c) => `${prefix}${c.name}`)
    .join(', ');

export const USER_ROW_COLUMNS = userRowColumns();

export interface DirectoryUser {
  sub: string;
  username: string;
  status: string;
  enabled: boolean;
  attributes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** Normalises a row across drivers. */
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
