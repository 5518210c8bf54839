import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import { UniqueConstraintError } from '../event-store/errors.js';
import type { EventStore, StreamWrite, UniqueChange } from '../event-store/event-store.port.js';
import type { Clock } from '../shared/clock.js';
import { handleCommand, withMetadata } from '../shared/command-handler.js';
import { fold } from '../shared/decider.js';
import type { Ids } from '../shared/ids.js';
import { CLOCK, IDS, READ_MODELS, type ReadModels, SECRETS, STORE } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { type ActiveIdentity, identityDecider, type IdentityCommand, loginChanges, requireIdentity } from './identity.decider.js';
import { type IdentityEvent, identityStream, type Login, loginScope, loginValue } from './identity.events.js';
import { IDENTITIES } from './identity-tables.js';

/**
 * Writes identities: each command on the identity's stream, with the logins it links claimed
 * and the ones it lets go released in the same append, so one (provider, subject) belongs to at
 * most one identity of a pool whatever runs concurrently. Waits for the read model afterwards.
 */
@Injectable()
export class Identities {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  /** The identity a login is linked to in a pool, if any. */
  async holderOf(poolId: string, login: Login): Promise<string | undefined> {
    const streamId = await this.store.findUniqueHolder(loginScope(poolId), this.hash(poolId, login));
    return streamId?.slice('identity-'.length);
  }

  /** A new identity `<region>:<uuid>`; undefined when one of its logins was linked elsewhere meanwhile. */
  async create(poolId: string, logins: Login[], context: RequestContext): Promise<ActiveIdentity | undefined> {
    const identityId = `${poolId.slice(0, poolId.indexOf(':'))}:${this.ids.uuid()}`;
    try {
      const state = await this.run(identityId, poolId, (now) => ({ type: 'CreateIdentity', identityId, poolId, logins, now }), context, true);
      return state;
    } catch (error) {
      if (error instanceof UniqueConstraintError) return undefined;
      throw error;
    }
  }

  /**
   * Runs one command on an identity's stream (retried on a concurrent change). A login taken by
   * another identity meanwhile surfaces as UniqueConstraintError for the caller to re-decide.
   */
  async run(
    identityId: string,
    poolId: string,
    command: (now: string) => IdentityCommand,
    context: RequestContext,
    newStream = false,
    alongside?: readonly StreamWrite[],
  ): Promise<ActiveIdentity | undefined> {
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: identityStream(identityId),
      decider: identityDecider,
      context,
      now,
      retries: 3,
      newStream,
      command: () => command(now.toISOString()),
      unique: (events) => this.uniqueChanges(poolId, events),
      ...(alongside ? { alongside: () => alongside } : {}),
    });
    await this.readModels.waitFor(IDENTITIES, result.append?.position);
    return result.state.status === 'active' ? result.state : undefined;
  }

  /** The write that links `logins` to another identity, for an `alongside` (a merge's destination). */
  async linkWrite(destinationId: string, logins: Login[], context: RequestContext): Promise<StreamWrite> {
    const history = await this.store.readStream(identityStream(destinationId));
    const destination = fold(identityDecider, history as unknown as IdentityEvent[]);
    requireIdentity(destination);
    const events = identityDecider.decide({ type: 'LinkLogins', logins, now: this.clock.now().toISOString() }, destination);
    return {
      streamId: identityStream(destinationId),
      events: withMetadata(events, context, this.clock.now()),
      options: {
        expectedRevision: history.length === 0 ? 'no_stream' : history[history.length - 1].revision,
        unique: this.uniqueChanges(destination.poolId, events),
      },
    };
  }

  uniqueChanges(poolId: string, events: readonly IdentityEvent[]): UniqueChange[] {
    const { claim, release } = loginChanges(events);
    const scope = loginScope(poolId);
    return [
      ...release.map((l) => ({ scope, value: this.hash(poolId, l), change: 'release' as const })),
      ...claim.map((l) => ({ scope, value: this.hash(poolId, l), change: 'claim' as const })),
    ];
  }

  private hash(poolId: string, login: Login): string {
    return this.secrets.uniqueValue(loginScope(poolId), loginValue(login));
  }
}
