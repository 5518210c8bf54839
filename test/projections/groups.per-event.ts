import type { SqlExecutor } from '../../src/db/sql.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { GroupEvent } from '../../src/user-pools/groups/group.events.js';
import { type MembershipEvent, parseMembershipStream } from '../../src/user-pools/groups/membership.events.js';
import { GROUP_MEMBERS_TABLE, GROUPS_TABLE } from '../../projections/groups/groups.projection.js';

/**
 * The groups projection's apply as it was before it became set-based: one statement per
 * event. Kept as the oracle the set-based apply is compared with (groups.int.spec.ts).
 */
export async function applyPerEvent(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  for (const event of events) await applyOne(tx, event as RecordedEvent<GroupEvent | MembershipEvent>);
}

async function applyOne(tx: SqlExecutor, event: RecordedEvent<GroupEvent | MembershipEvent>): Promise<void> {
  switch (event.type) {
    case 'GroupCreated': {
      const d = event.data;
      await tx.query(
        `INSERT INTO ${GROUPS_TABLE} (pool_id, group_name, description, precedence, role_arn, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (pool_id, group_name) DO UPDATE SET description = EXCLUDED.description, precedence = EXCLUDED.precedence,
           role_arn = EXCLUDED.role_arn, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [d.poolId, d.groupName, d.description ?? null, d.precedence ?? null, d.roleArn ?? null, d.createdAt],
      );
      return;
    }
    case 'GroupUpdated': {
      // The event holds only the changed settings: a missing one keeps its column.
      const d = event.data;
      await tx.query(
        `UPDATE ${GROUPS_TABLE} SET
           description = CASE WHEN $3::boolean THEN $4::text ELSE description END,
           precedence = CASE WHEN $5::boolean THEN $6::integer ELSE precedence END,
           role_arn = CASE WHEN $7::boolean THEN $8::text ELSE role_arn END,
           updated_at = $9::timestamptz
         WHERE pool_id = $1 AND group_name = $2`,
        [
          d.poolId,
          d.groupName,
          'description' in d,
          d.description ?? null,
          'precedence' in d,
          d.precedence ?? null,
          'roleArn' in d,
          d.roleArn ?? null,
          d.updatedAt,
        ],
      );
      return;
    }
    case 'GroupDeleted':
      await tx.query(`DELETE FROM ${GROUP_MEMBERS_TABLE} WHERE pool_id = $1 AND group_name = $2`, [event.data.poolId, event.data.groupName]);
      await tx.query(`DELETE FROM ${GROUPS_TABLE} WHERE pool_id = $1 AND group_name = $2`, [event.data.poolId, event.data.groupName]);
      return;
    case 'UserAddedToGroup': {
      const { poolId, sub } = parseMembershipStream(event.streamId);
      await tx.query(
        `INSERT INTO ${GROUP_MEMBERS_TABLE} (pool_id, group_name, sub, group_created_at, added_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (pool_id, group_name, sub) DO UPDATE SET group_created_at = EXCLUDED.group_created_at, added_at = EXCLUDED.added_at`,
        [poolId, event.data.groupName, sub, event.data.groupCreatedAt, event.data.at],
      );
      return;
    }
    case 'UserRemovedFromGroup': {
      const { poolId, sub } = parseMembershipStream(event.streamId);
      await tx.query(`DELETE FROM ${GROUP_MEMBERS_TABLE} WHERE pool_id = $1 AND group_name = $2 AND sub = $3`, [poolId, event.data.groupName, sub]);
      return;
    }
    default:
      return; // events this read model does not show
  }
}
