import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import type { DomainEvent, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { withMetadata } from '../../src/shared/command-handler.js';
import { DEFAULT_PASSWORD_POLICY } from '../../src/user-pools/password-policy.js';
import type { UserPoolEvent } from '../../src/user-pools/user-pool.events.js';
import type { UserEvent } from '../../src/user-pools/user.events.js';
import { resetCheckpoint } from '../../projections/checkpoints.js';
import type { Projection } from '../../projections/projection.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { CLIENTS_TABLE, POOLS_TABLE, USERS_TABLE, userDirectoryProjection } from '../../projections/user-directory/user-directory.projection.js';
import { USER_COLUMNS, USER_INDEXES } from '../../src/user-pools/directory/user-rows.js';
import { applyPerEvent } from './user-directory.per-event.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/wait.js';

const ctx = { correlationId: 'c', actor: { kind: 'system' as const } };
const POOL = 'us-east-1_Test12345';

async function seed(store: SqlEventStore, users: number): Promise<void> {
  const pool: UserPoolEvent[] = [
    {
      type: 'UserPoolCreated',
      data: {
        poolId: POOL,
        region: 'us-east-1',
        createdAt: '2026-01-01T00:00:00.000Z',
        name: 'p',
        passwordPolicy: DEFAULT_PASSWORD_POLICY,
        usernameCaseSensitive: false,
        autoVerifiedAttributes: ['email'],
      },
    },
  ];
  await store.append(`userpool-${POOL}`, withMetadata(pool, ctx, new Date('2026-01-01T00:00:00Z')), { expectedRevision: 'no_stream' });
  for (let i = 0; i < users; i++) {
    const sub = `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`;
    const events: UserEvent[] = [
      {
        type: 'UserSignedUp',
        data: { poolId: POOL, sub, username: `User${i}`, attributes: { email: `user${i}@x.test` }, passwordHash: 'h', signedUpAt: '2026-01-02T00:00:00.000Z' },
      },
    ];
    if (i % 2 === 0) events.push({ type: 'UserConfirmed', data: { confirmedAt: '2026-01-03T00:00:00.000Z', verifiedAttribute: 'email' } });
    await store.append(`user-${POOL}-${sub}`, withMetadata(events, ctx, new Date('2026-01-02T00:00:00Z')), { expectedRevision: 'no_stream' });
  }
}

const adapters: Array<[string, () => Promise<{ db: SqlDatabase; done: () => Promise<void> }>]> = [
  [
    'PGlite',
    async () => {
      const db = await PgliteDatabase.open();
      return { db, done: () => db.close() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const info = await freshDatabase('ud');
      const db = new PgDatabase({ connectionString: info.url, max: 4 });
      return {
        db,
        done: async () => {
          await db.close();
          await info.drop();
        },
      };
    },
  ],
];

describe.each(adapters)('user directory projection (%s)', (_name, open) => {
  test('the users table has exactly the declared columns, in order, and the declared indexes', async () => {
    const { db, done } = await open();
    try {
      await userDirectoryProjection.setup(db);
      const columns = await db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [USERS_TABLE],
      );
      expect(columns.rows.map((c) => c.column_name)).toEqual(USER_COLUMNS.map((c) => c.name));
      const indexes = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = $1`, [USERS_TABLE]);
      expect(indexes.rows.map((i) => i.indexname)).toEqual(expect.arrayContaining(USER_INDEXES.map((i) => `${USERS_TABLE}_${i.name}`)));
    } finally {
      await done();
    }
  });

  test('replaying twice leaves the same rows, and a rebuild gives them again', async () => {
    const { db, done } = await open();
    try {
      const store = await SqlEventStore.open(db);
      await seed(store, 30);
      const runner = new ProjectionRunner(store, db, [userDirectoryProjection]);
      await runner.start();
      await runner.ready();
      const rows = async () => ({
        pools: (await db.query(`SELECT * FROM ${POOLS_TABLE} ORDER BY pool_id`)).rows,
        users: (await db.query(`SELECT * FROM ${USERS_TABLE} ORDER BY pool_id, sub`)).rows,
      });
      const first = await rows();
      expect(first.users).toHaveLength(30);
      expect(first.users.filter((u) => (u as { status: string }).status === 'CONFIRMED')).toHaveLength(15);
      // Replay over the existing rows (checkpoint back to the start, tables kept).
      await runner.stop();
      await db.transaction((tx) => resetCheckpoint(tx, 'user_directory', userDirectoryProjection.version));
      await runner.start();
      await runner.ready();
      expect(await rows()).toEqual(first);
      // Drop and replay.
      await runner.rebuild('user_directory');
      await eventually(async () => (await rows()).users.length === 30, 10_000, 'rebuilt users');
      await runner.ready();
      expect(await rows()).toEqual(first);
      await runner.stop();
    } finally {
      await done();
    }
  });
});

const CASE_POOL = 'us-east-1_Case54321';
const GONE_POOL = 'us-east-1_Gone00000';
const sub = (i: number) => `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`;
const day = (d: number) => `2026-02-${String(d).padStart(2, '0')}T00:00:00.000Z`;
const poolCreated = (poolId: string, usernameCaseSensitive: boolean): DomainEvent => ({
  type: 'UserPoolCreated',
  data: {
    poolId,
    region: 'us-east-1',
    createdAt: day(1),
    name: poolId,
    passwordPolicy: DEFAULT_PASSWORD_POLICY,
    usernameCaseSensitive,
    autoVerifiedAttributes: ['email'],
  },
});
const signUp = (poolId: string, i: number, username: string, attributes: Record<string, string>, d: number): DomainEvent => ({
  type: 'UserSignedUp',
  data: { poolId, sub: sub(i), username, attributes, passwordHash: 'h', signedUpAt: day(d) },
});
const client = (type: string, clientId: string, clientName: string, d: number): DomainEvent => ({
  type,
  data:
    type === 'UserPoolClientCreated'
      ? { clientId, poolId: POOL, clientName, createdAt: day(d) }
      : type === 'UserPoolClientUpdated'
        ? { clientName, updatedAt: day(d) }
        : { deletedAt: day(d) },
});

/** Appends `[stream, event, day]` entries one event per append, in order. */
async function appendAll(store: SqlEventStore, entries: Array<[string, DomainEvent, number]>): Promise<void> {
  for (const [stream, event, d] of entries) {
    await store.append(stream, withMetadata([event], ctx, new Date(day(d))), { expectedRevision: 'any' });
  }
}

const user = (poolId: string, i: number) => `user-${poolId}-${sub(i)}`;

/** Rows before the mixed batch: three pools, users and clients it then changes. */
const before: Array<[string, DomainEvent, number]> = [
  [`userpool-${POOL}`, poolCreated(POOL, false), 1],
  [`userpool-${CASE_POOL}`, poolCreated(CASE_POOL, true), 1],
  [`userpool-${GONE_POOL}`, poolCreated(GONE_POOL, false), 1],
  [user(POOL, 1), signUp(POOL, 1, 'Alice', { email: 'Alice@X.test' }, 2), 2],
  [
    user(POOL, 2),
    {
      type: 'UserCreatedByAdmin',
      data: { poolId: POOL, sub: sub(2), username: 'bob', attributes: { email: 'bob@x.test', name: 'Bob' }, passwordHash: 'h', createdAt: day(2) },
    },
    2,
  ],
  [user(POOL, 3), signUp(POOL, 3, 'Carol', { email: 'carol@x.test' }, 2), 2],
  [user(CASE_POOL, 4), signUp(CASE_POOL, 4, 'Dave', {}, 2), 2],
  [user(GONE_POOL, 10), signUp(GONE_POOL, 10, 'gone', {}, 2), 2],
  [user(POOL, 12), signUp(POOL, 12, 'grace', { email: 'grace@x.test' }, 2), 2],
  ['client-c1', client('UserPoolClientCreated', 'c1', 'one', 2), 2],
  ['client-c2', client('UserPoolClientCreated', 'c2', 'two', 2), 2],
];

/** One runner batch that changes stored rows and creates, changes, deletes and re-creates others. */
const mixed: Array<[string, DomainEvent, number]> = [
  [user(POOL, 1), { type: 'UserConfirmed', data: { confirmedAt: day(3), verifiedAttribute: 'email' } }, 3],
  [
    user(POOL, 1),
    {
      type: 'ConfirmationCodeSent',
      data: { purpose: 'VERIFY_ATTRIBUTE', codeHash: 'x', expiresAt: day(9), medium: 'EMAIL', destination: 'n***', attribute: 'email' },
    },
    3,
  ],
  [user(POOL, 1), { type: 'UserAttributesUpdated', data: { attributes: { email: 'NEW@X.test', name: 'A' }, at: day(4) } }, 4],
  [user(POOL, 1), { type: 'UserDisabled', data: { at: day(5) } }, 5],
  [user(POOL, 1), { type: 'UserEnabled', data: { at: day(6) } }, 6],
  [user(POOL, 2), { type: 'PasswordChanged', data: { passwordHash: 'h2', reason: 'NEW_PASSWORD_CHALLENGE', permanent: true, changedAt: day(3) } }, 3],
  [user(POOL, 2), { type: 'UserAttributesDeleted', data: { names: ['email'], at: day(4) } }, 4],
  [user(POOL, 3), { type: 'PasswordChanged', data: { passwordHash: 'h2', reason: 'RESET', permanent: true, changedAt: day(3) } }, 3],
  [user(POOL, 3), { type: 'UserDeleted', data: { at: day(4), by: 'ADMIN' } }, 4],
  // Carol's username, free again, taken by a new user in the same batch.
  [user(POOL, 5), signUp(POOL, 5, 'CAROL', { email: 'c2@x.test', phone_number: '+15550100' }, 5), 5],
  [user(POOL, 5), { type: 'UserConfirmed', data: { confirmedAt: day(5), via: 'ADMIN' } }, 5],
  [user(POOL, 5), { type: 'UserAttributeVerified', data: { attribute: 'phone_number', value: '+15550101', at: day(6) } }, 6],
  [user(POOL, 5), { type: 'UserDisabled', data: { at: day(7) } }, 7],
  // A pool event mid-batch; the users after it see the same rows.
  [
    `userpool-${POOL}`,
    {
      type: 'UserPoolUpdated',
      data: {
        name: 'renamed',
        passwordPolicy: DEFAULT_PASSWORD_POLICY,
        autoVerifiedAttributes: [],
        deletionProtection: 'INACTIVE',
        attributesRequireVerificationBeforeUpdate: [],
        allowAdminCreateUserOnly: false,
        updatedAt: day(5),
      },
    },
    5,
  ],
  [
    `userpool-${POOL}`,
    { type: 'CustomAttributesAdded', data: { attributes: [{ name: 'custom:tier', dataType: 'String', mutable: true, required: false }], addedAt: day(5) } },
    5,
  ],
  // Signed up, changed, deleted and signed up again under a new sub, all in the batch.
  [user(POOL, 6), signUp(POOL, 6, 'erin', { email: 'erin@x.test' }, 3), 3],
  [user(POOL, 6), { type: 'UserConfirmed', data: { confirmedAt: day(3), verifiedAttribute: 'email' } }, 3],
  [user(POOL, 6), { type: 'UserAttributesUpdated', data: { attributes: { given_name: 'E' }, at: day(4) } }, 4],
  [user(POOL, 6), { type: 'UserDisabled', data: { at: day(4) } }, 4],
  [user(POOL, 6), { type: 'UserDeleted', data: { at: day(5), by: 'USER' } }, 5],
  [user(POOL, 7), signUp(POOL, 7, 'Erin', { email: 'Erin@X.test' }, 6), 6],
  [user(POOL, 7), { type: 'PasswordResetRequired', data: { at: day(7) } }, 7],
  // Deleted and signed up again with the same sub.
  [user(POOL, 8), signUp(POOL, 8, 'frank', {}, 3), 3],
  [user(POOL, 8), { type: 'UserDeleted', data: { at: day(4), by: 'USER' } }, 4],
  [user(POOL, 8), signUp(POOL, 8, 'frank', { email: 'f@x.test' }, 5), 5],
  [user(POOL, 8), { type: 'PasswordChanged', data: { passwordHash: 'h2', reason: 'ADMIN_SET', permanent: false, changedAt: day(6) } }, 6],
  // Stays UNCONFIRMED: a permanent password the user chose does not confirm the account.
  [user(POOL, 12), { type: 'PasswordChanged', data: { passwordHash: 'h2', reason: 'CHANGE', permanent: true, changedAt: day(3) } }, 3],
  [user(POOL, 12), { type: 'UserAttributeVerified', data: { attribute: 'email', value: 'Grace@Y.test', at: day(4) } }, 4],
  // Updates of a user that does not exist change nothing.
  [user(POOL, 9), { type: 'UserConfirmed', data: { confirmedAt: day(3) } }, 3],
  [user(POOL, 9), { type: 'UserDisabled', data: { at: day(3) } }, 3],
  // Case-sensitive pool: 'dave' is another username than 'Dave'.
  [user(CASE_POOL, 11), signUp(CASE_POOL, 11, 'dave', {}, 3), 3],
  [user(CASE_POOL, 4), { type: 'UserAttributesUpdated', data: { attributes: { email: 'Dave@X.test' }, at: day(3) } }, 3],
  // A pool deleted with its users; an update after it finds no row.
  [user(GONE_POOL, 10), { type: 'UserConfirmed', data: { confirmedAt: day(3) } }, 3],
  [`userpool-${GONE_POOL}`, { type: 'UserPoolDeleted', data: { deletedAt: day(4) } }, 4],
  [user(GONE_POOL, 10), { type: 'UserDisabled', data: { at: day(5) } }, 5],
  ['client-c1', client('UserPoolClientUpdated', 'c1', 'one-renamed', 3), 3],
  ['client-c2', client('UserPoolClientDeleted', 'c2', '', 3), 3],
  ['client-c3', client('UserPoolClientCreated', 'c3', 'three', 3), 3],
  ['client-c3', client('UserPoolClientUpdated', 'c3', 'three-renamed', 4), 4],
  ['client-c3', client('UserPoolClientDeleted', 'c3', '', 5), 5],
  ['client-c4', client('UserPoolClientCreated', 'c4', 'four', 3), 3],
  ['client-c4', client('UserPoolClientUpdated', 'c4', 'four-renamed', 4), 4],
  ['client-c9', client('UserPoolClientUpdated', 'c9', 'nobody', 4), 4],
];

describe.each(adapters)('user directory projection, set-based apply (%s)', (_name, open) => {
  test('a mixed batch in one runner batch leaves the rows one event per batch (and the per-event SQL) leaves', async () => {
    const { db, done } = await open();
    try {
      const store = await SqlEventStore.open(db);
      // Derived columns (search keys) are not the per-event SQL's: compared apart, against their declaration.
      const derived = USER_COLUMNS.filter((c) => c.derive);
      const snapshot = async () => {
        const users = (await db.query<Record<string, unknown>>(`SELECT * FROM ${USERS_TABLE} ORDER BY pool_id, sub`)).rows;
        return {
          pools: (await db.query(`SELECT * FROM ${POOLS_TABLE} ORDER BY pool_id`)).rows,
          users: users.map((u) => Object.fromEntries(Object.entries(u).filter(([name]) => !derived.some((c) => c.name === name)))),
          clients: (await db.query(`SELECT * FROM ${CLIENTS_TABLE} ORDER BY client_id`)).rows,
        };
      };
      const derivedAsDeclared = async () => {
        const users = (await db.query<Record<string, unknown>>(`SELECT * FROM ${USERS_TABLE}`)).rows;
        for (const u of users) for (const c of derived) expect(u[c.name]).toEqual(JSON.parse(String(c.derive!(u as never))));
      };

      // The runner, with the mixed events arriving as one batch over stored rows.
      const batches: number[] = [];
      const counting: Projection = {
        ...userDirectoryProjection,
        apply: async (tx, events) => {
          batches.push(events.length);
          await userDirectoryProjection.apply(tx, events);
        },
      };
      await appendAll(store, before);
      const runner = new ProjectionRunner(store, db, [counting]);
      await runner.start();
      await runner.ready();
      await runner.stop();
      await appendAll(store, mixed);
      batches.length = 0;
      await runner.start();
      await runner.ready();
      await runner.stop();
      expect(batches).toEqual([mixed.length - 1]); // ConfirmationCodeSent is not for this projection
      const batched = await snapshot();
      await derivedAsDeclared();

      const log = (await store.readAll({ maxCount: 10_000 })).filter((e) => userDirectoryProjection.handles!.has(e.type));
      const replay = async (apply: (tx: Parameters<Projection['apply']>[0], events: readonly RecordedEvent[]) => Promise<void>, perEvent: boolean) => {
        await db.transaction(async (tx) => {
          await userDirectoryProjection.drop(tx);
          await userDirectoryProjection.setup(tx);
        });
        if (!perEvent) await db.transaction((tx) => apply(tx, log));
        else for (const event of log) await db.transaction((tx) => apply(tx, [event]));
        return snapshot();
      };
      const oneEventPerBatch = await replay((tx, events) => userDirectoryProjection.apply(tx, events), true);
      const oracle = await replay(applyPerEvent, true);
      const wholeLogAsOneBatch = await replay((tx, events) => userDirectoryProjection.apply(tx, events), false);
      expect(oneEventPerBatch).toEqual(oracle);
      expect(batched).toEqual(oracle);
      expect(wholeLogAsOneBatch).toEqual(oracle);
      // Idempotent: the whole log once more over the rows, as one batch, changes nothing.
      await db.transaction((tx) => userDirectoryProjection.apply(tx, log));
      expect(await snapshot()).toEqual(oracle);

      // And the rows are the ones the events describe (so the comparison is not of empty tables).
      const users = new Map(oracle.users.map((u) => [u.sub as string, u]));
      expect([...users.keys()].sort()).toEqual([1, 2, 4, 5, 7, 8, 11, 12].map(sub));
      expect(users.get(sub(1))).toMatchObject({
        status: 'CONFIRMED',
        enabled: true,
        email_key: 'new@x.test',
        attributes: { email: 'NEW@X.test', email_verified: 'true', name: 'A', sub: sub(1) },
        updated_at: new Date(day(6)),
      });
      expect(users.get(sub(2))).toMatchObject({ status: 'CONFIRMED', email_key: null, attributes: { name: 'Bob', sub: sub(2) } });
      expect(users.get(sub(5))).toMatchObject({
        username_key: 'carol',
        status: 'CONFIRMED',
        enabled: false,
        attributes: { email: 'c2@x.test', phone_number: '+15550101', phone_number_verified: 'true', sub: sub(5) },
      });
      expect(users.get(sub(7))).toMatchObject({ username_key: 'erin', status: 'RESET_REQUIRED', email_key: 'erin@x.test' });
      expect(users.get(sub(8))).toMatchObject({ status: 'FORCE_CHANGE_PASSWORD', email_key: 'f@x.test', created_at: new Date(day(5)) });
      expect(users.get(sub(4))).toMatchObject({ username_key: 'Dave', email_key: 'dave@x.test' });
      expect(users.get(sub(11))).toMatchObject({ username_key: 'dave' });
      expect(users.get(sub(12))).toMatchObject({ status: 'UNCONFIRMED', email_key: 'grace@y.test', updated_at: new Date(day(4)) });
      expect(oracle.clients.map((c) => [c.client_id, c.client_name])).toEqual([
        ['c1', 'one-renamed'],
        ['c4', 'four-renamed'],
      ]);
      expect(oracle.pools.map((p) => [p.pool_id, p.name])).toEqual([
        [CASE_POOL, CASE_POOL],
        [POOL, 'renamed'],
      ]);
    } finally {
      await done();
    }
  });
});
