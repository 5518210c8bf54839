import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BoundedLabel, SIGN_IN_FLOWS, TRIGGERS, outcomeOf, type Outcome } from './labels.js';

/** What the pull-style gauges read; each is the shape of an object the platform already has. */
export interface HasherSource {
  readonly inFlight: number;
  readonly maxInFlight?: number;
  /** Jobs waiting for a slot (PasswordHasher's queue length). */
  readonly queued?: number;
}
/** pg.Pool's own counters. */
export interface PoolSource {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}
/** The database adapter's availability tracker (PgDatabase's DatabaseHealth). */
export interface DatabaseHealthSource {
  readonly available: boolean;
  /** Operations failed because the database was unreachable, since start. */
  readonly failures: number;
  /** Times it became unreachable, since start. */
  readonly outages: number;
}
export interface ProjectionLagSource {
  lag(): Promise<readonly { name: string; eventsBehind: number; msBehind: number; running?: boolean }[]>;
}
export interface ForwarderSource {
  lag(): Promise<{ eventsBehind: number; msBehind: number }>;
  status?(): { leader: boolean; forwarded: number };
}

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
  private readonly hashers = new Set<HasherSource>();
  private readonly pools = new Set<PoolSource>();
  private readonly databases = new Set<DatabaseHealthSource>();
  private readonly projectionSources = new Set<ProjectionLagSource>();
  private readonly forwarders = new Set<ForwarderSource>();

  private readonly requests: Counter<'action' | 'outcome'>;
  private readonly requestSeconds: Histogram<'action' | 'outcome'>;
  private readonly signIns: Counter<'flow' | 'result' | 'reason'>;
  private readonly appendSeconds: Histogram<'store' | 'outcome'>;
  private readonly appendConflicts: Counter<'kind'>;
  private readonly kafkaErrors: Counter<'kind'>;
  private readonly triggerSeconds: Histogram<'trigger' | 'outcome'>;
  private readonly sourceErrors: Counter<'source'>;
  private lagRead: Promise<Map<string, { events: number; ms: number }>> | undefined;
  private forwarderRead: Promise<{ events: number; ms: number } | undefined> | undefined;

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
    this.declareGauges(registers);
    // Declared after the gauges and waiting for their reads, so a scrape shows its own failures.
    const pending = () => Promise.all([this.lagRead, this.forwarderRead]);
    this.sourceErrors = new Counter({
      name: 'cairn_metrics_source_errors_total',
      help: 'Scrapes where a pulled source failed (its gauges are then absent)',
      labelNames: ['source'],
      registers,
      collect: async () => void (await pending()),
    });
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

  // Pull sources: each returns a function that removes it. Adding the same object twice is a no-op.
  watchPasswordHasher(source: HasherSource): () => void {
    return watch(this.hashers, source);
  }
  watchDbPool(source: PoolSource): () => void {
    return watch(this.pools, source);
  }
  watchDatabaseHealth(source: DatabaseHealthSource): () => void {
    return watch(this.databases, source);
  }
  watchProjections(source: ProjectionLagSource): () => void {
    return watch(this.projectionSources, source);
  }
  watchForwarder(source: ForwarderSource): () => void {
    return watch(this.forwarders, source);
  }

  private declareGauges(registers: Registry[]): void {
    const sum = <S>(sources: Set<S>, read: (s: S) => number | undefined) => [...sources].reduce((n, s) => n + (read(s) ?? 0), 0);
    const gauge = (name: string, help: string, collect: (g: Gauge<string>) => void | Promise<void>, labelNames: string[] = []) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          return collect(this);
        },
      });

    gauge('cairn_password_hash_in_flight', 'argon2 hashes and verifies running now', (g) => g.set(sum(this.hashers, (h) => h.inFlight)));
    gauge('cairn_password_hash_queued', 'argon2 jobs waiting for a slot', (g) => g.set(sum(this.hashers, (h) => h.queued)));
    gauge('cairn_password_hash_max_in_flight', 'argon2 jobs allowed at once', (g) => g.set(sum(this.hashers, (h) => h.maxInFlight)));
    gauge(
      'cairn_db_pool_connections',
      'PostgreSQL pool connections by state',
      (g) => {
        g.reset();
        if (this.pools.size === 0) return;
        const total = sum(this.pools, (p) => p.totalCount);
        const idle = sum(this.pools, (p) => p.idleCount);
        g.set({ state: 'total' }, total);
        g.set({ state: 'idle' }, idle);
        g.set({ state: 'in_use' }, total - idle);
      },
      ['state'],
    );
    gauge('cairn_db_pool_waiting', 'queries waiting for a pool connection', (g) => g.set(sum(this.pools, (p) => p.waitingCount)));
    gauge(
      'cairn_db_available',
      '1 while the database answers, 0 during an outage (absent on PGlite)',
      (g) => {
        g.reset();
        if (this.databases.size) g.set({ database: 'postgres' }, [...this.databases].every((d) => d.available) ? 1 : 0);
      },
      ['database'],
    );
    // The tracker keeps the totals; each scrape copies them (they only grow).
    const total = (name: string, help: string, read: (d: DatabaseHealthSource) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(sum(databases, read));
        },
      });
    const databases = this.databases;
    total('cairn_db_unavailable_operations_total', 'operations that failed because the database was unreachable', (d) => d.failures);
    total('cairn_db_outages_total', 'times the database became unreachable', (d) => d.outages);

    // Both lag gauges of a kind share one lag() read per source per scrape (prom-client
    // collects all metrics of a scrape concurrently).
    const readLag = () => (this.lagRead ??= this.readProjectionLag().finally(() => (this.lagRead = undefined)));
    gauge(
      'cairn_projection_lag_events',
      'events in the log after the projection checkpoint',
      async (g) => {
        g.reset();
        for (const [name, lag] of await readLag()) g.set({ projection: name }, lag.events);
      },
      ['projection'],
    );
    gauge(
      'cairn_projection_lag_seconds',
      'age of the oldest event a projection has not applied (0 when caught up)',
      async (g) => {
        g.reset();
        for (const [name, lag] of await readLag()) g.set({ projection: name }, lag.ms / 1000);
      },
      ['projection'],
    );

    const readForwarder = () => (this.forwarderRead ??= this.readForwarderLag().finally(() => (this.forwarderRead = undefined)));
    // Labelled by the forwarder's checkpoint name, so the series is absent (not 0) without one.
    const forwarderGauge = (name: string, help: string, value: (lag: { events: number; ms: number }) => number) =>
      gauge(
        name,
        help,
        async (g) => {
          g.reset();
          const lag = await readForwarder();
          if (lag) g.set({ consumer: 'kafka-forwarder' }, value(lag));
        },
        ['consumer'],
      );
    forwarderGauge('cairn_forwarder_lag_events', 'events in the log the Kafka forwarder has not published', (lag) => lag.events);
    forwarderGauge('cairn_forwarder_lag_seconds', 'age of the oldest event the Kafka forwarder has not published', (lag) => lag.ms / 1000);
    gauge(
      'cairn_forwarder_leader',
      '1 when this process holds the Kafka forwarder lock',
      (g) => {
        g.reset();
        const withStatus = [...this.forwarders].filter((f) => f.status);
        if (withStatus.length) g.set({ consumer: 'kafka-forwarder' }, withStatus.some((f) => f.status!().leader) ? 1 : 0);
      },
      ['consumer'],
    );
  }

  /** Worst lag per projection over all sources (several runners report the same checkpoints). */
  private async readProjectionLag(): Promise<Map<string, { events: number; ms: number }>> {
    const out = new Map<string, { events: number; ms: number }>();
    for (const source of this.projectionSources) {
      try {
        for (const p of await source.lag()) {
          const name = this.labels.projection.bound(p.name);
          const prev = out.get(name);
          out.set(name, { events: Math.max(prev?.events ?? 0, p.eventsBehind), ms: Math.max(prev?.ms ?? 0, p.msBehind) });
        }
      } catch {
        this.sourceErrors.inc({ source: 'projections' });
      }
    }
    return out;
  }

  private async readForwarderLag(): Promise<{ events: number; ms: number } | undefined> {
    let worst: { events: number; ms: number } | undefined;
    for (const source of this.forwarders) {
      try {
        const lag = await source.lag();
        worst = { events: Math.max(worst?.events ?? 0, lag.eventsBehind), ms: Math.max(worst?.ms ?? 0, lag.msBehind) };
      } catch {
        this.sourceErrors.inc({ source: 'forwarder' });
      }
    }
    return worst;
  }
}

function watch<S>(set: Set<S>, source: S): () => void {
  set.add(source);
  return () => void set.delete(source);
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
