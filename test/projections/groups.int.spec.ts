import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import type { DomainEvent, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { withMetadata } from '../../src/shared/command-handler.js';
import { type GroupEvent, groupStream } from '../../src/user-pools/groups/group.events.js';
import { type MembershipEvent, membershipStream } from '../../src/user-pools/groups/membership.events.js';
import { resetCheckpoint } from '../../projections/checkpoints.js';
import { GROUP_MEMBERS_TABLE, GROUPS_TABLE, groupsProjection } from '../../projections/groups/groups.projection.js';
import type { Projection } from '../../projections/projection.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { applyPerEvent } from './groups.per-event.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/wait.js';

const ctx = { correlationId: 'c', actor: { kind: 'system' as const } };
const POOL = 'us-east-1_Test12345';
const ROLE = 'arn:aws:iam::123456789012:role/editors';
const sub = (i: number) => `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`;
const at = (day: number) => `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;

/** Two groups, members added and removed, one group deleted and re-created (a stale add in between). */
async function seed(store: SqlEventStore): Promise<void> {
  const append = (stream: string, events: DomainEvent[]) => store.append(stream, withMetadata(events, ctx, new Date(at(1))), { expectedRevision: 'any' });
  const group = (e: GroupEvent) => append(groupStream(POOL, e.data.groupName), [e]);
  const member = (i: number, e: MembershipEvent) => append(membershipStream(POOL, sub(i)), [e]);
  await group({ type: 'GroupCreated', data: { poolId: POOL, groupName: 'readers', description: 'Read only', createdAt: at(1) } });
  await group({ type: 'GroupCreated', data: { poolId: POOL, groupName: 'editors', precedence: 2, createdAt: at(1) } });
  await group({ type: 'GroupUpdated', data: { poolId: POOL, groupName: 'editors', precedence: 1, roleArn: ROLE, updatedAt: at(2) } });
  for (let i = 0; i < 10; i++) await member(i, { type: 'UserAddedToGroup', data: { groupName: 'readers', groupCreatedAt: at(1), at: at(3) } });
  for (let i = 0; i < 3; i++) await member(i, { type: 'UserAddedToGroup', data: { groupName: 'editors', groupCreatedAt: at(1), at: at(3) } });
  await member(4, { type: 'UserRemovedFromGroup', data: { groupName: 'readers', at: at(4) } });
  await group({ type: 'GroupDeleted', data: { poolId: POOL, groupName: 'editors', deletedAt: at(5) } });
  // Raced with the delete: names the old group, so it must never show under the new one.
  await member(5, { type: 'UserAddedToGroup', data: { groupName: 'editors', groupCreatedAt: at(1), at: at(5) } });
  await group({ type: 'GroupCreated', data: { poolId: POOL, groupName: 'editors', createdAt: at(6) } });
  await member(7, { type: 'UserAddedToGroup', data: { groupName: 'editors', groupCreatedAt: at(6), at: at(7) } });
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
      const info = await freshDatabase('grp');
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

describe.each(adapters)('groups projection (%s)', (_name, open) => {
  test('replaying twice leaves the same rows, and a rebuild gives them again', async () => {
    const { db, done } = await open();
    try {
      const store = await SqlEventStore.open(db);
      await seed(store);
      const runner = new ProjectionRunner(store, db, [groupsProjection]);
      await runner.start();
      await runner.ready();
      const rows = async () => ({
        groups: (await db.query(`SELECT * FROM ${GROUPS_TABLE} ORDER BY pool_id, group_name`)).rows,
        members: (await db.query(`SELECT * FROM ${GROUP_MEMBERS_TABLE} ORDER BY pool_id, group_name, sub`)).rows,
      });
      // Members as readers see them: only of the group's current incarnation.
      const current = async (groupName: string) =>
        (
          await db.query<{ sub: string }>(
            `SELECT m.sub FROM ${GROUP_MEMBERS_TABLE} m JOIN ${GROUPS_TABLE} g
               ON g.pool_id = m.pool_id AND g.group_name = m.group_name AND g.created_at = m.group_created_at
             WHERE m.pool_id = $1 AND m.group_name = $2 ORDER BY m.sub`,
            [POOL, groupName],
          )
        ).rows.map((r) => r.sub);
      const first = await rows();
      expect(first.groups).toEqual([
        expect.objectContaining({ group_name: 'editors', precedence: null, role_arn: null, created_at: new Date(at(6)), updated_at: new Date(at(6)) }),
        expect.objectContaining({ group_name: 'readers', description: 'Read only', precedence: null, created_at: new Date(at(1)) }),
      ]);
      expect(await current('readers')).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9].map(sub));
      expect(await current('editors')).toEqual([sub(7)]);

      // Replay over the existing rows (checkpoint back to the start, tables kept).
      await runner.stop();
      await db.transaction((tx) => resetCheckpoint(tx, groupsProjection.name, groupsProjection.version));
      await runner.start();
      await runner.ready();
      expect(await rows()).toEqual(first);

      // Drop and replay.
      await runner.rebuild(groupsProjection.name);
      await eventually(async () => (await rows()).groups.length === 2 && (await current('readers')).length === 9, 10_000, 'rebuilt groups');
      await runner.ready();
      expect(await rows()).toEqual(first);
      await runner.stop();
    } finally {
      await done();
    }
  });

  test('an update keeps the settings it does not name', async () => {
    const { db, done } = await open();
    try {
      const store = await SqlEventStore.open(db);
      await seed(store);
      const runner = new ProjectionRunner(store, db, [groupsProjection]);
      await runner.start();
      await runner.ready();
      const append = (e: GroupEvent) => store.append(groupStream(POOL, e.data.groupName), withMetadata([e], ctx, new Date(at(8))), { expectedRevision: 'any' });
      await append({ type: 'GroupUpdated', data: { poolId: POOL, groupName: 'readers', precedence: 3, updatedAt: at(8) } });
      await eventually(
        async () => (await db.query<{ precedence: number }>(`SELECT precedence FROM ${GROUPS_TABLE} WHERE group_name = 'readers'`)).rows[0]?.precedence === 3,
        10_000,
        'update',
      );
      const row = (await db.query(`SELECT description, precedence, role_arn, updated_at FROM ${GROUPS_TABLE} WHERE group_name = 'readers'`)).rows[0];
      expect(row).toEqual({ description: 'Read only', precedence: 3, role_arn: null, updated_at: new Date(at(8)) });
      await runner.stop();
    } finally {
      await done();
    }
  });

  test('a mixed batch in one runner batch leaves the rows one event per batch (and the per-event SQL) leaves', async () => {
    const { db, done } = await open();
    try {
      const store = await SqlEventStore.open(db);
      await seed(store);
      const rows = async () => ({
        groups: (await db.query(`SELECT * FROM ${GROUPS_TABLE} ORDER BY pool_id, group_name`)).rows,
        members: (await db.query(`SELECT * FROM ${GROUP_MEMBERS_TABLE} ORDER BY pool_id, group_name, sub`)).rows,
      });
      const batches: number[] = [];
      const counting: Projection = {
        ...groupsProjection,
        apply: async (tx, events) => {
          batches.push(events.length);
          await groupsProjection.apply(tx, events);
        },
      };
      const runner = new ProjectionRunner(store, db, [counting]);
      await runner.start();
      await runner.ready();
      await runner.stop();

      // Over the stored rows, in one batch: updates, removals, a deletion and re-creation, a
      // group that comes and goes, and updates of what does not exist.
      const mixed: Array<[string, DomainEvent]> = [
        [groupStream(POOL, 'readers'), { type: 'GroupUpdated', data: { poolId: POOL, groupName: 'readers', description: 'Readers', updatedAt: at(10) } }],
        [membershipStream(POOL, sub(0)), { type: 'UserRemovedFromGroup', data: { groupName: 'readers', at: at(10) } }],
        [membershipStream(POOL, sub(0)), { type: 'UserAddedToGroup', data: { groupName: 'readers', groupCreatedAt: at(1), at: at(11) } }],
        [membershipStream(POOL, sub(1)), { type: 'UserRemovedFromGroup', data: { groupName: 'readers', at: at(10) } }],
        [membershipStream(POOL, sub(8)), { type: 'UserAddedToGroup', data: { groupName: 'editors', groupCreatedAt: at(6), at: at(10) } }],
        [groupStream(POOL, 'editors'), { type: 'GroupDeleted', data: { poolId: POOL, groupName: 'editors', deletedAt: at(11) } }],
        [membershipStream(POOL, sub(7)), { type: 'UserAddedToGroup', data: { groupName: 'editors', groupCreatedAt: at(6), at: at(11) } }],
        [groupStream(POOL, 'editors'), { type: 'GroupCreated', data: { poolId: POOL, groupName: 'editors', description: 'Again', createdAt: at(12) } }],
        [groupStream(POOL, 'editors'), { type: 'GroupUpdated', data: { poolId: POOL, groupName: 'editors', precedence: 5, updatedAt: at(13) } }],
        [membershipStream(POOL, sub(9)), { type: 'UserAddedToGroup', data: { groupName: 'editors', groupCreatedAt: at(12), at: at(13) } }],
        [groupStream(POOL, 'temp'), { type: 'GroupCreated', data: { poolId: POOL, groupName: 'temp', roleArn: ROLE, createdAt: at(10) } }],
        [membershipStream(POOL, sub(2)), { type: 'UserAddedToGroup', data: { groupName: 'temp', groupCreatedAt: at(10), at: at(11) } }],
        [groupStream(POOL, 'temp'), { type: 'GroupDeleted', data: { poolId: POOL, groupName: 'temp', deletedAt: at(12) } }],
        [groupStream(POOL, 'temp'), { type: 'GroupUpdated', data: { poolId: POOL, groupName: 'temp', precedence: 1, updatedAt: at(13) } }],
        [groupStream(POOL, 'ghost'), { type: 'GroupUpdated', data: { poolId: POOL, groupName: 'ghost', description: 'none', updatedAt: at(13) } }],
        [membershipStream(POOL, sub(3)), { type: 'UserRemovedFromGroup', data: { groupName: 'ghost', at: at(13) } }],
      ];
      for (const [stream, event] of mixed) await store.append(stream, withMetadata([event], ctx, new Date(at(10))), { expectedRevision: 'any' });
      batches.length = 0;
      await runner.start();
      await runner.ready();
      await runner.stop();
      expect(batches).toEqual([mixed.length]);
      const batched = await rows();

      const log = await store.readAll({ maxCount: 10_000 });
      const replay = async (apply: (tx: Parameters<Projection['apply']>[0], events: readonly RecordedEvent[]) => Promise<void>, perEvent: boolean) => {
        await db.transaction(async (tx) => {
          await groupsProjection.drop(tx);
          await groupsProjection.setup(tx);
        });
        if (!perEvent) await db.transaction((tx) => apply(tx, log));
        else for (const event of log) await db.transaction((tx) => apply(tx, [event]));
        return rows();
      };
      const oracle = await replay(applyPerEvent, true);
      expect(await replay((tx, events) => groupsProjection.apply(tx, events), true)).toEqual(oracle);
      expect(batched).toEqual(oracle);
      expect(await replay((tx, events) => groupsProjection.apply(tx, events), false)).toEqual(oracle);
      await db.transaction((tx) => groupsProjection.apply(tx, log));
      expect(await rows()).toEqual(oracle);

      expect(oracle.groups).toEqual([
        expect.objectContaining({ group_name: 'editors', description: 'Again', precedence: 5, created_at: new Date(at(12)), updated_at: new Date(at(13)) }),
        expect.objectContaining({ group_name: 'readers', description: 'Readers', updated_at: new Date(at(10)) }),
      ]);
      expect(oracle.members.filter((m) => m.group_name === 'editors').map((m) => m.sub)).toEqual([sub(7), sub(9)]);
      expect(oracle.members.filter((m) => m.group_name === 'readers').map((m) => m.sub)).toEqual([0, 2, 3, 5, 6, 7, 8, 9].map(sub));
    } finally {
      await done();
    }
  });
});
