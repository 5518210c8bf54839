import {
  ERASED,
  PERSONAL_DATA_FIELDS,
  PERSONAL_FAMILY_CATEGORIES,
  PERSONAL_METADATA_FIELDS,
  PERSONAL_STREAM_CATEGORIES,
  placeholder,
} from '../events/personal-data.js';
import { createCipheriv, randomFillSync } from 'node:crypto';
import { type DataKeys, openWithDataKey } from './data-keys.js';
import type {
  AppendNotice,
  AppendOptions,
  AppendResult,
  EventMetadata,
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

/**
 * What a stored event keeps in `metadata.personal` once its personal fields are taken out:
 * the subject (`<poolId>/<sub>`) whose data key sealed them, the data fields (`f`) and metadata
 * fields (`m`) taken, and their sealed plaintext (`c`, absent when the subject was already
 * erased at the time of writing). Field names are not personal; values are.
 */
export interface PersonalEnvelope {
  v: 1;
  s: string;
  f?: string[];
  m?: string[];
  c?: string;
}

const SUB = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PERSONAL_STREAM = new RegExp(`^(?:${PERSONAL_STREAM_CATEGORIES.join('|')})-(.+)-(${SUB})$`);
const FAMILIES = new Set(PERSONAL_FAMILY_CATEGORIES);
const MAX_FAMILIES = 100_000;

/** `<poolId>/<sub>` of a stream named `<category>-<poolId>-<sub>`, for the personal categories. */
export function subjectOfStream(streamId: string): string | undefined {
  const match = PERSONAL_STREAM.exec(streamId);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

function subjectOfData(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const { poolId, sub } = data as { poolId?: unknown; sub?: unknown };
  return typeof poolId === 'string' && typeof sub === 'string' ? `${poolId}/${sub}` : undefined;
}

/** Opened events to the form the store keeps (and hashed): see `storedForm`. */
const STORED = new WeakMap<object, RecordedEvent>();

/**
 * The event as the store keeps it, personal fields sealed: what its digest and the chain cover.
 * For an event read through the envelope, the stored form it was opened from; any other event is
 * its own stored form. The log checkpoints hash this, so they match what a verifier reads.
 */
export function storedForm(event: RecordedEvent): RecordedEvent {
  return STORED.get(event) ?? event;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The event store seen through the personal-data envelope (docs/history.md "Erasure"): on the
 * way in, each event's personal fields (src/events/personal-data.ts) are taken out of its data
 * and metadata and sealed, as one AES-256-GCM ciphertext bound to the event id, under the data
 * key of the person the event belongs to; on the way out they are put back, or replaced by fixed
 * placeholders once that key has been destroyed. The inner store hashes and chains exactly what
 * it stores (the sealed form), so the chain still verifies after an erasure.
 *
 * Events of nobody (pools, clients, keys) and events without personal fields pass unchanged, and
 * so do events written before the envelope existed (no `metadata.personal`): see the migration
 * section of docs/history.md.
 */
export class PersonalDataEnvelope implements EventStore {
  readonly kind: EventStore['kind'];
  readonly watchAppends?: (listener: (notice: AppendNotice | undefined) => void) => Promise<() => Promise<void>>;
  /** Present when the inner store has it (lag reports). */
  readonly countAfter?: (after: GlobalPosition | undefined) => Promise<number>;
  /** Family streams (refresh-<familyId>, oauthgrant-<familyId>) to the subject their first event names. */
  private readonly families = new Map<string, string>();
  /**
   * Opened plaintext by event id: a sign-in reads its user's stream every time, and opening costs
   * an AES-GCM context per event. Used only while the subject's key is still there (checked on
   * every read), and dropped whole whenever this process learns of an erasure.
   */
  private readonly opened = new Map<string, Plain>();
  /**
   * Key look-ups in flight, by subject: the streams of one appendMany (a sign-in's auth log and its
   * refresh-token family) and concurrent appends of one person share a single `forWrite`, so a
   * key that is not cached costs one statement (and one candidate key wrapped), not one per stream.
   */
  private readonly writing = new Map<string, Promise<Buffer | null>>();

  constructor(
    private readonly inner: EventStore,
    readonly keys: DataKeys,
  ) {
    this.kind = inner.kind;
    keys.onErasure(() => this.opened.clear());
    if (inner.watchAppends) this.watchAppends = (listener) => inner.watchAppends!(listener);
    const counter = inner as Partial<{ countAfter(after: GlobalPosition | undefined): Promise<number> }>;
    if (counter.countAfter) this.countAfter = (after) => counter.countAfter!.call(inner, after);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamId, await this.seal(streamId, events), options);
  }

  async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    this.prefetchKeys(writes);
    const sealed = await Promise.all(writes.map(async (w) => ({ ...w, events: await this.seal(w.streamId, w.events) })));
    return this.inner.appendMany(sealed);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.open(await this.inner.readStream(streamId, options));
  }

  async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    const all = await this.inner.readStreams(reads);
    const opened = await this.open(all.flat());
    let k = 0;
    return all.map((events) => opened.slice(k, (k += events.length)));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.open(await this.inner.readAll(options));
  }

  headPosition(): Promise<GlobalPosition | undefined> {
    return this.inner.headPosition();
  }

  findUniqueHolder(scope: string, value: string): Promise<string | undefined> {
    return this.inner.findUniqueHolder(scope, value);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll({ ...options, handler: async (events) => options.handler(await this.open(events)) });
  }

  async close(): Promise<void> {
    await this.keys.stop();
    await this.inner.close();
  }

  /** The events as stored: personal fields sealed under their subject's key. */
  async seal(streamId: string, events: readonly NewEvent[]): Promise<readonly NewEvent[]> {
    let out: NewEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const taken = personalFieldsOf(event);
      if (!taken) continue;
      const subject = subjectOfData(event.data) ?? subjectOfStream(streamId) ?? (await this.familySubject(streamId, event));
      if (!subject) continue;
      const key = await this.keyForWrite(subject);
      out ??= [...events];
      out[i] = sealEvent(event, subject, taken, key);
    }
    // A family's first event names its subject: remember it for the family's later appends.
    if (FAMILIES.has(streamCategory(streamId))) this.learnFamily(streamId, events[0]?.data);
    return out ?? events;
  }

  /** Stored events as their readers expect them: personal fields opened, or placeholders. */
  async open(events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    let subjects: Set<string> | undefined;
    for (const e of events) {
      const p = e.metadata.personal as PersonalEnvelope | undefined;
      if (p) (subjects ??= new Set()).add(p.s);
      else if (FAMILIES.has(streamCategory(e.streamId)) && e.revision === 0n) this.learnFamily(e.streamId, e.data);
    }
    if (!subjects) return events as RecordedEvent[];
    const keys = await this.keys.forRead(subjects);
    return events.map((e) => {
      const p = e.metadata.personal as PersonalEnvelope | undefined;
      return p ? openEvent(e, p, keys.get(p.s) ?? null, this.opened) : e;
    });
  }

  /**
   * The keys of the several people an appendMany writes for (a user import's batch), looked up in
   * one statement and left where `keyForWrite` finds them. A family's subject, which may need a
   * read, is left to `keyForWrite`.
   */
  private prefetchKeys(writes: readonly StreamWrite[]): void {
    const subjects = new Set<string>();
    for (const w of writes) {
      for (const event of w.events) {
        if (!personalFieldsOf(event)) continue;
        const subject = subjectOfData(event.data) ?? subjectOfStream(w.streamId);
        if (subject && !this.writing.has(subject)) subjects.add(subject);
      }
    }
    if (subjects.size < 2) return;
    const batch = this.keys.forWriteMany([...subjects]);
    for (const subject of subjects) {
      const lookup = batch
        .then((keys) => (keys.has(subject) ? (keys.get(subject) ?? null) : this.keys.forWrite(subject)))
        .finally(() => this.writing.delete(subject));
      // A failed batch fails the seal that awaits it; one no seal reaches is not an unhandled rejection.
      lookup.catch(() => undefined);
      this.writing.set(subject, lookup);
    }
  }

  private keyForWrite(subject: string): Promise<Buffer | null> {
    const pending = this.writing.get(subject);
    if (pending) return pending;
    const lookup = this.keys.forWrite(subject).finally(() => this.writing.delete(subject));
    this.writing.set(subject, lookup);
    return lookup;
  }

  private learnFamily(streamId: string, data: unknown): void {
    const subject = subjectOfData(data);
    if (!subject || this.families.has(streamId)) return;
    this.families.set(streamId, subject);
    if (this.families.size > MAX_FAMILIES) this.families.delete(this.families.keys().next().value as string);
  }

  /** A later event of a family stream belongs to whoever the family's first event names (read once if not seen here). */
  private async familySubject(streamId: string, event: NewEvent): Promise<string | undefined> {
    if (!FAMILIES.has(streamCategory(streamId))) return undefined;
    const known = this.families.get(streamId);
    if (known) return known;
    const [first] = await this.inner.readStream(streamId, { maxCount: 1 });
    this.learnFamily(streamId, first?.data ?? event.data);
    return this.families.get(streamId);
  }
}

type Plain = { d: Record<string, unknown>; m: Record<string, unknown> };
const MAX_OPENED = 50_000;

interface Taken {
  data: string[];
  metadata: string[];
}

function personalFieldsOf(event: NewEvent): Taken | undefined {
  const spec = PERSONAL_DATA_FIELDS[event.type];
  const data = spec && isRecord(event.data) ? Object.keys(spec).filter((f) => (event.data as Record<string, unknown>)[f] !== undefined) : [];
  const metadata = PERSONAL_METADATA_FIELDS.filter((f) => event.metadata[f] !== undefined);
  return data.length || metadata.length ? { data, metadata } : undefined;
}

function sealEvent(event: NewEvent, subject: string, taken: Taken, key: Buffer | null): NewEvent {
  // Copies without the taken fields, built by adding (deleting would turn each into a slow dictionary object).
  const plain: Plain = { d: {}, m: {} };
  const data = withoutFields(event.data as Record<string, unknown>, taken.data, plain.d);
  const metadata = withoutFields(event.metadata as unknown as Record<string, unknown>, taken.metadata, plain.m) as unknown as EventMetadata;
  const envelope: PersonalEnvelope = { v: 1, s: subject };
  if (taken.data.length) envelope.f = taken.data;
  if (taken.metadata.length) envelope.m = taken.metadata;
  if (key) envelope.c = sealWithDataKeyPooled(key, JSON.stringify(plain), event.metadata.eventId);
  metadata.personal = envelope;
  return { type: event.type, data: isRecord(event.data) ? data : event.data, metadata };
}

/** `from` without `fields` (each of which goes to `into`, in the order given), other fields in their order. */
function withoutFields(from: Record<string, unknown>, fields: readonly string[], into: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(from)) return out;
  for (const f of fields) into[f] = from[f];
  for (const k in from) if (Object.hasOwn(from, k) && !fields.includes(k)) out[k] = from[k];
  return out;
}

/**
 * sealWithDataKey (data-keys.ts), the same `<iv>.<ciphertext>.<tag>` that openWithDataKey opens,
 * with its random 96-bit IVs cut from a pool of random bytes drawn 4 KiB at a time: one
 * randomFillSync per event was the largest single cost of sealing (CPU profile).
 */
function sealWithDataKeyPooled(key: Buffer, plaintext: string, aad: string): string {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, (ivOffset += IV_BYTES));
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

const IV_BYTES = 12;
const ivPool = Buffer.alloc(IV_BYTES * 341);
let ivOffset = ivPool.length;

function openEvent(event: RecordedEvent, p: PersonalEnvelope, key: Buffer | null, opened: Map<string, Plain>): RecordedEvent {
  const { personal: _personal, ...metadata } = event.metadata;
  const data = isRecord(event.data) ? { ...event.data } : {};
  let plain: Plain | undefined;
  if (key && p.c) {
    const id = event.metadata.eventId;
    plain = opened.get(id);
    if (!plain) {
      try {
        plain = JSON.parse(openWithDataKey(key, p.c, id)) as Plain;
        opened.set(id, plain);
        if (opened.size > MAX_OPENED) opened.delete(opened.keys().next().value as string);
      } catch {
        // Altered ciphertext: the chain verifier names the event; readers see it as erased.
        plain = undefined;
      }
    }
  }
  if (plain) {
    // Copies: a reader may change what it got without touching the cached plaintext.
    for (const [field, value] of Object.entries(plain.d)) data[field] = isRecord(value) ? { ...value } : value;
    Object.assign(metadata, plain.m);
  } else {
    const sub = p.s.slice(p.s.lastIndexOf('/') + 1);
    const spec = PERSONAL_DATA_FIELDS[event.type] ?? {};
    for (const f of p.f ?? []) data[f] = placeholder(spec[f] ?? 'text', sub);
    for (const f of p.m ?? []) metadata[f] = ERASED;
  }
  const out = { ...event, data, metadata: metadata as EventMetadata } as RecordedEvent;
  STORED.set(out, event);
  return out;
}
