/**
 * The EventStore port: the one contract every adapter (PostgreSQL, PGlite, EventStoreDB)
 * honours, checked by the shared contract suite in test/event-store/.
 */

/** Who caused an event. */
export type Actor = { kind: 'user'; id: string } | { kind: 'admin'; id: string } | { kind: 'system'; id?: string } | { kind: 'anonymous' };

export interface EventMetadata {
  /** UUID v7 of this event; consumers dedupe on it. */
  eventId: string;
  /** ISO-8601 time at which the command that produced the event was handled. */
  occurredAt: string;
  correlationId: string;
  causationId: string;
  actor: Actor;
  /** Auth events only. */
  clientIp?: string;
  userAgent?: string;
  [extra: string]: unknown;
}

/** An event as a decider produces it: plain data with a literal past-tense type. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/** An event ready to append: the domain event plus its metadata. */
export interface NewEvent<E extends DomainEvent = DomainEvent> {
  readonly type: E['type'];
  readonly data: E['data'];
  readonly metadata: EventMetadata;
}

/**
 * A place in the global log. PostgreSQL: `commit` is the writing transaction's id and
 * `prepare` the row's sequence number; EventStoreDB: its commit and prepare positions.
 * Ordered lexicographically by (commit, prepare).
 */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** A stored event. Distributes over a union of events, so a switch on `type` narrows `data`. */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = E extends DomainEvent
  ? {
      readonly streamId: string;
      /** 0-based position of the event inside its stream. */
      readonly revision: bigint;
      readonly position: GlobalPosition;
      readonly type: E['type'];
      readonly data: E['data'];
      readonly metadata: EventMetadata;
    }
  : never;

/** `no_stream`: the stream must not exist; `stream_exists`: it must; a bigint: its last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/**
 * A unique value an append claims or releases in the same atomic write as its events
 * (username per pool, alias email/phone, external login per provider).
 */
export interface UniqueChange {
  readonly scope: string;
  readonly value: string;
  readonly change: 'claim' | 'release';
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
  unique?: readonly UniqueChange[];
}

export interface AppendResult {
  /** Revision of the last event written. */
  readonly nextRevision: bigint;
  /** Global position of the last event written (for read-your-writes waits). */
  readonly position: GlobalPosition;
}

export interface ReadStreamOptions {
  fromRevision?: bigint;
  maxCount?: number;
  /** Only the stream's last `last` events (still in revision order); ignores the other options. */
  last?: number;
}

/** One stream of a multi-stream write (`appendMany`). */
export interface StreamWrite {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly options: AppendOptions;
}

/** One stream of a multi-stream read (`readStreams`): the whole stream, or its last `last` events. */
export interface StreamRead {
  readonly streamId: string;
  readonly last?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omit to start at the beginning. */
  after?: GlobalPosition;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint to resume from; omit for the beginning of the log. */
  after?: GlobalPosition;
  /** Maximum events handed to one handler call. */
  batchSize?: number;
  /**
   * Called with contiguous batches in global order. The next batch is not read until the
   * returned promise resolves; a rejection stops the subscription and reaches `onError`.
   */
  handler: (events: RecordedEvent[]) => Promise<void>;
  onError?: (error: unknown) => void;
  /**
   * A hint, not a filter: the event types the handler acts on. A store that knows which types
   * an append wrote may then leave other appends to its next idle poll instead of reading
   * right away. The handler still receives every event, in order.
   */
  eventTypes?: ReadonlySet<string>;
}

/** What one or more appends (coalesced) wrote: event types and stream categories (id up to the first '-'). */
export interface AppendNotice {
  readonly types: readonly string[];
  readonly categories: readonly string[];
}

export interface Subscription {
  /** Resolves when the subscription has caught up with the head at least once. */
  readonly caughtUp: Promise<void>;
  /** Stops reading; resolves once any in-flight handler call is done. */
  stop(): Promise<void>;
}

export interface EventStore {
  readonly kind: 'postgres' | 'pglite' | 'eventstoredb';
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Several streams in one write, in order, with their own expectations and unique changes;
   * stream ids must be distinct. PostgreSQL and PGlite write them in one transaction (one round
   * trip): all or nothing. EventStoreDB writes them one after the other and stops at the first
   * failure, leaving the earlier ones written: order writes so that a written prefix is harmless.
   */
  appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]>;
  /** Events of one stream in revision order; an unknown stream gives []. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Several streams (or their tails) at once, one result per read in the same order (one round trip on SQL). */
  readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]>;
  /** Committed events in global order; never returns an event before an earlier one is final. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the newest committed event, or undefined when the log is empty. */
  headPosition(): Promise<GlobalPosition | undefined>;
  /** The stream that holds a unique value (claimed and not released), if any. */
  findUniqueHolder(scope: string, value: string): Promise<string | undefined>;
  /** Catch up from `after`, then follow live appends. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /**
   * Optional: calls `listener` soon after appends commit, from this process or any other, with
   * what they wrote, or `undefined` when that is unknown (too much to say, or the channel was
   * re-established and notices may have been missed). Resolves with a function that stops it.
   */
  watchAppends?(listener: (notice: AppendNotice | undefined) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
