import type {
  AppendNotice,
  AppendOptions,
  AppendResult,
  EventStore,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  StreamWrite,
  SubscribeOptions,
  Subscription,
} from './event-store.port.js';
import { streamCategory } from './stream-category.js';

export interface StreamCacheOptions {
  /** Stream categories whose whole-stream reads are kept: short streams that rarely change. */
  categories: readonly string[];
  /** Most streams kept (oldest dropped first). */
  maxStreams?: number;
  /** Belt and braces: an entry is re-read after this long even without a notice. */
  ttlMs?: number;
}

/**
 * Keeps whole-stream reads of rarely written categories (pools, app clients, groups, group
 * memberships) in memory, so a sign-in does not read and fold its pool and client on every call.
 *
 * Kept exact as far as this process can know:
 * - an append through this store drops the stream before and after it is written;
 * - appends by other processes arrive as notices (PostgreSQL NOTIFY) naming the categories they
 *   wrote, and drop those categories; a notice of unknown content (after a reconnect) drops all;
 * - a read that was in flight while anything was dropped is not kept (generation check), so a
 *   read that started before a write can never be cached after the notice for that write;
 * - a WrongExpectedRevision append drops the stream, so a retry re-reads the database.
 * Another process's write is seen here once its notice arrives (milliseconds after its commit);
 * a store that cannot send notices (EventStoreDB) gets no cache at all.
 */
export class CachingEventStore implements EventStore {
  readonly kind: EventStore['kind'];
  private readonly cached = new Map<string, { events: readonly RecordedEvent[]; at: number }>();
  private readonly categories: ReadonlySet<string>;
  private readonly maxStreams: number;
  private readonly ttlMs: number;
  private generation = 0;
  private stopWatching: Promise<() => Promise<void>> | undefined;
  /** Reads answered from memory (tests and benchmarks look at it). */
  hits = 0;

  constructor(
    private readonly inner: EventStore,
    options: StreamCacheOptions,
  ) {
    this.kind = inner.kind;
    this.categories = new Set(options.categories);
    this.maxStreams = options.maxStreams ?? 10_000;
    this.ttlMs = options.ttlMs ?? 60_000;
    // A (re)connected notice channel reports `undefined` first, which drops everything kept.
    this.stopWatching = inner.watchAppends?.((notice) => this.onNotice(notice));
    this.stopWatching?.catch(() => undefined);
  }

  private get enabled(): boolean {
    return this.stopWatching !== undefined;
  }

  private onNotice(notice: AppendNotice | undefined): void {
    if (!notice) {
      this.dropAll();
      return;
    }
    if (!notice.categories.some((c) => this.categories.has(c))) return;
    this.generation++;
    for (const key of this.cached.keys()) if (notice.categories.includes(streamCategory(key))) this.cached.delete(key);
  }

  private dropAll(): void {
    this.generation++;
    this.cached.clear();
  }

  private drop(streamId: string): void {
    this.generation++;
    this.cached.delete(streamId);
  }

  private cacheable(streamId: string): boolean {
    return this.enabled && this.categories.has(streamCategory(streamId));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const whole = !options || (options.fromRevision === undefined && options.maxCount === undefined && options.last === undefined);
    if (!whole || !this.cacheable(streamId)) return this.inner.readStream(streamId, options);
    const hit = this.fresh(streamId);
    if (hit) return [...hit];
    const generation = this.generation;
    const events = await this.inner.readStream(streamId);
    this.keep(streamId, events, generation);
    return [...events];
  }

  /** Cached whole streams from memory, the rest in one read of the inner store. */
  async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    const out: (RecordedEvent[] | undefined)[] = reads.map((r) => {
      if (r.last !== undefined || !this.cacheable(r.streamId)) return undefined;
      const hit = this.fresh(r.streamId);
      return hit ? [...hit] : undefined;
    });
    const missing = reads.map((r, i) => ({ r, i })).filter(({ i }) => out[i] === undefined);
    if (missing.length > 0) {
      const generation = this.generation;
      const read = await this.inner.readStreams(missing.map(({ r }) => r));
      missing.forEach(({ r, i }, j) => {
        if (r.last === undefined && this.cacheable(r.streamId)) this.keep(r.streamId, read[j], generation);
        out[i] = [...read[j]];
      });
    }
    return out as RecordedEvent[][];
  }

  private fresh(streamId: string): readonly RecordedEvent[] | undefined {
    const hit = this.cached.get(streamId);
    if (!hit || Date.now() - hit.at >= this.ttlMs) return undefined;
    this.hits++;
    return hit.events;
  }

  /** Keeps a read unless something was dropped while it was in flight. */
  private keep(streamId: string, events: readonly RecordedEvent[], generation: number): void {
    if (generation !== this.generation) return;
    this.cached.delete(streamId);
    this.cached.set(streamId, { events, at: Date.now() });
    if (this.cached.size > this.maxStreams) this.cached.delete(this.cached.keys().next().value as string);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, options }]);
    return result;
  }

  async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const tracked = writes.filter((w) => this.categories.has(streamCategory(w.streamId)));
    for (const w of tracked) this.drop(w.streamId);
    try {
      // A single write through the store's own append (on SQL, es_append without the many-loop).
      return writes.length === 1 ? [await this.inner.append(writes[0].streamId, writes[0].events, writes[0].options)] : await this.inner.appendMany(writes);
    } finally {
      // Also drops what a read that raced this write may have kept, and stale state behind
      // a WrongExpectedRevision (another process wrote first).
      for (const w of tracked) this.drop(w.streamId);
    }
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<GlobalPosition | undefined> {
    return this.inner.headPosition();
  }

  findUniqueHolder(scope: string, value: string): Promise<string | undefined> {
    return this.inner.findUniqueHolder(scope, value);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  watchAppends(listener: (notice: AppendNotice | undefined) => void): Promise<() => Promise<void>> {
    if (!this.inner.watchAppends) throw new Error(`${this.kind} store sends no append notices`);
    return this.inner.watchAppends(listener);
  }

  /** Stops listening for notices; the inner store stays open (its owner closes it). */
  async stop(): Promise<void> {
    const stop = this.stopWatching;
    this.stopWatching = undefined;
    this.dropAll();
    if (stop) await (await stop.catch(() => async () => undefined))();
  }

  close(): Promise<void> {
    return this.stop().then(() => this.inner.close());
  }
}
