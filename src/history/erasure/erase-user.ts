import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { PERSONAL_DATA_FIELDS, PERSONAL_STREAM_CATEGORIES } from '../../events/personal-data.js';
import type { Clock } from '../../shared/clock.js';
import { withMetadata } from '../../shared/command-handler.js';
import { CLOCK, READ_DB, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { loadPool } from '../../user-pools/user-pool.repository.js';
import { userStream } from '../../user-pools/user.events.js';
import { Users } from '../../user-pools/users.js';
import { AS_OF_FAMILIES, HISTORY_AS_OF } from '../as-of/tables.js';
import { HistoryUsers } from '../history-users.js';
import { erasuresStream, type UserPersonalDataErased } from './erasure.events.js';
import { DATA_KEYS, type PersonalDataKeys, subjectOf } from './erasure.ports.js';

export interface EraseUserResult {
  poolId: string;
  sub: string;
  /** The user existed and was deleted by this call (AdminDeleteUser's effect). */
  deleted: boolean;
  /** A data key existed and was destroyed. */
  hadKey: boolean;
  /** The user's events written before the envelope, whose personal data the log still holds in clear (null: not counted). */
  plaintextEvents: number | null;
  erasedAt: string;
}

/**
 * Erases a user (`POST /v1/user-pools/{poolId}/users/{username}/erase`, `cli erase-user`):
 * deletes the user if they still exist (as AdminDeleteUser does), destroys their data key, so
 * every event sealed under it reads as erased (replays, rebuilt read models, Kafka
 * re-publication, exports), and records `UserPersonalDataErased` on the pool's erasure stream.
 * The user is named by username, a sign-in alias, or sub; a deleted user by the username they
 * had (the as-of read model) or by sub. Erasing again is harmless (the key is already gone).
 */
export class EraseUserCommand extends UseCaseCommand<{ poolId: string; username: string }, EraseUserResult> {}

@CommandHandler(EraseUserCommand)
export class EraseUserHandler implements ICommandHandler<EraseUserCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
    @Inject(DATA_KEYS) private readonly keys: PersonalDataKeys,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly historyUsers: HistoryUsers,
    private readonly users: Users,
  ) {}

  async execute({ input, context }: EraseUserCommand): Promise<EraseUserResult> {
    const pool = await this.historyUsers.pool(input.poolId);
    const sub = await this.historyUsers.locate(pool, input.username);
    const streamId = userStream(pool.poolId, sub);
    let deleted = false;
    if (pool.status === 'active' && (await this.users.read(streamId)).exists) {
      const now = this.clock.now();
      await this.users.run({
        pool: await loadPool(this.store, pool.poolId),
        streamId,
        context,
        now,
        command: () => ({ type: 'DeleteUser', by: 'ADMIN', now: now.toISOString() }),
      });
      deleted = true;
    }
    const plaintextEvents = await this.countPlaintext(pool.poolId, sub);
    const { hadKey } = await this.keys.erase(subjectOf(pool.poolId, sub));
    const at = this.clock.now();
    const event: UserPersonalDataErased = {
      type: 'UserPersonalDataErased',
      data: { poolId: pool.poolId, erasedSub: sub, hadKey, plaintextEvents, at: at.toISOString() },
    };
    const written = await this.store.append(erasuresStream(pool.poolId), withMetadata([event], context, at), { expectedRevision: 'any' });
    // The as-of read model forgets the user's names and attributes on this event: wait for it.
    await this.readModels.waitFor(HISTORY_AS_OF, written.position);
    return { poolId: pool.poolId, sub, deleted, hadKey, plaintextEvents, erasedAt: event.data.at };
  }

  /**
   * Events of the user stored before the envelope (no `metadata.personal`) that carry personal
   * fields or a request's address: the erasure cannot reach them (docs/history.md, migration).
   */
  private async countPlaintext(poolId: string, sub: string): Promise<number | null> {
    if (this.store.kind === 'eventstoredb') return null;
    const families = await this.db.query<{ family_id: string }>(`SELECT family_id FROM ${AS_OF_FAMILIES} WHERE pool_id = $1 AND sub = $2`, [poolId, sub]);
    const streams = [...PERSONAL_STREAM_CATEGORIES.map((c) => `${c}-${poolId}-${sub}`), ...families.rows.map((r) => `refresh-${r.family_id}`)];
    const r = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM es_events
        WHERE stream_id = ANY($1::text[]) AND NOT (metadata ? 'personal')
          AND (metadata ? 'clientIp' OR metadata ? 'userAgent' OR type = ANY($2::text[]))`,
      [streams, Object.keys(PERSONAL_DATA_FIELDS)],
    );
    return r.rows[0]?.n ?? 0;
  }
}
