import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BoundedLabel, SIGN_IN_FLOWS, TRIGGERS, outcomeOf, type Outcome } from './labels.js';
import {
  PulledGauges,
  type DatabaseHealthSource,
  type ForwarderSource,
  type HasherSource,
  type PoolSource,
  type ProjectionLagSource,
} from './pulled-gauges.js';

export type { DatabaseHealthSource, ForwarderSource, HasherSource, PoolSource, ProjectionLagSource } from './pulled-gauges.js';

export type AppendOutcome = 'ok' | 'conflict' | 'unique_violation' | 'error';
export type SignInResult = 'success' | 'challenge' | 'failure';
export const KAFKA_ERROR_KINDS = ['send', 'connect', 'topic', 'leadership', 'other'] as const;

const SECONDS_FAST = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const SECONDS_HTTP = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsOptions {
  /** prom-client's process metrics (CPU, memory, GC, event-loop delay); default on. */
  defaultMetrics?: boolean;
}

/**
 * The service's Prometheus registry. Push methods are called from the request path (cheap:
 * a map lookup and an increment); pull sources are read on each scrape. Every label value goes
 * through a BoundedLabel, so no caller can grow the number of series without bound.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly labels = {
    action: new BoundedLabel({ maxValues: 200, fallback: 'other' }),
    flow: new BoundedLabel({ allowed: SIGN_IN_FLOWS }),
    reason: new BoundedLabel({ maxValues: 40, pattern: /^[A-Za-z][A-Za-z0-9_]{0,63}$/ }),
    projection: new BoundedLabel({ maxValues: 20 }),
    trigger: new BoundedLabel({ allowed: TRIGGERS }),
    kafka: new BoundedLabel({ allowed: KAFKA_ERROR_KINDS }),
    store: new BoundedLabel({ allowed: ['postgres', 'pglite', 'eventstoredb'], fallback: 'unknown' }),
  };

  private readonly requests: Counter<'action' | 'outcome'>;
  private readonly requestSeconds: Histogram<'action' | 'outcome'>;
  private readonly signIns: Counter<'flow' | 'result' | 'reason'>;
  private readonly appendSeconds: Histogram<'store' | 'outcome'>;
  private readonly appendConflicts: Counter<'kind'>;
  private readonly kafkaErrors: Counter<'kind'>;
  private readonly triggerSeconds: Histogram<'trigger' | 'outcome'>;
  private readonly pulled: PulledGauges;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'cairn_requests_total',
      help: 'HTTP requests by action (Cognito action or route template) and outcome',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'cairn_request_duration_seconds',
      help: 'HTTP request latency by action and outcome',
      labelNames: ['action', 'outcome'],
      buckets: SECONDS_HTTP,
      registers,
    });
    this.signIns = new Counter({
      name: 'cairn_sign_ins_total',
      help: 'Sign-in attempts by flow, result and failure reason',
      labelNames: ['flow', 'result', 'reason'],
      registers,
    });
    this.appendSeconds = new Histogram({
      name: 'cairn_event_append_duration_seconds',
      help: 'Event-store append latency (one append or appendMany) by outcome',
      labelNames: ['store', 'outcome'],
      buckets: SECONDS_FAST,
      registers,
    });
    this.appendConflicts = new Counter({
      name: 'cairn_event_append_conflicts_total',
      help: 'Appends refused: wrong expected revision or a unique value taken',
      labelNames: ['kind'],
      registers,
    });
    this.kafkaErrors = new Counter({ name: 'cairn_kafka_errors_total', help: 'Kafka forwarder failures by kind', labelNames: ['kind'], registers });
    this.triggerSeconds = new Histogram({
      name: 'cairn_trigger_duration_seconds',
      help: 'Trigger (hook) call latency by trigger source and outcome',
      labelNames: ['trigger', 'outcome'],
      buckets: SECONDS_HTTP,
      registers,
    });
    this.pulled = new PulledGauges(registers, this.labels.projection);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** One finished HTTP request. `action`: the Cognito action name or the route template. */
  observeRequest(action: string, outcome: Outcome | number, seconds: number): void {
    const labels = { action: this.labels.action.bound(action), outcome: outcomeOf(outcome) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  /** One sign-in attempt; `reason` only for failures and challenges (a code-defined word). */
  signIn(flow: string, result: SignInResult, reason?: string): void {
    this.signIns.inc({ flow: this.labels.flow.bound(flow), result, reason: reason === undefined ? 'none' : this.labels.reason.bound(reason) });
  }

  observeAppend(seconds: number, outcome: AppendOutcome, store?: string): void {
    this.appendSeconds.observe({ store: this.labels.store.bound(store), outcome }, seconds);
    if (outcome === 'conflict' || outcome === 'unique_violation') this.appendConflicts.inc({ kind: outcome });
  }

  /** Times an append and classifies its failure by the event store's error codes. */
  async timeAppend<T>(append: () => Promise<T>, store?: string): Promise<T> {
    const started = performance.now();
    try {
      const result = await append();
      this.observeAppend((performance.now() - started) / 1000, 'ok', store);
      return result;
    } catch (error) {
      this.observeAppend((performance.now() - started) / 1000, appendOutcomeOf(error), store);
      throw error;
    }
  }

  kafkaError(kind: (typeof KAFKA_ERROR_KINDS)[number] | string = 'other'): void {
    this.kafkaErrors.inc({ kind: this.labels.kafka.bound(kind) });
  }

  observeTrigger(trigger: string, outcome: 'ok' | 'error' | 'timeout', seconds: number): void {
    this.triggerSeconds.observe({ trigger: this.labels.trigger.bound(trigger), outcome }, seconds);
  }

  // Pull sources, read on each scrape; each returns a function that removes it.
  watchPasswordHasher(source: HasherSource): () => void {
    return this.pulled.watchPasswordHasher(source);
  }
  watchDbPool(source: PoolSource): () => void {
    return this.pulled.watchDbPool(source);
  }
  watchDatabaseHealth(source: DatabaseHealthSource): () => void {
    return this.pulled.watchDatabaseHealth(source);
  }
  watchProjections(source: ProjectionLagSource): () => void {
    return this.pulled.watchProjections(source);
  }
  watchForwarder(source: ForwarderSource): () => void {
    return this.pulled.watchForwarder(source);
  }
}

/** The event store's error codes (src/event-store/errors.ts) as append outcomes. */
export function appendOutcomeOf(error: unknown): AppendOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'WrongExpectedRevision') return 'conflict';
  if (code === 'UniqueConstraintViolation') return 'unique_violation';
  return 'error';
}

/**
 * The process's registry: one per process, like prom-client's default one, so the request
 * path, the platform and the /metrics route reach it without wiring.
 */
export const metrics = new Metrics();
