import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { SqlDatabase } from '../../src/db/sql.js';
import type { EventStore, GlobalPosition, RecordedEvent, Subscription } from '../../src/event-store/event-store.port.js';
import { fold } from '../../src/shared/decider.js';
import { LOG, type Log, READ_DB, STORE } from '../../src/shared/ports.js';
import { logDeliveryDecider } from '../../src/user-pools/log-delivery/log-delivery.decider.js';
import { type LogConfiguration, type LogDeliveryEvent, logDeliveryStream } from '../../src/user-pools/log-delivery/log-delivery.events.js';
import { CHECKPOINT_SCHEMA, advanceCheckpoint, ensureCheckpoint } from '../checkpoints.js';
import { campaign } from '../leader-lock.js';
import { type DeliveryOptions, Destinations } from './destinations.js';
import { DELIVERED_TYPES, type LogRecord, logRecord, poolOf } from './log-records.js';

export const LOG_DELIVERY = 'log_delivery';
export const LOG_DELIVERY_OPTIONS = Symbol('LogDeliveryOptions');

const after = (a: GlobalPosition, b: GlobalPosition) => a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

interface PoolLogs {
  configurations: LogConfiguration[];
  /** Events at or before this position are not delivered under these configurations. */
  since: GlobalPosition | undefined;
}

/**
 * Log delivery (SetLogDeliveryConfiguration): a consumer of the log, single-active across
 * instances (an advisory lock), that turns auth events into log records and delivers them to
 * each pool's destinations (destinations.ts). It moves its checkpoint only after a batch was
 * delivered, so a crash or a failing destination delivers again rather than losing records (at
 * least once: consumers dedupe on `eventId`). A configuration applies to the events after it.
 */
@Injectable()
export class LogDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pools = new Map<string, PoolLogs>();
  private readonly destinations: Destinations;
  private stopped = new AbortController();
  private loop: Promise<void> | undefined;
  delivered = 0;

  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlDatabase,
    @Inject(LOG) private readonly log: Log,
    @Inject(LOG_DELIVERY_OPTIONS) options: DeliveryOptions,
  ) {
    this.destinations = new Destinations(options);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Starts following the log (standby until it holds the role's advisory lock). */
  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.loop;
    await this.destinations.close();
  }

  private async run(): Promise<void> {
    const signal = this.stopped.signal;
    while (!signal.aborted) {
      const leadership = campaign(this.db, LOG_DELIVERY, 1000);
      let subscription: Subscription | undefined;
      try {
        const lock = await Promise.race([leadership.acquired, whenAborted(signal).then(() => Promise.reject(signal.reason as Error))]);
        await this.db.exec(CHECKPOINT_SCHEMA);
        let position = (await ensureCheckpoint(this.db, LOG_DELIVERY, 1)).position;
        this.pools.clear();
        let fail!: (error: unknown) => void;
        const failed = new Promise<never>((_, reject) => (fail = reject));
        lock.lost.catch((error: unknown) => fail(error));
        subscription = this.store.subscribeToAll({
          after: position,
          batchSize: 500,
          eventTypes: DELIVERED_TYPES,
          handler: async (events) => {
            await this.untilDelivered(events, signal);
            const next = events[events.length - 1].position;
            await this.db.transaction((tx) => advanceCheckpoint(tx, LOG_DELIVERY, position, next));
            position = next;
          },
          onError: (error) => fail(error),
        });
        await Promise.race([failed, whenAborted(signal)]);
      } catch (error) {
        if (!signal.aborted) this.log.warn({ err: error }, 'log delivery: stepping down; it resumes from its checkpoint');
      } finally {
        await subscription?.stop();
        await leadership.stop();
      }
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Delivers a batch, retrying a failing destination with backoff (the checkpoint waits). */
  private async untilDelivered(events: RecordedEvent[], signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deliver(events);
      } catch (error) {
        if (signal.aborted) throw error;
        this.log.warn({ err: error, attempt }, 'log delivery: a destination failed; the batch is delivered again');
        await sleep(Math.min(30_000, 200 * 2 ** attempt), undefined, { signal });
      }
    }
  }

  private async deliver(events: RecordedEvent[]): Promise<void> {
    // Records per (pool, configuration), in log order.
    const batches = new Map<string, { poolId: string; configuration: LogConfiguration; records: LogRecord[] }>();
    for (const event of events) {
      if (event.type === 'LogDeliveryConfigurationSet') {
        const { poolId, configurations } = (event as RecordedEvent<LogDeliveryEvent>).data;
        this.pools.set(poolId, { configurations, since: event.position });
        continue;
      }
      if (!DELIVERED_TYPES.has(event.type)) continue;
      const poolId = poolOf(event);
      if (!poolId) continue;
      const logs = await this.poolLogs(poolId, event.position);
      if (logs.since && !after(event.position, logs.since)) continue;
      logs.configurations.forEach((configuration, i) => {
        const record = logRecord(event, configuration.eventSource, configuration.logLevel);
        if (!record) return;
        const key = `${poolId}\u0000${i}`;
        const batch = batches.get(key) ?? { poolId, configuration, records: [] };
        batch.records.push(record);
        batches.set(key, batch);
      });
    }
    for (const { poolId, configuration, records } of batches.values()) {
      await this.destinations.deliver(configuration, poolId, records, this.stopped.signal);
      this.delivered += records.length;
    }
  }

  /**
   * A pool's configurations as of an event, read from its stream the first time (then kept up by
   * the configuration events, which the subscription reads in log order).
   */
  private async poolLogs(poolId: string, at: GlobalPosition): Promise<PoolLogs> {
    const known = this.pools.get(poolId);
    if (known) return known;
    const history = (await this.store.readStream(logDeliveryStream(poolId))).filter((e) => !after(e.position, at));
    const logs: PoolLogs = { configurations: fold(logDeliveryDecider, history as never as LogDeliveryEvent[]).configurations, since: history.at(-1)?.position };
    this.pools.set(poolId, logs);
    return logs;
  }
}

/**
 * Settles when `signal` is aborted, also when it was before the call: a listener added to an
 * aborted signal never runs (a stop that came while the worker was setting up hung it for good).
 */
function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
