import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type LogEntry, type Message, type Producer } from 'kafkajs';
import { isConnectionFailure, isDatabaseUnavailable } from '../src/db/database-errors.js';
import type { SqlDatabase } from '../src/db/sql.js';
import type { EventStore, GlobalPosition, RecordedEvent, Subscription } from '../src/event-store/event-store.port.js';
import { formatPosition } from '../src/event-store/positions.js';
import { redactEvent } from '../src/events/redaction.js';
import { CHECKPOINT_SCHEMA, CheckpointConflictError, advanceCheckpoint, ensureCheckpoint } from './checkpoints.js';
import { campaign, type Leadership } from './leader-lock.js';
import { withSpan } from '../src/observability/tracing.js';

/** Leadership role and checkpoint name. */
export const KAFKA_FORWARDER = 'kafka-forwarder';
const CHECKPOINT_VERSION = 1;
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;

export interface ForwarderLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface KafkaForwarderOptions {
  store: EventStore;
  /** Where the checkpoint and the leadership lock live. */
  db: SqlDatabase;
  brokers: string[];
  /** Default 'cairn.events'. */
  topic?: string;
  /** Default 'cairn-kafka-forwarder'. */
  clientId?: string;
  /** Most events per producer.send (and per checkpoint move); default 500. */
  batchSize?: number;
  /** Used when the topic is missing at start; defaults 3 and 1 (a single-node broker). */
  partitions?: number;
  replicationFactor?: number;
  /** Gets the forwarder's messages and kafkajs' warnings and errors; default: silent. */
  logger?: ForwarderLogger;
  /** Called with each batch once the broker acknowledged it and the checkpoint passed it (metrics, benchmarks). */
  onForwarded?: (events: readonly RecordedEvent[]) => void;
}

export interface ForwarderStatus {
  leader: boolean;
  /** The checkpoint (`commit/prepare`) as this instance last read or moved it. */
  checkpoint?: string;
  /** Events this instance forwarded (a re-sent batch counts again). */
  forwarded: number;
  /** The latest failure seen, kept after recovery. */
  lastError?: string;
}

/**
 * Publishes every event of the log to Kafka, at least once and in log order (per stream, as
 * the key is the stream id). Single-active: only the holder of the 'kafka-forwarder' lock sends.
 * The checkpoint moves only after the broker acknowledged a batch (acks = all), so a crash or a
 * broker outage can duplicate events downstream (consumers dedupe on the event-id header) but
 * never lose one.
 */
export class KafkaForwarder {
  private readonly kafka: Kafka;
  private readonly topic: string;
  private readonly logger: ForwarderLogger;
  private running: { stop: AbortController; loop: Promise<void> } | undefined;
  private leader = false;
  private position: GlobalPosition | undefined;
  private forwarded = 0;
  private lastError: string | undefined;

  constructor(private readonly options: KafkaForwarderOptions) {
    this.topic = options.topic ?? 'cairn.events';
    this.logger = options.logger ?? silentLogger;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'cairn-kafka-forwarder',
      brokers: options.brokers,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      // Few quick retries inside kafkajs: our own loop retries a failed batch forever.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => this.logKafkaJs(entry),
    });
  }

  /** Begins campaigning for leadership; forwarding happens in the background while leader. */
  async start(): Promise<void> {
    if (this.running) return;
    const stop = new AbortController();
    this.running = { stop, loop: this.run(stop.signal) };
  }

  /** Stops forwarding, disconnects from Kafka and releases leadership. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.stop.abort(new Error('forwarder stopped'));
    await running.loop;
  }

  status(): ForwarderStatus {
    return {
      leader: this.leader,
      checkpoint: this.position && formatPosition(this.position),
      forwarded: this.forwarded,
      lastError: this.lastError,
    };
  }

  /** Leads, steps down on lost leadership or errors, and campaigns again until stopped. */
  private async run(stopped: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stopped.aborted) {
      const before = this.forwarded;
      try {
        await this.lead(stopped);
      } catch (error) {
        if (stopped.aborted) break;
        // Expected, so only a warning: another process moved the checkpoint (a failover), or the
        // database went away (the adapter logs the outage; the next tenure resumes from the
        // checkpoint once it is back, re-sending at most the batch in hand).
        const expected = error instanceof CheckpointConflictError || isDatabaseUnavailable(error) || isConnectionFailure(error);
        this.noteError(`stepping down: ${describe(error)}`, expected ? 'warn' : 'error');
        // Back off harder only while tenures end without getting anything through.
        failures = this.forwarded > before ? 1 : failures + 1;
      }
      await sleep(backoff(failures), undefined, { signal: stopped }).catch(() => undefined);
    }
  }

  /** One tenure as leader; returns only by throwing (lost lock, conflict, failure, stop). */
  private async lead(stopped: AbortSignal): Promise<void> {
    const leadership: Leadership = campaign(this.options.db, KAFKA_FORWARDER);
    const publisher = new TopicPublisher(this.kafka, this.topic);
    const pipeline: Pipeline = { sent: Promise.resolve(), older: Promise.resolve(), checkpointed: Promise.resolve() };
    let subscription: Subscription | undefined;
    try {
      // 1. Become leader; a lost lock connection ends the tenure.
      const lock = await abortable(leadership.acquired, stopped);
      const tenure = new AbortController();
      lock.lost.catch((error: unknown) => tenure.abort(error));
      const signal = AbortSignal.any([stopped, tenure.signal]);
      this.leader = true;
      this.logger.info(`kafka forwarder: leader, forwarding to ${this.topic}`);

      // 2. Resume after the checkpoint.
      await this.options.db.exec(CHECKPOINT_SCHEMA);
      const checkpoint = await ensureCheckpoint(this.options.db, KAFKA_FORWARDER, CHECKPOINT_VERSION);
      this.position = checkpoint.position;

      // 3. The topic, retried until the broker is there.
      await this.untilDone(() => this.ensureTopic(), signal, 'create topic');

      // 4. Forward batch by batch until something ends the tenure.
      let fail!: (error: unknown) => void;
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failed.catch(() => undefined); // observed by `abortable` below; a late second failure is moot
      subscription = this.options.store.subscribeToAll({
        after: this.position,
        batchSize: this.options.batchSize ?? 500,
        handler: (events) => this.forward(publisher, events, signal, pipeline, fail),
        onError: (error) => fail(error),
      });
      await abortable(failed, signal);
    } finally {
      await subscription?.stop();
      // A batch on the wire is finished (and, once acked, checkpointed) before the producer goes.
      await pipeline.checkpointed.catch(() => undefined);
      await publisher.close();
      this.leader = false;
      await leadership.stop();
    }
  }

  /**
   * Pipelined, in log order: a batch is sent once the one before it is on the broker (one send at
   * a time: the idempotent producer's sequence numbers, and the order per key, need that), and the
   * handler returns as soon as its send has started, so the subscription reads and serialises the
   * next batch while this one is on the wire. The checkpoint moves batch after batch, each once the
   * broker acknowledged it (acks = all) and the previous checkpoint move is done; that write too
   * overlaps the next send. A failure after the handler returned ends the tenure through `fail`.
   */
  private async forward(
    publisher: TopicPublisher,
    events: RecordedEvent[],
    signal: AbortSignal,
    pipeline: Pipeline,
    fail: (error: unknown) => void,
  ): Promise<void> {
    const messages = events.map(toMessage);
    // At most one batch on the wire and two checkpoint moves pending.
    await Promise.all([pipeline.sent, pipeline.older]);
    const previous = pipeline.checkpointed;
    const sent = this.untilDone(() => publisher.send(messages), signal, 'send');
    const checkpointed = Promise.all([sent, previous]).then(async () => {
      // Acknowledged by every in-sync replica: only now may the checkpoint pass these events.
      const next = events[events.length - 1].position;
      const expected = this.position;
      await this.options.db.transaction((tx) => advanceCheckpoint(tx, KAFKA_FORWARDER, expected, next));
      this.position = next;
      this.forwarded += events.length;
      this.options.onForwarded?.(events);
    });
    checkpointed.catch(fail);
    pipeline.sent = sent;
    pipeline.older = previous;
    pipeline.checkpointed = checkpointed;
  }

  /**
   * Retries `work` with capped exponential backoff until it succeeds or `signal` aborts. An
   * attempt under way is finished, not abandoned (kafkajs bounds it): a batch the broker acks
   * while we stop still moves the checkpoint, so the next leader does not send it again.
   */
  private async untilDone(work: () => Promise<unknown>, signal: AbortSignal, what: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        await work();
        return;
      } catch (error) {
        signal.throwIfAborted();
        this.noteError(`${what} failed (attempt ${attempt + 1}): ${describe(error)}`);
      }
      await sleep(backoff(attempt), undefined, { signal });
    }
  }

  private async ensureTopic(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      // Looked up first only to keep kafkajs from logging TOPIC_ALREADY_EXISTS on every start.
      if ((await admin.listTopics()).includes(this.topic)) return;
      // Resolves false when another process created the topic meanwhile.
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: this.topic,
            numPartitions: this.options.partitions ?? 3,
            replicationFactor: this.options.replicationFactor ?? 1,
          },
        ],
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private noteError(message: string, level: 'warn' | 'error' = 'warn'): void {
    this.lastError = message;
    this.logger[level](`kafka forwarder: ${message}`);
  }

  /** kafkajs logs retried connection errors as errors; to us they are warnings (level WARN and up only). */
  private logKafkaJs({ namespace, log }: LogEntry): void {
    // Expected: our own loop retries every failed batch, with the same sequence numbers.
    if (log.message.startsWith('Limiting retries for the idempotent producer')) return;
    const detail = typeof log.error === 'string' ? `: ${log.error}` : '';
    this.logger.warn(`kafkajs ${namespace}: ${log.message}${detail}`);
  }
}

/** A tenure's batches in flight: the latest one's send, and the checkpoint moves of the two latest. */
interface Pipeline {
  sent: Promise<void>;
  older: Promise<void>;
  checkpointed: Promise<void>;
}

/** Producer state errors: the broker no longer accepts this producer id's sequence numbers. */
const LOST_PRODUCER_STATE = new Set(['UNKNOWN_PRODUCER_ID', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH']);

/** A tenure's idempotent producer: connected on first use, replaced when the broker forgot it. */
class TopicPublisher {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  /** Resolves once every in-sync replica has the messages (acks = all). */
  async send(messages: Message[]): Promise<void> {
    const producer = this.producer ?? (await this.connect());
    try {
      await withSpan(
        'kafka forward',
        { 'messaging.system': 'kafka', 'messaging.destination.name': this.topic, 'messaging.batch.message_count': messages.length },
        () => producer.send({ topic: this.topic, acks: -1, messages }),
      );
    } catch (error) {
      // kafkajs does not re-initialise the producer id (KIP-360): after the broker dropped our
      // state (expiry after a quiet spell, data loss) the same retry would fail forever.
      if (hasErrorType(error, LOST_PRODUCER_STATE)) await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }
}

/** True when `error` or one of its causes is a Kafka protocol error of one of `types`. */
function hasErrorType(error: unknown, types: ReadonlySet<string>): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && types.has(type)) return true;
  }
  return false;
}

function toMessage(event: RecordedEvent): Message {
  return {
    key: event.streamId,
    value: JSON.stringify(redactEvent(event)),
    headers: {
      'event-type': event.type,
      'event-id': event.metadata.eventId,
      'global-position': formatPosition(event.position),
    },
  };
}

/** 100 ms, 200 ms, ... capped at 5 s. */
function backoff(attempt: number): number {
  return Math.min(BACKOFF_FIRST_MS * 2 ** Math.min(attempt, 16), BACKOFF_MAX_MS);
}

/** `promise`, or a rejection as soon as `signal` aborts (the promise itself runs on, unobserved). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const silentLogger: ForwarderLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
