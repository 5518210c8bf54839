/**
 * The user directory's user rows, declared once: the table's columns (the projection creates,
 * reads back and upserts exactly these), the version that rebuilds the table when they change,
 * and how the listings map a row to a user. Adding a column is a change here: its entry (with
 * `derive` when it is computed from the rest of the row, e.g. a search key) and the version.
 */
export const USER_DIRECTORY_VERSION = 4;

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
  /** Derived at write time (`searchKeys`); absent on rows the fold builds. */
  search_keys?: unknown;
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
  // 4: the search keys behind the user search (src/user-pools/queries/user-search.ts).
  { name: 'search_keys', ddl: "jsonb NOT NULL DEFAULT '[]'", array: 'text', cast: '::jsonb', derive: (row) => JSON.stringify(searchKeys(row.attributes)) },
];

export const USER_PRIMARY_KEY = ['pool_id', 'sub'] as const;

/**
 * Indexes behind the listings: by username; by email prefix (Cognito's Filter); by creation
 * time (the search's other order); the search keys (GIN: several attributes in one index scan).
 */
export const USER_INDEXES = [
  { name: 'username', unique: true, method: 'btree', columns: ['pool_id', 'username_key'] },
  { name: 'email', unique: false, method: 'btree', columns: ['pool_id', 'email_key', 'username_key'] },
  { name: 'created', unique: false, method: 'btree', columns: ['pool_id', 'created_at', 'sub'] },
  { name: 'search', unique: false, method: 'gin', columns: ['search_keys jsonb_path_ops'] },
] as const;

/**
 * How many leading characters of each attribute value get a prefix key. A longer prefix is
 * found through the key of its first characters, then checked on the value itself; four keep the
 * index to a few entries per attribute while a 4-character prefix already narrows 100,000 users
 * to a handful.
 */
export const PREFIX_KEY_LENGTH = 4;

/** One search key: `e:` an attribute's whole value, `p:` a prefix of it; values case-folded. */
export const searchKey = (kind: 'e' | 'p', attribute: string, value: string) => `${kind}:${attribute}=${value.toLowerCase()}`;

/**
 * The search keys of a user's attributes (`sub` is its own column): every value whole, and its
 * first 1..PREFIX_KEY_LENGTH characters (code points, so no key ends inside a surrogate pair).
 */
export function searchKeys(attributes: Record<string, unknown>): string[] {
  const keys = new Set<string>();
  for (const [name, raw] of Object.entries(attributes)) {
    if (name === 'sub' || typeof raw !== 'string') continue;
    keys.add(searchKey('e', name, raw));
    const chars = [...raw.toLowerCase()];
    for (let n = 1; n <= Math.min(PREFIX_KEY_LENGTH, chars.length); n++) keys.add(searchKey('p', name, chars.slice(0, n).join('')));
  }
  // Sorted: the same attributes give the same keys whatever order jsonb hands them back in.
  return [...keys].sort();
}

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
