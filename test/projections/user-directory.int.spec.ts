import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { withMetadata } from '../../src/shared/command-handler.js';
import { DEFAULT_PASSWORD_POLICY } from '../../src/user-pools/password-policy.js';
import type { UserPoolEvent } from '../../src/user-pools/user-pool.events.js';
import type { UserEvent } from '../../src/user-pools/user.events.js';
import { resetCheckpoint } from '../../projections/checkpoints.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { POOLS_TABLE, USERS_TABLE, userDirectoryProjection } from '../../projections/user-directory/user-directory.projection.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/wait.js';

const ctx = { correlationId: 'c', actor: { kind: 'system' as const } };
const POOL = 'us-east-1_Test12345';

async function seed(store: SqlEventStore, users: number): Promise<void> {
  const pool: UserPoolEvent[] = [
    {
      type: 'UserPoolCreated',
      data: { poolId: POOL, region: 'us-east-1', createdAt: '2026-01-01T00:00:00.000Z', name: 'p', passwordPolicy: DEFAULT_PASSWORD_POLICY, usernameCaseSensitive: false, autoVerifiedAttributes: ['email'] },
    },
  ];
  await store.append(`userpool-${POOL}`, withMetadata(pool, ctx, new Date('2026-01-01T00:00:00Z')), { expectedRevision: 'no_stream' });
  for (let i = 0; i < users; i++) {
    const sub = `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`;
    const events: UserEvent[] = [
      { type: 'UserSignedUp', data: { poolId: POOL, sub, username: `User${i}`, attributes: { email: `user${i}@x.test` }, passwordHash: 'h', signedUpAt: '2026-01-02T00:00:00.000Z' } },
    ];
    if (i % 2 === 0) events.push({ type: 'UserConfirmed', data: { confirmedAt: '2026-01-03T00:00:00.000Z', verifiedAttribute: 'email' } });
    await store.append(`user-${POOL}-${sub}`, withMetadata(events, ctx, new Date('2026-01-02T00:00:00Z')), { expectedRevision: 'no_stream' });
  }
}

const adapters: Array<[string, () => Promise<{ db: SqlDatabase; done: () => Promise<void> }>]> = [
  ['PGlite', async () => { const db = await PgliteDatabase.open(); return { db, done: () => db.close() }; }],
  ['PostgreSQL', async () => {
    const info = await freshDatabase('ud');
    const db = new PgDatabase({ connectionString: info.url, max: 4 });
    return { db, done: async () => { await db.close(); await info.drop(); } };
  }],
];

describe.each(adapters)('user directory projection (%s)', (_name, open) => {
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
