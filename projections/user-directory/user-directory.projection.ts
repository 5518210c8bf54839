import type { SqlExecutor } from '../../src/db/sql.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { UserPoolEvent } from '../../src/user-pools/user-pool.events.js';
import type { ExternalIdentity, UserEvent } from '../../src/user-pools/user.events.js';
import type { ClientEvent } from '../../src/user-pools/clients/client.events.js';
import { normalizeUsername } from '../../src/user-pools/username.js';
import type { Projection } from '../projection.js';

import { CLIENTS_TABLE, POOLS_TABLE, USERS_TABLE } from '../../src/user-pools/directory/tables.js';
import { type StoredUserRow, USER_COLUMNS, USER_DIRECTORY_VERSION, USER_INDEXES, USER_PRIMARY_KEY } from '../../src/user-pools/directory/user-rows.js';

export { CLIENTS_TABLE, POOLS_TABLE, USERS_TABLE };

/**
 * The user directory: pools and their users, as the admin API lists them. Rows carry
 * times from the events (never now()), so a replay writes identical rows.
 */
export const userDirectoryProjection: Projection = {
  name: 'user_directory',
  handles: new Set([
    'CustomAttributesAdded',
    'PasswordChanged',
    'PasswordResetRequired',
    'UserAttributeVerified',
    'UserAttributesDeleted',
    'UserAttributesUpdated',
    'UserConfirmed',
    'UserCreatedByAdmin',
    'UserDeleted',
    'UserDisabled',
    'UserEnabled',
    'UserImported',
    'UserPoolClientCreated',
    'UserPoolClientDeleted',
    'UserPoolClientUpdated',
    'UserPoolCreated',
    'UserPoolDeleted',
    'UserPoolUpdated',
    'UserSignedUp',
    'ExternalUserCreated',
    'ExternalIdentityLinked',
    'ExternalIdentityUnlinked',
  ]),
  // 2: app clients. 3: admin-created users, attribute changes, deletions. 4: search keys. The users table's shape
  // and version are declared with its columns (src/user-pools/directory/user-rows.ts).
  version: USER_DIRECTORY_VERSION,

  async setup(db) {
    await db.query(`CREATE TABLE IF NOT EXISTS ${POOLS_TABLE} (
      pool_id text PRIMARY KEY,
      name text NOT NULL,
      region text NOT NULL,
      username_case_sensitive boolean NOT NULL,
      settings jsonb NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${USERS_TABLE} (
      ${USER_COLUMNS.map((c) => `${c.name} ${c.ddl}`).join(',\n      ')},
      PRIMARY KEY (${USER_PRIMARY_KEY.join(', ')})
    )`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${CLIENTS_TABLE} (
      client_id text PRIMARY KEY,
      pool_id text NOT NULL,
      client_name text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${CLIENTS_TABLE}_pool ON ${CLIENTS_TABLE} (pool_id, client_id)`);
    for (const index of USER_INDEXES) {
      await db.query(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${USERS_TABLE}_${index.name} ON ${USERS_TABLE} USING ${index.method} (${index.columns.join(', ')})`,
      );
    }
  },

  async drop(db) {
    await db.query(`DROP TABLE IF EXISTS ${CLIENTS_TABLE}`);
    await db.query(`DROP TABLE IF EXISTS ${USERS_TABLE}`);
    await db.query(`DROP TABLE IF EXISTS ${POOLS_TABLE}`);
  },

  async apply(tx, events) {
    // Pool events are rare and change what later events mean (a deleted pool takes its users
    // with it; a sign-up reads the pool's case rule): they end a segment and apply one by one.
    let segment: Array<RecordedEvent<UserEvent | ClientEvent>> = [];
    for (const event of events as ReadonlyArray<RecordedEvent<DirectoryEvent>>) {
      if (isPoolEvent(event)) {
        await applySegment(tx, segment);
        segment = [];
        await applyPoolEvent(tx, event);
      } else {
        segment.push(event);
      }
    }
    await applySegment(tx, segment);
  },
};

export type DirectoryEvent = UserPoolEvent | UserEvent | ClientEvent;

const POOL_EVENTS: ReadonlySet<string> = new Set<UserPoolEvent['type']>(['UserPoolCreated', 'UserPoolUpdated', 'CustomAttributesAdded', 'UserPoolDeleted']);

export function isPoolEvent(event: RecordedEvent<DirectoryEvent>): event is RecordedEvent<UserPoolEvent> {
  return POOL_EVENTS.has(event.type);
}

/** Pool events stay one statement each (rare; the per-event test oracle uses this too). */
export async function applyPoolEvent(tx: SqlExecutor, event: RecordedEvent<UserPoolEvent>): Promise<void> {
  switch (event.type) {
    case 'UserPoolCreated': {
      const { poolId, name, region, usernameCaseSensitive, createdAt, ...rest } = event.data;
      await tx.query(
        `INSERT INTO ${POOLS_TABLE} (pool_id, name, region, username_case_sensitive, settings, created_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6)
         ON CONFLICT (pool_id) DO UPDATE SET name = EXCLUDED.name, region = EXCLUDED.region,
           username_case_sensitive = EXCLUDED.username_case_sensitive, settings = EXCLUDED.settings,
           created_at = EXCLUDED.created_at`,
        [poolId, name, region, usernameCaseSensitive, JSON.stringify(rest), createdAt],
      );
      return;
    }
    case 'UserPoolUpdated': {
      const { name, updatedAt: _at, ...changed } = event.data;
      const poolId = event.streamId.slice('userpool-'.length);
      // Every mutable setting is in the event; an absent accountRecovery means none.
      await tx.query(`UPDATE ${POOLS_TABLE} SET name = $2, settings = (settings - 'accountRecovery') || $3::jsonb WHERE pool_id = $1`, [
        poolId,
        name,
        JSON.stringify(changed),
      ]);
      return;
    }
    case 'CustomAttributesAdded': {
      const poolId = event.streamId.slice('userpool-'.length);
      // Idempotent on replay: attributes already in the schema are not added again.
      await tx.query(
        `UPDATE ${POOLS_TABLE} SET settings = jsonb_set(settings, '{schema}', COALESCE(settings->'schema', '[]'::jsonb) || (
           SELECT COALESCE(jsonb_agg(a), '[]'::jsonb) FROM jsonb_array_elements($2::jsonb) a
            WHERE NOT COALESCE(settings->'schema', '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('name', a->'name'))))
         WHERE pool_id = $1`,
        [poolId, JSON.stringify(event.data.attributes)],
      );
      return;
    }
    case 'UserPoolDeleted': {
      // Cognito deletes a pool with its users and app clients.
      const poolId = event.streamId.slice('userpool-'.length);
      await tx.query(`DELETE FROM ${USERS_TABLE} WHERE pool_id = $1`, [poolId]);
      await tx.query(`DELETE FROM ${CLIENTS_TABLE} WHERE pool_id = $1`, [poolId]);
      await tx.query(`DELETE FROM ${POOLS_TABLE} WHERE pool_id = $1`, [poolId]);
      return;
    }
  }
}

/** A user row in the fold, with how its email key was last written. */
type UserRow = StoredUserRow & {
  /** The last write of email_key was `lower(attributes->>'email')` in SQL, as the per-event updates did. */
  email_in_sql: boolean;
};

interface ClientRow {
  client_id: string;
  pool_id: string;
  client_name: string;
  created_at: string;
  updated_at: string;
}

/**
 * Rows of one table as a segment leaves them: a row to upsert, or null to delete. Keys the
 * segment never wrote are absent; `stored` holds the rows read before the fold.
 */
class RowFold<Row> {
  readonly changed = new Map<string, Row | null>();
  constructor(private readonly stored: ReadonlyMap<string, Row>) {}

  /** The row as the events so far leave it; undefined when there is none (UPDATEs then do nothing). */
  get(key: string): Row | undefined {
    return this.changed.has(key) ? (this.changed.get(key) ?? undefined) : this.stored.get(key);
  }

  set(key: string, row: Row | null): void {
    this.changed.set(key, row);
  }
}

const userKey = (poolId: string, sub: string) => `${poolId}\u0000${sub}`;

/**
 * Applies user and client events set-based: one read of the rows whose stored state the
 * events depend on, the events folded in order in memory (each case mirrors the SQL the
 * directory ran per event), then one DELETE and one upsert per table.
 */
async function applySegment(tx: SqlExecutor, events: ReadonlyArray<RecordedEvent<UserEvent | ClientEvent>>): Promise<void> {
  if (events.length === 0) return;
  // Which stored rows matter: those a segment updates before (re)creating or deleting them.
  const signUpPools = new Set<string>();
  const userReads = new Map<string, { poolId: string; sub: string }>();
  const clientReads = new Set<string>();
  const usersDefined = new Set<string>();
  const clientsDefined = new Set<string>();
  for (const event of events) {
    if (isClientEvent(event)) {
      const id = clientId(event);
      if (event.type !== 'UserPoolClientUpdated') clientsDefined.add(id);
      else if (!clientsDefined.has(id)) clientReads.add(id);
    } else if (event.type === 'UserSignedUp' || event.type === 'UserCreatedByAdmin' || event.type === 'UserImported' || event.type === 'ExternalUserCreated') {
      signUpPools.add(event.data.poolId);
      usersDefined.add(userKey(event.data.poolId, event.data.sub));
    } else if (USER_UPDATES.has(event.type)) {
      const { poolId, sub } = parseUserStream(event.streamId);
      const key = userKey(poolId, sub);
      if (event.type === 'UserDeleted') usersDefined.add(key);
      else if (!usersDefined.has(key)) userReads.set(key, { poolId, sub });
    }
  }

  const caseSensitive = new Map<string, boolean>();
  if (signUpPools.size > 0) {
    const pools = await tx.query<{ pool_id: string; username_case_sensitive: boolean }>(
      `SELECT pool_id, username_case_sensitive FROM ${POOLS_TABLE} WHERE pool_id = ANY($1::text[])`,
      [[...signUpPools]],
    );
    for (const p of pools.rows) caseSensitive.set(p.pool_id, p.username_case_sensitive);
  }
  const users = new RowFold<UserRow>(await readUsers(tx, [...userReads.values()]));
  const clients = new RowFold<ClientRow>(await readClients(tx, [...clientReads]));

  for (const event of events) {
    if (isClientEvent(event)) {
      foldClient(clients, event);
    } else if (event.type === 'ExternalUserCreated') {
      const d = event.data;
      users.set(userKey(d.poolId, d.sub), {
        pool_id: d.poolId,
        sub: d.sub,
        username: d.username,
        username_key: normalizeUsername(d.username, caseSensitive.get(d.poolId) ?? false),
        email_key: d.attributes.email ? d.attributes.email.toLowerCase() : null,
        email_in_sql: false,
        status: 'EXTERNAL_PROVIDER',
        enabled: true,
        attributes: { ...d.attributes, identities: identitiesAttribute([d.identity]), sub: d.sub },
        created_at: d.createdAt,
        updated_at: d.createdAt,
      });
    } else if (event.type === 'UserSignedUp' || event.type === 'UserCreatedByAdmin' || event.type === 'UserImported') {
      const d = event.data;
      const email = d.attributes.email;
      const createdAt = event.type === 'UserSignedUp' ? event.data.signedUpAt : event.type === 'UserImported' ? event.data.importedAt : event.data.createdAt;
      users.set(userKey(d.poolId, d.sub), {
        pool_id: d.poolId,
        sub: d.sub,
        username: d.username,
        username_key: normalizeUsername(d.username, caseSensitive.get(d.poolId) ?? false),
        email_key: email ? email.toLowerCase() : null,
        email_in_sql: false,
        status:
          event.type === 'UserSignedUp'
            ? 'UNCONFIRMED'
            : event.type === 'UserImported'
              ? event.data.passwordHash
                ? 'CONFIRMED'
                : 'RESET_REQUIRED'
              : 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        attributes: { ...d.attributes, sub: d.sub },
        created_at: createdAt,
        updated_at: createdAt,
      });
    } else if (USER_UPDATES.has(event.type)) {
      const { poolId, sub } = parseUserStream(event.streamId);
      const key = userKey(poolId, sub);
      if (event.type === 'UserDeleted') {
        users.set(key, null);
        continue;
      }
      const row = users.get(key);
      // The per-event UPDATEs touched nothing when there was no row.
      if (row) {
        patchUser(row, event);
        users.set(key, row);
      }
    }
  }

  await writeUsers(tx, users.changed);
  await writeClients(tx, clients.changed);
}

/** User events that change or delete an existing row (UPDATE / DELETE ... WHERE pool_id AND sub). */
const USER_UPDATES: ReadonlySet<string> = new Set<UserEvent['type']>([
  'UserAttributesUpdated',
  'UserAttributeVerified',
  'UserAttributesDeleted',
  'PasswordResetRequired',
  'UserDeleted',
  'UserConfirmed',
  'PasswordChanged',
  'UserDisabled',
  'UserEnabled',
  'ExternalIdentityLinked',
  'ExternalIdentityUnlinked',
]);

/** Cognito's `identities` attribute (as user.state.ts writes it). */
function identitiesAttribute(identities: readonly ExternalIdentity[]): string {
  return JSON.stringify(
    identities.map((i) => ({
      userId: i.userId,
      providerName: i.providerName,
      providerType: i.providerType,
      issuer: i.issuer,
      primary: i.primary,
      dateCreated: i.dateCreated,
    })),
  );
}

function isClientEvent(event: RecordedEvent<UserEvent | ClientEvent>): event is RecordedEvent<ClientEvent> {
  return event.type === 'UserPoolClientCreated' || event.type === 'UserPoolClientUpdated' || event.type === 'UserPoolClientDeleted';
}

const clientId = (event: RecordedEvent<ClientEvent>) => (event.type === 'UserPoolClientCreated' ? event.data.clientId : event.streamId.slice('client-'.length));

/** Applies one of `USER_UPDATES` (but UserDeleted) to `row` in place, as its per-event UPDATE did. */
function patchUser(row: UserRow, event: RecordedEvent<UserEvent>): void {
  switch (event.type) {
    case 'UserAttributesUpdated':
    case 'UserAttributeVerified': {
      const set =
        event.type === 'UserAttributesUpdated'
          ? event.data.attributes
          : { [event.data.attribute]: event.data.value, [`${event.data.attribute}_verified`]: 'true' };
      // Through JSON, as the SQL received it (an undefined value is no key at all).
      row.attributes = { ...row.attributes, ...(JSON.parse(JSON.stringify(set)) as Record<string, unknown>) };
      row.email_in_sql = true;
      row.updated_at = event.data.at;
      return;
    }
    case 'UserAttributesDeleted': {
      const names = event.data.names.flatMap((n) => (n === 'email' || n === 'phone_number' ? [n, `${n}_verified`] : [n]));
      const attributes = { ...row.attributes };
      for (const name of names) delete attributes[name];
      row.attributes = attributes;
      row.email_in_sql = true;
      row.updated_at = event.data.at;
      return;
    }
    case 'PasswordResetRequired':
      row.status = 'RESET_REQUIRED';
      row.updated_at = event.data.at;
      return;
    case 'UserConfirmed': {
      const verified = event.data.verifiedAttribute;
      row.status = 'CONFIRMED';
      row.updated_at = event.metadata.occurredAt;
      if (verified != null) row.attributes = { ...row.attributes, [`${verified}_verified`]: 'true' };
      return;
    }
    case 'PasswordChanged': {
      const d = event.data;
      row.status = !d.permanent ? 'FORCE_CHANGE_PASSWORD' : row.status === 'UNCONFIRMED' && d.reason !== 'ADMIN_SET' ? 'UNCONFIRMED' : 'CONFIRMED';
      row.updated_at = d.changedAt;
      return;
    }
    case 'UserDisabled':
    case 'UserEnabled':
      row.enabled = event.type === 'UserEnabled';
      row.updated_at = event.data.at;
      return;
    case 'ExternalIdentityLinked':
    case 'ExternalIdentityUnlinked': {
      const raw = row.attributes.identities;
      const listed = typeof raw === 'string' ? (JSON.parse(raw) as ExternalIdentity[]) : [];
      const d = event.data;
      const next =
        event.type === 'ExternalIdentityLinked'
          ? [...listed, event.data.identity]
          : listed.filter((i) => !(i.providerName === (d as { providerName: string }).providerName && i.userId === (d as { userId: string }).userId));
      const attributes = { ...row.attributes };
      if (next.length) attributes.identities = identitiesAttribute(next);
      else delete attributes.identities;
      row.attributes = attributes;
      row.updated_at = d.at;
      return;
    }
  }
}

function foldClient(clients: RowFold<ClientRow>, event: RecordedEvent<ClientEvent>): void {
  const id = clientId(event);
  switch (event.type) {
    case 'UserPoolClientCreated': {
      const d = event.data;
      clients.set(id, { client_id: id, pool_id: d.poolId, client_name: d.clientName, created_at: d.createdAt, updated_at: d.createdAt });
      return;
    }
    case 'UserPoolClientUpdated': {
      const row = clients.get(id);
      if (row) clients.set(id, { ...row, client_name: event.data.clientName, updated_at: event.data.updatedAt });
      return;
    }
    case 'UserPoolClientDeleted':
      clients.set(id, null);
      return;
  }
}

/** Timestamps read back as ISO 8601 text with the offset and full precision, so they write back unchanged. */
const isoText = (column: string, as = column) => `to_json(${column}) #>> '{}' AS ${as}`;

async function readUsers(tx: SqlExecutor, keys: ReadonlyArray<{ poolId: string; sub: string }>): Promise<Map<string, UserRow>> {
  const stored = new Map<string, UserRow>();
  if (keys.length === 0) return stored;
  const columns = USER_COLUMNS.map((c) => (c.cast === '::timestamptz' ? isoText(`u.${c.name}`, c.name) : `u.${c.name}`)).join(', ');
  const result = await tx.query<StoredUserRow>(
    `SELECT ${columns}
     FROM ${USERS_TABLE} u JOIN unnest($1::text[], $2::text[]) AS k(pool_id, sub) ON u.pool_id = k.pool_id AND u.sub = k.sub`,
    [keys.map((k) => k.poolId), keys.map((k) => k.sub)],
  );
  for (const row of result.rows) stored.set(userKey(row.pool_id, row.sub), { ...row, email_in_sql: false });
  return stored;
}

async function readClients(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, ClientRow>> {
  const stored = new Map<string, ClientRow>();
  if (ids.length === 0) return stored;
  const result = await tx.query<ClientRow>(
    `SELECT client_id, pool_id, client_name, ${isoText('created_at')}, ${isoText('updated_at')}
     FROM ${CLIENTS_TABLE} WHERE client_id = ANY($1::text[])`,
    [ids],
  );
  for (const row of result.rows) stored.set(row.client_id, row);
  return stored;
}

/** Deletes first: a username freed by a deletion may be taken by a sign-up later in the segment. */
async function writeUsers(tx: SqlExecutor, changed: ReadonlyMap<string, UserRow | null>): Promise<void> {
  const deleted: string[][] = [];
  const upserted: UserRow[] = [];
  for (const [key, row] of changed) {
    if (row) upserted.push(row);
    else deleted.push(key.split('\u0000'));
  }
  if (deleted.length > 0) {
    await tx.query(`DELETE FROM ${USERS_TABLE} u USING unnest($1::text[], $2::text[]) AS k(pool_id, sub) WHERE u.pool_id = k.pool_id AND u.sub = k.sub`, [
      deleted.map(([poolId]) => poolId),
      deleted.map(([, sub]) => sub),
    ]);
  }
  if (upserted.length > 0) {
    // One array per declared column (derived ones computed now), plus how email_key was written.
    const values = USER_COLUMNS.map((c) => upserted.map((r) => (c.derive ? c.derive(r) : c.name === 'attributes' ? JSON.stringify(r.attributes) : r[c.name])));
    const arrays = USER_COLUMNS.map((c, i) => `$${i + 1}::${c.array}[]`);
    const names = USER_COLUMNS.map((c) => c.name);
    const select = USER_COLUMNS.map((c) =>
      c.name === 'email_key' ? `CASE WHEN r.email_in_sql THEN lower(r.attributes::jsonb ->> 'email') ELSE r.email_key END` : `r.${c.name}${c.cast ?? ''}`,
    );
    const updates = names.filter((n) => !(USER_PRIMARY_KEY as readonly string[]).includes(n)).map((n) => `${n} = EXCLUDED.${n}`);
    await tx.query(
      `INSERT INTO ${USERS_TABLE} (${names.join(', ')})
       SELECT ${select.join(', ')}
       FROM unnest(${arrays.join(', ')}, $${arrays.length + 1}::boolean[]) AS r(${names.join(', ')}, email_in_sql)
       ON CONFLICT (${USER_PRIMARY_KEY.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
      [...values, upserted.map((r) => r.email_in_sql)],
    );
  }
}

async function writeClients(tx: SqlExecutor, changed: ReadonlyMap<string, ClientRow | null>): Promise<void> {
  const deleted: string[] = [];
  const upserted: ClientRow[] = [];
  for (const [id, row] of changed) {
    if (row) upserted.push(row);
    else deleted.push(id);
  }
  if (deleted.length > 0) await tx.query(`DELETE FROM ${CLIENTS_TABLE} WHERE client_id = ANY($1::text[])`, [deleted]);
  if (upserted.length > 0) {
    await tx.query(
      `INSERT INTO ${CLIENTS_TABLE} (client_id, pool_id, client_name, created_at, updated_at)
       SELECT r.client_id, r.pool_id, r.client_name, r.created_at::timestamptz, r.updated_at::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(client_id, pool_id, client_name, created_at, updated_at)
       ON CONFLICT (client_id) DO UPDATE SET pool_id = EXCLUDED.pool_id, client_name = EXCLUDED.client_name,
         created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
      [
        upserted.map((r) => r.client_id),
        upserted.map((r) => r.pool_id),
        upserted.map((r) => r.client_name),
        upserted.map((r) => r.created_at),
        upserted.map((r) => r.updated_at),
      ],
    );
  }
}

/** `user-<poolId>-<sub>`; pool ids contain no '-' after the region, subs are UUIDs. */
export function parseUserStream(streamId: string): { poolId: string; sub: string } {
  const match = /^user-(.+_[A-Za-z0-9]+)-([0-9a-f-]{36})$/.exec(streamId);
  if (!match) throw new RangeError(`not a user stream: ${streamId}`);
  return { poolId: match[1], sub: match[2] };
}
