import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import type { Actor, EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { comparePositions, formatPosition, parsePosition } from '../../event-store/positions.js';
import { redactData } from '../../events/redaction.js';
import { authLogStream } from '../../auth/auth-log.events.js';
import { refreshFamilyStream } from '../../auth/refresh-token.events.js';
import { READ_DB, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { membershipStream } from '../../user-pools/groups/membership.events.js';
import { userStream } from '../../user-pools/user.events.js';
import { AS_OF_FAMILIES, HISTORY_AS_OF } from '../as-of/tables.js';
import { HistoryUsers } from '../history-users.js';
import { decodeToken, encodeToken, tokenScope } from '../page-token.js';

export interface UserHistoryInput {
  poolId: string;
  /** Username, alias or sub; a deleted user by the name they had (or their sub). */
  username: string;
  limit: number;
  nextToken?: string;
}

/** One event of a user's history: where it sits in the log, who caused it from where, and its data without secrets. */
export interface HistoryEvent {
  position: string;
  streamId: string;
  /** user: the user's own stream; authlog: sign-ins; groups: memberships; refresh: one sign-in's refresh tokens. */
  stream: 'user' | 'authlog' | 'groups' | 'refresh';
  revision: string;
  type: string;
  eventId: string;
  occurredAt: string;
  actor: Actor;
  clientIp?: string;
  userAgent?: string;
  correlationId: string;
  causationId: string;
  data: unknown;
}

export interface UserHistoryPage {
  poolId: string;
  sub: string;
  events: HistoryEvent[];
  nextToken?: string;
}

/**
 * Every event of a user in global order: the user's stream, sign-ins (auth log), group
 * memberships and each sign-in's refresh-token family (issued, rotated, revoked), which the
 * as-of read model indexes by user (bench/history.ts measured that against scanning the log).
 * Pages go on after the last position shown.
 */
export class UserHistoryQuery extends UseCaseQuery<UserHistoryInput, UserHistoryPage> {}

/** Streams per readStreams call: bounds the statement a user with many sign-ins makes. */
const READ_CHUNK = 50;

@QueryHandler(UserHistoryQuery)
export class UserHistoryHandler implements IQueryHandler<UserHistoryQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly users: HistoryUsers,
  ) {}

  async execute({ input }: UserHistoryQuery): Promise<UserHistoryPage> {
    const pool = await this.users.pool(input.poolId);
    const sub = await this.users.locate(pool, input.username);
    const scope = tokenScope(['history', pool.poolId, sub]);
    const after = input.nextToken ? parsePosition(decodeToken(input.nextToken, scope, 1)[0]) : undefined;
    // Families started up to now are indexed once the read model has reached the head.
    await this.readModels.waitFor(HISTORY_AS_OF, await this.store.headPosition());
    const families = await this.db.query<{ family_id: string }>(
      `SELECT family_id FROM ${AS_OF_FAMILIES} WHERE pool_id = $1 AND sub = $2 ORDER BY issued_commit, issued_prepare`,
      [pool.poolId, sub],
    );
    const streams = [
      userStream(pool.poolId, sub),
      authLogStream(pool.poolId, sub),
      membershipStream(pool.poolId, sub),
      ...families.rows.map((f) => refreshFamilyStream(f.family_id)),
    ];
    const events: RecordedEvent[] = [];
    for (let i = 0; i < streams.length; i += READ_CHUNK) {
      const read = await this.store.readStreams(streams.slice(i, i + READ_CHUNK).map((streamId) => ({ streamId })));
      for (const stream of read) events.push(...stream);
    }
    const page = events
      .filter((e) => !after || comparePositions(e.position, after) > 0)
      .sort((a, b) => comparePositions(a.position, b.position))
      .slice(0, input.limit + 1);
    const shown = page.slice(0, input.limit);
    const last = shown.at(-1);
    return {
      poolId: pool.poolId,
      sub,
      events: shown.map(toHistoryEvent),
      ...(page.length > input.limit && last ? { nextToken: encodeToken(scope, [formatPosition(last.position)]) } : {}),
    };
  }
}

function streamKind(streamId: string): HistoryEvent['stream'] {
  if (streamId.startsWith('authlog-')) return 'authlog';
  if (streamId.startsWith('groups-')) return 'groups';
  if (streamId.startsWith('refresh-')) return 'refresh';
  return 'user';
}

function toHistoryEvent(e: RecordedEvent): HistoryEvent {
  const m = e.metadata;
  return {
    position: formatPosition(e.position),
    streamId: e.streamId,
    stream: streamKind(e.streamId),
    revision: e.revision.toString(),
    type: e.type,
    eventId: m.eventId,
    occurredAt: m.occurredAt,
    actor: m.actor,
    ...(m.clientIp !== undefined ? { clientIp: m.clientIp } : {}),
    ...(m.userAgent !== undefined ? { userAgent: m.userAgent } : {}),
    correlationId: m.correlationId,
    causationId: m.causationId,
    data: redactData(e.data),
  };
}
