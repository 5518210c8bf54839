import { readCheckpoint } from '../../projections/checkpoints.js';
import { KAFKA_FORWARDER } from '../../projections/kafka-forwarder.js';
import type { SqlDatabase } from '../db/sql.js';
import { withSpan } from './tracing.js';
import type { EventStore, GlobalPosition } from '../event-store/event-store.port.js';
import type { DatabaseHealthSource, HasherSource, Metrics, PoolSource, ProjectionLagSource } from './metrics.js';

/** The parts of the Platform the gauges read (structural, so this file follows the platform's shape loosely). */
export interface MeteredParts {
  hasher: HasherSource;
  runner: ProjectionLagSource;
  forwarder?: { status(): { leader: boolean; forwarded: number } } | undefined;
  store: EventStore;
  db: SqlDatabase;
  config: { KAFKA_BROKERS?: readonly string[] | undefined };
}

/**
 * Registers every pull-style source of one platform: the argon2 queue, projection lag, the
 * forwarder's lag (read from its checkpoint, so an API instance reports it also when the
 * forwarder runs in a projections process) and the PostgreSQL pool. Returns the remover.
 */
export function watchPlatform(metrics: Metrics, parts: MeteredParts): () => void {
  const removers = [metrics.watchPasswordHasher(parts.hasher), metrics.watchProjections(parts.runner)];
  if (parts.config.KAFKA_BROKERS?.length) {
    const forwarder = parts.forwarder;
    removers.push(
      metrics.watchForwarder({
        lag: checkpointLag(parts.store, parts.db, KAFKA_FORWARDER),
        ...(forwarder ? { status: () => forwarder.status() } : {}),
      }),
    );
  }
  const pool = dbPoolOf(parts.db);
  if (pool) removers.push(metrics.watchDbPool(pool));
  const health = databaseHealthOf(parts.db);
  if (health) removers.push(metrics.watchDatabaseHealth(health));
  return () => removers.forEach((remove) => remove());
}

const LAG_SCAN_LIMIT = 100_000;

/** Lag of any checkpointed log consumer: events after its checkpoint and the age of the oldest. */
export function checkpointLag(store: EventStore, db: SqlDatabase, consumer: string): () => Promise<{ eventsBehind: number; msBehind: number }> {
  return async () => {
    const position = (await readCheckpoint(db, consumer))?.position;
    const [oldest] = await store.readAll({ after: position, maxCount: 1 });
    if (!oldest) return { eventsBehind: 0, msBehind: 0 };
    const counter = store as Partial<{ countAfter(p: GlobalPosition | undefined): Promise<number> }>;
    const eventsBehind = counter.countAfter ? await counter.countAfter(position) : (await store.readAll({ after: position, maxCount: LAG_SCAN_LIMIT })).length;
    return { eventsBehind, msBehind: Math.max(0, Date.now() - Date.parse(oldest.metadata.occurredAt)) };
  };
}

/**
 * pg.Pool's counters, when the database is a pool: PgDatabase keeps its pg.Pool in `pool`
 * (PGlite has none). Read structurally so this needs no change in src/db; it reads counters only.
 */
export function dbPoolOf(db: SqlDatabase): PoolSource | undefined {
  const pool = (db as unknown as { pool?: Partial<PoolSource> }).pool;
  const isPool = pool && typeof pool.totalCount === 'number' && typeof pool.idleCount === 'number' && typeof pool.waitingCount === 'number';
  return isPool ? (pool as PoolSource) : undefined;
}

/** PgDatabase's availability tracker (`health`), when the database has one (PGlite has none). */
export function databaseHealthOf(db: SqlDatabase): DatabaseHealthSource | undefined {
  const health = (db as unknown as { health?: Partial<DatabaseHealthSource> }).health;
  const isHealth = health && typeof health.available === 'boolean' && typeof health.failures === 'number' && typeof health.outages === 'number';
  return isHealth ? (health as DatabaseHealthSource) : undefined;
}

/**
 * The event store with every append and appendMany timed and its conflicts counted. A Proxy,
 * so the store keeps its class (`instanceof CachingEventStore` still holds), its optional
 * methods and its `kind`; other calls pass straight through, bound to the store itself.
 */
export function meterAppends<S extends EventStore>(store: S, metrics: Metrics): S {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'append' || property === 'appendMany') {
        // A span per append too: the request's trace shows its writes.
        return (...args: unknown[]) =>
          withSpan(`event-store ${String(property)}`, { 'db.system': target.kind === 'eventstoredb' ? 'eventstoredb' : 'postgresql' }, () =>
            metrics.timeAppend(() => method.apply(target, args) as Promise<unknown>, target.kind),
          );
      }
      return method.bind(target);
    },
  });
}
