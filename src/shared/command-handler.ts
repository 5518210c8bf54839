import { v7 as uuidv7 } from 'uuid';
import { WrongExpectedRevisionError } from '../event-store/errors.js';
import type { AppendResult, DomainEvent, EventStore, NewEvent, StreamWrite, UniqueChange } from '../event-store/event-store.port.js';
import { activeTraceIds } from '../observability/tracing.js';
import { type Decider, fold } from './decider.js';
import { ConcurrentModificationError, PreconditionFailedError } from './domain-error.js';
import type { RequestContext } from './request-context.js';
import { advanceWriteCondition, writeConditionFor } from './write-condition.js';

export interface HandleOptions<Command, Event extends DomainEvent, State> {
  store: EventStore;
  streamId: string;
  decider: Decider<Command, Event, State>;
  /** Builds the command from the current state (so it is rebuilt on a retry, on fresh state). */
  command: (state: State) => Command | Promise<Command>;
  context: RequestContext;
  /** When the request is handled (from the injected Clock); every event of the command carries it. */
  now: Date;
  /** Unique values the new events claim or release. */
  unique?: (events: readonly Event[], state: State) => UniqueChange[];
  /**
   * Other streams the same command writes (an auth-log entry, a new refresh-token family),
   * built from the decided events: all of them go in one `appendMany` with the decided stream
   * first, so on SQL stores the command is one transaction, all or nothing.
   */
  alongside?: (events: readonly Event[], state: State) => readonly StreamWrite[];
  /** Appends on a revision conflict are retried this many times (only for safe commands). */
  retries?: number;
  /**
   * The stream is new (its id was just generated): skip the read and append with `no_stream`.
   * A retry after a conflict reads as usual.
   */
  newStream?: boolean;
  /**
   * A conditional write (REST If-Match): the decider runs only while the stream's last revision
   * is this one; otherwise PreconditionFailed (412) and nothing is written. Checked at every
   * attempt, so a conflict that moved the stream on ends as 412 rather than being re-decided.
   */
  expectedRevision?: bigint;
}

export interface HandleResult<Event extends DomainEvent, State> {
  events: Event[];
  state: State;
  /** Undefined when the command changed nothing. */
  append?: AppendResult;
  /** The stream's last revision after the command (undefined: the stream still has no event). */
  revision?: bigint;
}

/**
 * The one way commands run:
 * 1. read the stream, 2. fold it into state, 3. build and decide the command,
 * 4. append the new events with the expected revision (and unique changes, and the streams
 *    written alongside, in one write), 5. answer a recorded refusal with its error, 6. return.
 * A revision conflict re-runs the steps up to `retries` times, then is a typed error.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  options: HandleOptions<Command, Event, State>,
): Promise<HandleResult<Event, State>> {
  const { store, streamId, decider, context, now } = options;
  for (let attempt = 0; ; attempt++) {
    // An If-Match of the surface above (write-condition.ts) binds this command like its own.
    const condition = options.expectedRevision ?? writeConditionFor(streamId);
    // 1-2. Current state.
    const history = options.newStream && attempt === 0 ? [] : await store.readStream(streamId);
    const state = fold(decider, history as unknown as Event[]);
    const current = history.length === 0 ? undefined : history[history.length - 1].revision;
    if (condition !== undefined && current !== condition) {
      throw new PreconditionFailedError(`the resource is at revision ${current ?? 'none'}, not ${condition}; read it again`);
    }
    // 3. Decide.
    const command = await options.command(state);
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, ...(current !== undefined ? { revision: current } : {}) };
    // 4. Append with the revision we decided on.
    const expectedRevision = current ?? 'no_stream';
    const own: StreamWrite = {
      streamId,
      events: withMetadata(events, context, now),
      options: { expectedRevision, unique: options.unique?.(events, state) },
    };
    let append: AppendResult;
    try {
      const others = options.alongside?.(events, state) ?? [];
      append = others.length === 0 ? await store.append(own.streamId, own.events, own.options) : (await store.appendMany([own, ...others]))[0];
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // A conditional write met a change made since its read: stale, not to be re-decided.
      if (condition !== undefined && error.streamId === streamId) {
        throw new PreconditionFailedError(`the resource changed after revision ${condition}; read it again`);
      }
      // Only this stream's revision is re-read and re-decided; the others are written blind.
      if (error.streamId !== streamId || attempt >= (options.retries ?? 0)) {
        throw new ConcurrentModificationError('the resource was changed by another request; retry');
      }
      continue;
    }
    // 5. A recorded refusal (e.g. a wrong code) is written, then answered with its error.
    advanceWriteCondition(streamId, append.nextRevision);
    const refused = decider.refusal?.(events);
    if (refused) throw refused;
    return { events, state: events.reduce(decider.evolve, state), append, revision: append.nextRevision };
  }
}

export function withMetadata(events: readonly DomainEvent[], context: RequestContext, now: Date): NewEvent[] {
  const occurredAt = now.toISOString();
  const trace = activeTraceIds();
  return events.map((event) => {
    const eventId = uuidv7();
    return {
      type: event.type,
      data: event.data,
      metadata: {
        eventId,
        occurredAt,
        correlationId: context.correlationId,
        causationId: context.correlationId,
        actor: context.actor,
        // The trace the write belongs to (when tracing is on), beside the correlation id.
        ...(trace ? { traceId: trace.traceId } : {}),
        ...(context.clientIp !== undefined ? { clientIp: context.clientIp } : {}),
        ...(context.userAgent !== undefined ? { userAgent: context.userAgent } : {}),
      },
    };
  });
}
