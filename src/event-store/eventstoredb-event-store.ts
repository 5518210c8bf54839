import { createHash } from 'node:crypto';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamRecordedEvent,
  type AppendStreamState,
  type Direction,
  type JSONType,
  type RecordedEvent as KdbRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { UniqueConstraintError, UniqueReleaseError, WrongExpectedRevisionError } from './errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  UniqueChange,
} from './event-store.port.js';
import { assertDistinctStreams } from './stream-writes.js';
import { pollingSubscription } from './polling-subscription.js';
import { isAfter } from './positions.js';

/**
 * Reservation streams hold unique values. They are internal: readAll, headPosition and
 * subscriptions never show them (server-side stream filter plus a client-side check), and
 * user streams may not use the prefix. `$`-prefixed names would have been clearer, but those
 * are system streams in KurrentDB.
 */
const RESERVATION_PREFIX = 'unique-';
const CLAIMED = 'UniqueValueClaimed';
const RELEASED = 'UniqueValueReleased';
/** A claim whose holder stream still has no events after this long was left by a crash. */
const ORPHAN_AFTER_MS = 30_000;
/** Bounds (server-side too) how late a claimant's events can land; well inside ORPHAN_AFTER_MS. */
const CLAIMED_APPEND_DEADLINE_MS = 10_000;
/** Re-reads after losing an optimistic race on a reservation stream. */
const RESERVATION_ATTEMPTS = 5;
const USER_STREAMS = streamNameFilter({ regex: `^(?!\\$|${RESERVATION_PREFIX})` });

/** Only the holder and a timestamp: never the value itself (usernames, emails are personal data). */
type ReservationData = { streamId: string; claimedAt?: string };

/** A claim event this append wrote, kept so a failed append can release it again. */
interface Reservation {
  stream: string;
  revision: bigint;
}

/**
 * The event store on KurrentDB / EventStoreDB.
 *
 * KurrentDB has no cross-stream transaction (multiStreamAppend needs server 25.1+), so a unique
 * value is a reservation stream `unique-<scope>-<sha256(value)>` written with an exact expected
 * revision: concurrent claimers race on it and exactly one wins. Claims go before the events and
 * are released again when the append definitely failed. A crash (or an ambiguous failure such as a
 * timeout) between the two leaves the claim held by a stream that may have no events; once it is
 * older than ORPHAN_AFTER_MS and that stream is still empty, another claimer may take it over.
 * Releases are checked before the events and written after them, so a failure there leaves a value
 * blocked, never held twice.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;

  private constructor(private readonly client: KurrentDBClient) {}

  static async open(connectionString: string): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(KurrentDBClient.connectionString(connectionString));
    try {
      await store.headPosition(); // fail fast on a wrong address or credentials
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    if (streamId.startsWith('$') || streamId.startsWith(RESERVATION_PREFIX)) {
      throw new RangeError(`stream id ${streamId} is reserved`);
    }
    const changes = options.unique ?? [];
    const releases = changes.filter((c) => c.change === 'release');
    // Sorted so that two appends claiming the same values race on them in the same order.
    const claims = changes.filter((c) => c.change === 'claim').sort((a, b) => (reservationStream(a) < reservationStream(b) ? -1 : 1));
    for (const change of releases) await this.checkHeld(streamId, change);

    const made: Reservation[] = [];
    let attempted = false;
    let result: AppendResult;
    try {
      for (const change of claims) {
        const reservation = await this.claim(streamId, change);
        if (reservation) made.push(reservation);
      }
      attempted = true;
      result = await this.appendEvents(streamId, events, options.expectedRevision, made.length > 0);
    } catch (error) {
      // After an ambiguous failure the events may be committed: keep the claims (see class doc).
      if (!attempted || definitelyNotWritten(error)) await this.compensate(streamId, made);
      throw error;
    }
    for (const change of releases) {
      // The events are committed; failing the call now would invite a retry of a done command.
      await this.release(streamId, change).catch((error: unknown) =>
        process.emitWarning(`unique value in scope ${change.scope} still reserved by ${streamId}: ${String(error)}`),
      );
    }
    return result;
  }

  /**
   * One stream after the other, stopping at the first failure (see the port): an append here
   * may also claim unique values through reservation streams, which a multi-stream append of
   * the server cannot combine with.
   */
  async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    assertDistinctStreams(writes);
    const results: AppendResult[] = [];
    for (const w of writes) results.push(await this.append(w.streamId, w.events, w.options));
    return results;
  }

  readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    return Promise.all(reads.map((r) => this.readStream(r.streamId, r.last === undefined ? {} : { last: r.last })));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.last !== undefined) {
      const tail: RecordedEvent[] = [];
      try {
        for await (const { event } of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: options.last })) {
          if (event) tail.push(toRecorded(event));
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return tail.reverse();
    }
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return [];
    const from = options.fromRevision;
    const out: RecordedEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(streamId, { fromRevision: from && from > 0n ? from : START, maxCount })) {
        if (event) out.push(toRecorded(event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? 1000;
    const out: RecordedEvent[] = [];
    if (limit <= 0) return out;
    // +1: a read from a position includes the event at it, which `after` excludes.
    for await (const event of this.scan(FORWARDS, options.after, limit + 1)) {
      out.push(toRecorded(event));
      if (out.length >= limit) break;
    }
    return out;
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    for await (const event of this.scan(BACKWARDS, undefined, 16)) return copy(event.position);
    return undefined;
  }

  /**
   * Polling over readAll keeps the handler's backpressure and exactly-once order simple; a live
   * $all subscription only wakes the poller early, so losing it costs latency, not events.
   */
  subscribeToAll(options: SubscribeOptions): Subscription {
    return pollingSubscription(
      {
        readAll: (o) => this.readAll(o),
        onAppend: async (wake) => {
          const live = this.client.subscribeToAll({ fromPosition: END, filter: USER_STREAMS });
          live.on('data', () => wake());
          live.on('error', () => undefined);
          return async () => {
            await live.unsubscribe().catch(() => undefined);
          };
        },
      },
      options,
    );
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async appendEvents(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, claimed: boolean): Promise<AppendResult> {
    let nextRevision: bigint;
    let reported: GlobalPosition | undefined;
    try {
      const written = await this.client.appendToStream(streamId, events.map(toEventData), {
        streamState: expected,
        deadline: claimed ? CLAIMED_APPEND_DEADLINE_MS : undefined,
      });
      nextRevision = written.nextExpectedRevision;
      reported = written.position;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new WrongExpectedRevisionError(streamId, expected, error.actualState);
      throw error;
    }
    // The append reports the write's commit position, not the last event's $all position (and
    // none for an idempotent repeat); read-your-writes waits need the latter.
    const [last] = await this.readStream(streamId, { fromRevision: nextRevision, maxCount: 1 }).catch(() => []);
    const position = last?.position ?? reported;
    if (!position) throw new Error(`no log position for ${streamId}@${nextRevision}`);
    return { nextRevision, position };
  }

  async findUniqueHolder(scope: string, value: string): Promise<string | undefined> {
    const last = await this.lastEvent(reservationStream({ scope, value, change: 'claim' }));
    return last ? heldBy(last)?.streamId : undefined;
  }

  /** Returns the claim written, or undefined when this stream already held the value. */
  private async claim(streamId: string, change: UniqueChange): Promise<Reservation | undefined> {
    const stream = reservationStream(change);
    for (let attempt = 0; attempt < RESERVATION_ATTEMPTS; attempt++) {
      const last = await this.lastEvent(stream);
      let expected: AppendStreamState = NO_STREAM;
      if (last) {
        const held = heldBy(last);
        if (held?.streamId === streamId) return undefined;
        if (held && !(await this.isOrphaned(held))) throw new UniqueConstraintError(change.scope, change.value);
        expected = last.revision;
      }
      try {
        const data: ReservationData = { streamId, claimedAt: new Date().toISOString() };
        const written = await this.client.appendToStream(stream, jsonEvent({ type: CLAIMED, data }), { streamState: expected });
        return { stream, revision: written.nextExpectedRevision };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    throw new UniqueConstraintError(change.scope, change.value);
  }

  private async isOrphaned(held: ReservationData): Promise<boolean> {
    const claimedAt = held.claimedAt ? Date.parse(held.claimedAt) : NaN;
    if (!(Date.now() - claimedAt > ORPHAN_AFTER_MS)) return false;
    return (await this.lastEvent(held.streamId)) === undefined;
  }

  private async checkHeld(streamId: string, change: UniqueChange): Promise<void> {
    const last = await this.lastEvent(reservationStream(change));
    if (!last || heldBy(last)?.streamId !== streamId) throw new UniqueReleaseError(change.scope, streamId);
  }

  private async release(streamId: string, change: UniqueChange): Promise<void> {
    const stream = reservationStream(change);
    for (let attempt = 0; attempt < RESERVATION_ATTEMPTS; attempt++) {
      const last = await this.lastEvent(stream);
      if (!last || heldBy(last)?.streamId !== streamId) return; // released meanwhile
      try {
        await this.client.appendToStream(stream, releasedEvent(streamId), { streamState: last.revision });
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    throw new Error(`gave up releasing a value in scope ${change.scope}`);
  }

  /** Best effort: a claim left behind blocks its value until the orphan rule frees it. */
  private async compensate(streamId: string, made: readonly Reservation[]): Promise<void> {
    await Promise.all(made.map((r) => this.client.appendToStream(r.stream, releasedEvent(streamId), { streamState: r.revision }).catch(() => undefined)));
  }

  private async lastEvent(stream: string): Promise<KdbRecordedEvent | undefined> {
    try {
      for await (const { event } of this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        return event;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    return undefined;
  }

  /**
   * User events of $all strictly beyond `from`, in `direction`. Pages advance past events the
   * client-side check drops ($-typed events in user streams), so an empty result means the end.
   */
  private async *scan(direction: Direction, from: GlobalPosition | undefined, page: number): AsyncGenerator<AllStreamRecordedEvent> {
    let cursor = from && from.commit >= 0n ? from : undefined;
    for (;;) {
      let seen = 0;
      let last: GlobalPosition | undefined;
      const fromPosition = cursor ? copy(cursor) : direction === FORWARDS ? START : END;
      for await (const { event } of this.client.readAll({ direction, fromPosition, maxCount: page, filter: USER_STREAMS })) {
        seen++;
        if (!event) continue;
        if (cursor && !(direction === FORWARDS ? isAfter(event.position, cursor) : isAfter(cursor, event.position))) continue;
        last = event.position;
        if (isUserEvent(event)) yield event;
      }
      if (seen < page || !last) return;
      cursor = last;
    }
  }
}

function reservationStream(change: UniqueChange): string {
  return `${RESERVATION_PREFIX}${change.scope}-${createHash('sha256').update(change.value, 'utf8').digest('hex')}`;
}

function heldBy(event: KdbRecordedEvent): ReservationData | undefined {
  return event.type === CLAIMED ? (event.data as ReservationData) : undefined;
}

function releasedEvent(streamId: string) {
  const data: ReservationData = { streamId };
  return jsonEvent({ type: RELEASED, data });
}

/** Failures after which the server certainly wrote nothing, so claims can be given back. */
function definitelyNotWritten(error: unknown): boolean {
  return (
    error instanceof WrongExpectedRevisionError ||
    error instanceof StreamDeletedError ||
    error instanceof AccessDeniedError ||
    error instanceof MaxAppendSizeExceededError
  );
}

function isUserEvent(event: KdbRecordedEvent): boolean {
  return !event.type.startsWith('$') && !event.streamId.startsWith('$') && !event.streamId.startsWith(RESERVATION_PREFIX);
}

function toEventData(event: NewEvent) {
  return jsonEvent({
    id: event.metadata.eventId,
    type: event.type,
    data: (event.data ?? null) as JSONType,
    metadata: event.metadata,
  });
}

function toRecorded(event: KdbRecordedEvent): RecordedEvent {
  if (!event.position) throw new Error('the server returned no event positions (KurrentDB/EventStoreDB 22.6+ needed)');
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: copy(event.position),
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
  };
}

function copy(p: GlobalPosition): GlobalPosition {
  return { commit: p.commit, prepare: p.prepare };
}
