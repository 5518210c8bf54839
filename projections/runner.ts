import { EventEmitter } from 'node:events';
import type { AdvisoryLock, SqlDatabase } from '../src/db/sql.js';
import type { EventStore, GlobalPosition, Subscription } from '../src/event-store/event-store.port.js';
import { comparePositions, formatPosition } from '../src/event-store/positions.js';
import {
  CHECKPOINT_SCHEMA,
  CheckpointConflictError,
  advanceCheckpoint,
  ensureCheckpoint,
  readCheckpoint,
  resetCheckpoint,
} from './checkpoints.js';
import { campaign, type Leadership } from './leader-lock.js';
import type { Projection } from './projection.js';

export interface ProjectionLag {
  name: string;
  version: number;
  checkpoint: string | null;
  /** Events in the log after the checkpoint (capped at `LAG_SCAN_LIMIT`). */
  eventsBehind: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  msBehind: number;
  running: boolean;
}

export interface RunnerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LAG_SCAN_LIMIT = 100_000;
/** How long a checkpoint may trail over events a projection ignores. */
const IDLE_CHECKPOINT_MS = 1000;
const REBUILD_POLL_MS = 1000;

/**
 * Runs named projections against one event store, writing read models and checkpoints in
 * one transaction per batch. Several runners may point at one database: only the holder of
 * the "projections" leader lock applies events, and a checkpoint compare-and-set stops a
 * runner that lost the lock without noticing.
 */
export class ProjectionRunner {
  private readonly events = new EventEmitter();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly positions = new Map<string, GlobalPosition | undefined>();
  private leadership: Leadership | undefined;
  private lock: AdvisoryLock | undefined;
  private rebuildTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started!: Promise<void>;
  private markStarted!: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
    private readonly projections: readonly Projection[],
    private readonly logger: RunnerLogger = silentLogger,
  ) {
    this.events.setMaxListeners(0);
  }

  get isLeader(): boolean {
    return this.lock !== undefined;
  }

  /** Creates tables and starts campaigning; projections run once this runner leads. */
  async start(): Promise<void> {
    await this.ensureReadModels();
    this.stopped = false;
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.campaign();
  }

  /**
   * Creates the checkpoint and read-model tables if missing. Every instance does this at
   * start, leader or not (and API instances whose projections run elsewhere), so queries never
   * meet a missing table; setup is idempotent and the lock keeps instances from racing.
   */
  async ensureReadModels(): Promise<void> {
    await this.db.exec(CHECKPOINT_SCHEMA);
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7238100)');
      for (const projection of this.projections) await projection.setup(tx);
    });
  }

  /** Resolves once this runner is the leader and every projection has caught up. */
  async ready(): Promise<void> {
    await this.started;
    await Promise.all([...this.subscriptions.values()].map((s) => s.caughtUp));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopProjections();
    await this.leadership?.stop();
    this.leadership = undefined;
    this.lock = undefined;
  }

  /** Drops a projection's tables and replays the whole log into them. */
  async rebuild(name: string): Promise<void> {
    const projection = this.find(name);
    await this.subscriptions.get(name)?.stop();
    this.subscriptions.delete(name);
    await this.db.transaction(async (tx) => {
      await projection.drop(tx);
      await projection.setup(tx);
      await resetCheckpoint(tx, name, projection.version);
    });
    this.positions.set(name, undefined);
    this.logger.info(`projection ${name}: rebuilding from the start of the log`);
    if (this.lock && !this.stopped) await this.startProjection(projection);
  }

  /**
   * Resolves when `name` has applied the event at `position` (read-your-writes), or false
   * after `timeoutMs`. Works whether the projection runs in this process or another.
   */
  async waitFor(name: string, position: GlobalPosition, timeoutMs = 5000): Promise<boolean> {
    const reached = (p: GlobalPosition | undefined) => p !== undefined && comparePositions(p, position) >= 0;
    if (reached(this.positions.get(name))) return true;
    const deadline = Date.now() + timeoutMs;
    let delay = 2;
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        this.events.off(name, onAdvance);
        resolve(ok);
      };
      const onAdvance = (p: GlobalPosition) => reached(p) && finish(true);
      this.events.on(name, onAdvance);
      // Another process may be the leader: poll the stored checkpoint too.
      const poll = async () => {
        if (done) return;
        const cp = await readCheckpoint(this.db, name).catch(() => undefined);
        if (reached(cp?.position)) return finish(true);
        if (Date.now() > deadline) return finish(false);
        delay = Math.min(delay * 2, 50);
        setTimeout(() => void poll(), delay);
      };
      void poll();
    });
  }

  async lag(): Promise<ProjectionLag[]> {
    const out: ProjectionLag[] = [];
    for (const projection of this.projections) {
      const stored = await readCheckpoint(this.db, projection.name);
      // While this runner applies, its in-memory position is ahead of the stored one over
      // events the projection ignores (their checkpoint writes are deferred).
      const applied = this.subscriptions.has(projection.name) ? this.positions.get(projection.name) : undefined;
      const cp = applied && (!stored?.position || comparePositions(applied, stored.position) > 0) ? { ...stored, position: applied } : stored;
      const [oldest] = await this.store.readAll({ after: cp?.position, maxCount: 1 });
      const counter = this.store as Partial<{ countAfter(p: GlobalPosition | undefined): Promise<number> }>;
      const eventsBehind = !oldest
        ? 0
        : counter.countAfter
          ? await counter.countAfter(cp?.position)
          : (await this.store.readAll({ after: cp?.position, maxCount: LAG_SCAN_LIMIT })).length;
      out.push({
        name: projection.name,
        version: projection.version,
        checkpoint: cp?.position ? formatPosition(cp.position) : null,
        eventsBehind,
        msBehind: oldest ? Math.max(0, Date.now() - Date.parse(oldest.metadata.occurredAt)) : 0,
        running: this.subscriptions.has(projection.name),
      });
    }
    return out;
  }

  private find(name: string): Projection {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new RangeError(`unknown projection ${name}`);
    return projection;
  }

  private campaign(): void {
    if (this.stopped) return;
    const leadership = campaign(this.db, 'projections');
    this.leadership = leadership;
    leadership.acquired.then(
      async (lock) => {
        if (this.stopped) return;
        this.lock = lock;
        this.logger.info('projections: this runner is the leader');
        lock.lost.catch(() => this.demote('leader lock connection lost'));
        try {
          for (const projection of this.projections) await this.startProjection(projection);
          this.watchRebuildRequests();
          this.markStarted();
        } catch (error) {
          await this.demote(`could not start projections: ${String(error)}`);
        }
      },
      () => undefined,
    );
  }

  /** Stop applying and campaign again (another runner may take over meanwhile). */
  private async demote(reason: string): Promise<void> {
    if (!this.lock) return;
    this.logger.warn(`projections: stepping down (${reason})`);
    this.lock = undefined;
    await this.stopProjections();
    await this.leadership?.stop();
    if (!this.stopped) setTimeout(() => this.campaign(), 500);
  }

  private async stopProjections(): Promise<void> {
    if (this.rebuildTimer) clearInterval(this.rebuildTimer);
    this.rebuildTimer = undefined;
    const subs = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subs.map((s) => s.stop()));
  }

  private async startProjection(projection: Projection): Promise<void> {
    const { name } = projection;
    let cp = await this.db.transaction(async (tx) => {
      await projection.setup(tx);
      return ensureCheckpoint(tx, name, projection.version);
    });
    if (cp.version !== projection.version) {
      // The table shape changed: rebuild from the log.
      this.logger.info(`projection ${name}: version ${cp.version} -> ${projection.version}, rebuilding`);
      await this.db.transaction(async (tx) => {
        await projection.drop(tx);
        await projection.setup(tx);
        await resetCheckpoint(tx, name, projection.version);
      });
      cp = { ...cp, position: undefined, version: projection.version };
    }
    // `position`: applied (in memory); `stored`: the checkpoint row, moved by compare-and-set.
    let position = cp.position;
    let stored = cp.position;
    let storedAt = Date.now();
    this.positions.set(name, position);
    const subscription = this.store.subscribeToAll({
      after: position,
      batchSize: 500,
      eventTypes: projection.handles,
      handler: async (events) => {
        const next = events[events.length - 1].position;
        const relevant = projection.handles ? events.filter((e) => projection.handles!.has(e.type)) : events;
        // Nothing this projection shows: skip the write, store the checkpoint now and then.
        if (relevant.length > 0 || Date.now() - storedAt >= IDLE_CHECKPOINT_MS) {
          await this.db.transaction(async (tx) => {
            // Compare-and-set first: the row lock makes a second runner wait, then fail.
            await advanceCheckpoint(tx, name, stored, next);
            if (relevant.length > 0) await projection.apply(tx, relevant);
          });
          stored = next;
          storedAt = Date.now();
        }
        position = next;
        this.positions.set(name, next);
        this.events.emit(name, next);
      },
      onError: (error) => {
        this.subscriptions.delete(name);
        if (error instanceof CheckpointConflictError) {
          void this.demote(error.message);
        } else {
          this.logger.error(`projection ${name} stopped: ${String(error)}; restarting in 1 s`);
          setTimeout(() => {
            if (this.lock && !this.stopped && !this.subscriptions.has(name)) {
              void this.startProjection(projection).catch((e) => this.logger.error(String(e)));
            }
          }, 1000);
        }
      },
    });
    this.subscriptions.set(name, subscription);
  }

  /** Rebuilds asked for from another process (CLI, admin API on another instance). */
  private watchRebuildRequests(): void {
    if (this.rebuildTimer) return;
    this.rebuildTimer = setInterval(() => {
      void (async () => {
        for (const projection of this.projections) {
          const cp = await readCheckpoint(this.db, projection.name);
          if (cp?.rebuildRequested && this.lock) await this.rebuild(projection.name);
        }
      })().catch((e) => this.logger.warn(`rebuild check failed: ${String(e)}`));
    }, REBUILD_POLL_MS);
    this.rebuildTimer.unref();
  }
}

const silentLogger: RunnerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
