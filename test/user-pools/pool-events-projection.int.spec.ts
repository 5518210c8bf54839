import { PgliteDatabase } from '../../src/db/pglite-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { withMetadata } from '../../src/shared/command-handler.js';
import { resolveMutableSettings } from '../../src/user-pools/pool-settings.js';
import type { UserPoolEvent, UserPoolSettings } from '../../src/user-pools/user-pool.events.js';
import type { UserEvent } from '../../src/user-pools/user.events.js';
import { resetCheckpoint } from '../../projections/checkpoints.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { CLIENTS_TABLE, POOLS_TABLE, USERS_TABLE, userDirectoryProjection } from '../../projections/user-directory/user-directory.projection.js';

const ctx = { correlationId: 'c', actor: { kind: 'system' as const } };
const T = '2026-01-01T00:00:00.000Z';
const settings = (name: string): UserPoolSettings => ({
  ...resolveMutableSettings({}, name),
  usernameCaseSensitive: false,
  usernameAttributes: [],
  aliasAttributes: [],
  schema: [],
});
const created = (poolId: string): UserPoolEvent => ({ type: 'UserPoolCreated', data: { poolId, region: 'us-east-1', createdAt: T, ...settings(poolId) } });

describe('pool settings events in the user directory (PGlite)', () => {
  test('updates, added attributes and deletions apply, and a replay gives the same rows', async () => {
    const db = await PgliteDatabase.open();
    try {
      const store = await SqlEventStore.open(db);
      const kept = 'us-east-1_Kept12345';
      const gone = 'us-east-1_Gone12345';
      const append = (stream: string, events: Array<UserPoolEvent | UserEvent>) =>
        store.append(stream, withMetadata(events, ctx, new Date(T)), { expectedRevision: 'any' });
      await append(`userpool-${kept}`, [
        created(kept),
        { type: 'UserPoolUpdated', data: { ...resolveMutableSettings({ accountRecovery: [{ name: 'admin_only', priority: 1 }] }, 'renamed'), updatedAt: T } },
        { type: 'CustomAttributesAdded', data: { attributes: [{ name: 'custom:tier', dataType: 'String', mutable: true, required: false }], addedAt: T } },
        { type: 'UserPoolUpdated', data: { ...resolveMutableSettings({}, 'renamed'), updatedAt: T } },
      ]);
      await append(`userpool-${gone}`, [created(gone)]);
      const sub = '00000000-0000-4000-8000-000000000001';
      await append(`user-${gone}-${sub}`, [
        { type: 'UserSignedUp', data: { poolId: gone, sub, username: 'u', attributes: {}, passwordHash: 'h', signedUpAt: T } },
      ]);
      await append(`userpool-${gone}`, [{ type: 'UserPoolDeleted', data: { deletedAt: T } }]);

      const runner = new ProjectionRunner(store, db, [userDirectoryProjection]);
      await runner.start();
      await runner.ready();
      const rows = async () => ({
        pools: (await db.query(`SELECT * FROM ${POOLS_TABLE} ORDER BY pool_id`)).rows,
        users: (await db.query(`SELECT * FROM ${USERS_TABLE} ORDER BY pool_id, sub`)).rows,
        clients: (await db.query(`SELECT * FROM ${CLIENTS_TABLE} ORDER BY client_id`)).rows,
      });
      const first = await rows();
      expect(first.pools).toEqual([expect.objectContaining({ pool_id: kept, name: 'renamed' })]);
      const stored = (first.pools[0] as { settings: Record<string, unknown> }).settings;
      expect(stored.accountRecovery).toBeUndefined();
      expect(stored.schema).toEqual([{ name: 'custom:tier', dataType: 'String', mutable: true, required: false }]);
      expect(first.users).toEqual([]);

      await runner.stop();
      await db.transaction((tx) => resetCheckpoint(tx, 'user_directory', userDirectoryProjection.version));
      await runner.start();
      await runner.ready();
      expect(await rows()).toEqual(first);
      await runner.stop();
    } finally {
      await db.close();
    }
  });
});
