import { Counter, Gauge, type Registry } from 'prom-client';
import type { BoundedLabel } from './labels.js';

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

/**
 * The gauges read on each scrape from objects the platform already has (the argon2 queue, the
 * pg pool, the database health tracker, projection and forwarder lag). Sources are sets: several
 * platforms in one process (tests) add up, lags take the worst.
 */
export class PulledGauges {
  private readonly hashers = new Set<HasherSource>();
  private readonly pools = new Set<PoolSource>();
  private readonly databases = new Set<DatabaseHealthSource>();
  private readonly projectionSources = new Set<ProjectionLagSource>();
  private readonly forwarders = new Set<ForwarderSource>();
  private readonly sourceErrors: Counter<'source'>;
  private lagRead: Promise<Map<string, { events: number; ms: number }>> | undefined;
  private forwarderRead: Promise<{ events: number; ms: number } | undefined> | undefined;

  constructor(
    registers: Registry[],
    private readonly projectionLabel: BoundedLabel,
  ) {
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

  // Each returns a function that removes the source. Adding the same object twice is a no-op.
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
          const name = this.projectionLabel.bound(p.name);
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
