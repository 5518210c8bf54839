import { Inject, Injectable } from '@nestjs/common';
import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { CLOCK, READ_DB, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import { isTracked, type SessionConfigState, trackingDisabled } from '../../user-pools/sessions/session-config.decider.js';
import { SessionConfigurations } from '../../user-pools/sessions/session-config.use-cases.js';
import { type RefreshFamilyState, refreshTokenDecider } from '../refresh-token.decider.js';
import { type RefreshTokenEvent, refreshFamilyStream } from '../refresh-token.events.js';
import { familyIdOf, sessionIdOf } from './session-ids.js';
import { USER_SESSIONS_PROJECTION, USER_SESSIONS_TABLE } from './sessions-table.js';

/** A token session (a refresh-token family) as ListUserSessions describes it. */
export interface SessionView {
  sessionId: string;
  clientId: string;
  createdAt: string;
  /** The family's last event: its start or its latest rotation (a refresh without rotation writes nothing). */
  lastActiveAt: string;
  lastIpAddress?: string;
  userAgent?: string;
  isCurrent: boolean;
}

/** The user a session call is about. */
export interface SessionOwner {
  poolId: string;
  sub: string;
  /** The user's last global sign-out: families started before it are over. */
  signedOutAt?: string;
}

/** Cognito: "returns all of a user's sessions in a single page of up to 125 sessions". */
const MAX_SESSIONS = 125;
/** Index rows read per listing: families found revoked or signed out on their streams are skipped. */
const MAX_CANDIDATES = 1000;

type LiveFamily = Extract<RefreshFamilyState, { exists: true }>;

/**
 * Token sessions are refresh-token families: the user-sessions index says which families a user
 * has, each family's own stream says whether it is still a session (not revoked, not expired, not
 * ended by a global sign-out, started while the pool tracked sessions, of an existing client).
 */
@Injectable()
export class Sessions {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly configurations: SessionConfigurations,
    private readonly clients: AppClients,
  ) {}

  async list(owner: SessionOwner, currentFamilyId?: string): Promise<SessionView[]> {
    const config = await this.trackingConfig(owner.poolId);
    // Sign-ins made before this call are in the index once it has reached the head of the log.
    await this.readModels.waitFor(USER_SESSIONS_PROJECTION, await this.store.headPosition());
    const now = this.clock.now().toISOString();
    const rows = await this.db.query<{ family_id: string }>(
      `SELECT family_id FROM ${USER_SESSIONS_TABLE} WHERE pool_id = $1 AND sub = $2 AND expires_at > $3::timestamptz ORDER BY created_at, family_id LIMIT ${MAX_CANDIDATES}`,
      [owner.poolId, owner.sub, now],
    );
    const streams = await this.store.readStreams(rows.rows.map((r) => ({ streamId: refreshFamilyStream(r.family_id) })));
    const sessions: SessionView[] = [];
    for (const events of streams) {
      const family = fold(refreshTokenDecider, events as never as RefreshTokenEvent[]);
      const sessionId = family.exists ? sessionIdOf(family.familyId) : undefined;
      if (!family.exists || !sessionId || !isSession(family, owner, config, now) || !(await this.clientExists(family))) continue;
      sessions.push(view(family, sessionId, events, currentFamilyId));
      if (sessions.length === MAX_SESSIONS) break;
    }
    return sessions;
  }

  /** Revokes one token session: its refresh tokens and the access tokens they issued stop working. */
  async revoke(owner: SessionOwner, sessionId: string, context: RequestContext, currentFamilyId?: string): Promise<void> {
    const config = await this.trackingConfig(owner.poolId);
    const familyId = familyIdOf(sessionId);
    // SSO sessions (managed login) do not exist until the hosted pages do: an `sso` id names none.
    if (!familyId) throw new ResourceNotFoundError('Session does not exist.');
    if (familyId === currentFamilyId) throw new InvalidParameterError('The session of the access token in the request cannot be revoked.');
    const now = this.clock.now();
    await handleCommand({
      store: this.store,
      streamId: refreshFamilyStream(familyId),
      decider: refreshTokenDecider,
      context,
      now,
      retries: 3,
      command: (family) => {
        // Another user's session, an ended one or none at all: the same answer, nothing told.
        if (!family.exists || !isSession(family, owner, config, now.toISOString())) throw new ResourceNotFoundError('Session does not exist.');
        return { type: 'RevokeRefreshTokenFamily' as const, clientId: family.clientId, now: now.toISOString() };
      },
    });
  }

  private async trackingConfig(poolId: string): Promise<SessionConfigState> {
    const config = await this.configurations.load(poolId);
    if (config.userSessionTracking !== 'ENABLED') throw trackingDisabled(poolId);
    return config;
  }

  private async clientExists(family: LiveFamily): Promise<boolean> {
    return this.clients.load(family.clientId, family.poolId).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ResourceNotFoundError) return false;
        throw error;
      },
    );
  }
}

function isSession(family: LiveFamily, owner: SessionOwner, config: SessionConfigState, now: string): boolean {
  return (
    family.poolId === owner.poolId &&
    family.sub === owner.sub &&
    !family.revoked &&
    family.expiresAt > now &&
    !(owner.signedOutAt !== undefined && owner.signedOutAt >= family.authTime) &&
    isTracked(config, family.authTime)
  );
}

function view(family: LiveFamily, sessionId: string, events: readonly RecordedEvent[], currentFamilyId: string | undefined): SessionView {
  // Cognito overwrites the address and device on every rotation: the last event's metadata.
  const last = events[events.length - 1].metadata;
  return {
    sessionId,
    clientId: family.clientId,
    createdAt: family.authTime,
    lastActiveAt: last.occurredAt,
    ...(last.clientIp !== undefined ? { lastIpAddress: last.clientIp } : {}),
    ...(last.userAgent !== undefined ? { userAgent: last.userAgent } : {}),
    isCurrent: family.familyId === currentFamilyId,
  };
}
