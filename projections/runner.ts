import { EventEmitter } from 'node:events';
import { withSpan } from '../src/observability/tracing.js';
import { isDatabaseUnavailable } from '../src/db/database-errors.js';
import type { AdvisoryLock, SqlDatabase } from '../src/db/sql.js';
import type { EventStore, GlobalPosition, Subscription } from '../src/event-store/event-store.port.js';
import { comparePositions, formatPosition } from '../src/event-store/positions.js';
import { CHECKPOINT_SCHEMA, CheckpointConflictError, advanceCheckpoint, ensureCheckpoint, readCheckpoint, resetCheckpoint } from './checkpoints.js';
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

export interface RunnerOptions {
  /** Events read per batch (and checkpoint moves per transaction); default BATCH_SIZE. */
  batchSize?: number;
  /** Most events handed to one `apply` call; default APPLY_CHUNKS for the database's dialect. */
  applyChunk?: number;
}

export interface RunnerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LAG_SCAN_LIMIT = 100_000;
/** While catching up over full batches of events a projection ignores, how long its checkpoint may trail. */
const IDLE_CHECKPOINT_MS = 1000;
/** Events per batch (one read, one transaction); a shorter batch reached the head of the log. */
export const BATCH_SIZE = 500;
/**
 * Most events per `apply` call; a batch's calls share its transaction, so rows and checkpoint
 * still commit together. PostgreSQL runs the statements in its own processes: the whole batch
 * in one call saves round trips. PGlite runs each statement on this thread without a break,
 * and a set-based apply costs in proportion to its events (a 500-row upsert took 50-95 ms on a
 * busy 2-core box, bench/projection-lag): smaller calls keep every statement well under 50 ms,
 * and PgliteDatabase gives the event loop a turn between them.
 */
export const APPLY_CHUNKS = { postgres: BATCH_SIZE, pglite: 100 } as const;
const REBUILD_POLL_MS = 1000;
/** Pace of restarts of a projection that failed while this runner kept the lock. */
const RESTART_MS = 1000;
/** Most a read-your-writes wait may run past its timeout because the database was away. */
export const OUTAGE_GRACE_MS = 30_000;

/** Runs under one leader lock: ended once, and everything it started ends with it. */
interface Tenure {
  readonly lock: AdvisoryLock;
  readonly leadership: Leadership;
  ended: boolean;
  readonly subscriptions: Map<string, Subscription>;
  /** Pending restarts of projections that failed while this tenure went on. */
  readonly timers: Set<NodeJS.Timeout>;
}

/**
 * Runs named projections against one event store, writing read models and checkpoints in
 * one transaction per batch. Several runners may point at one database: only the holder of
 * the "projections" leader lock applies events, and a checkpoint compare-and-set stops a
 * runner that lost the lock without noticing.
 *
 * Each hold of the lock is a tenure. A projection that fails during a tenure (the database went
 * away for a moment) is restarted within that tenure until it runs again; a lost lock ends the
 * tenure and everything it started, so no subscription outlives its tenure to race the next one.
 */
export class ProjectionRunner {
  private readonly events = new EventEmitter();
  private readonly positions = new Map<string, GlobalPosition | undefined>();
  private leadership: Leadership | undefined;
  private tenure: Tenure | undefined;
  private rebuildTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started!: Promise<void>;
  private markStarted!: () => void;
  private readonly batchSize: number;
  private readonly applyChunk: number;

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
    private readonly projections: readonly Projection[],
    private readonly logger: RunnerLogger = silentLogger,
    options: RunnerOptions = {},
  ) {
    this.events.setMaxListeners(0);
    this.batchSize = options.batchSize ?? BATCH_SIZE;
    this.applyChunk = options.applyChunk ?? APPLY_CHUNKS[db.dialect];
  }

  get isLeader(): boolean {
    return this.tenure !== undefined;
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
    await Promise.all([...(this.tenure?.subscriptions.values() ?? [])].map((s) => s.caughtUp));
  }

  /**
   * A deliberate stop: finish the batch in hand, then release the lock so a standby takes over
   * at once. Not a lost connection, so nothing to warn about.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const tenure = this.tenure;
    if (tenure) {
      await this.endTenure(tenure);
      this.logger.info('projections: stopped; leader lock released for a standby to take over');
    }
    await this.leadership?.stop();
    this.leadership = undefined;
  }

  /** Drops a projection's tables and replays the whole log into them. */
  async rebuild(name: string): Promise<void> {
    const projection = this.find(name);
    const tenure = this.tenure;
    const running = tenure?.subscriptions.get(name);
    tenure?.subscriptions.delete(name);
    await running?.stop();
    await this.db.transaction(async (tx) => {
      await projection.drop(tx);
      await projection.setup(tx);
      await resetCheckpoint(tx, name, projection.version);
    });
    this.positions.set(name, undefined);
    this.logger.info(`projection ${name}: rebuilding from the start of the log`);
    if (tenure && !tenure.ended && !this.stopped) await this.startProjection(tenure, projection);
  }

  /**
   * Resolves when `name` has applied the event at `position` (read-your-writes), or false
   * after `timeoutMs`. Works whether the projection runs in this process or another.
   *
   * The clock does not run while the database is away: nothing can apply the event then. A
   * wait that began before an outage gets its full `timeoutMs` again from when the database came
   * back (the leader needs a moment to recover), but never more than OUTAGE_GRACE_MS beyond
   * `timeoutMs` in all, so a request cannot hang on a long outage.
   */
  async waitFor(name: string, position: GlobalPosition, timeoutMs = 5000): Promise<boolean> {
    const reached = (p: GlobalPosition | undefined) => p !== undefined && comparePositions(p, position) >= 0;
    if (reached(this.positions.get(name))) return true;
    const began = Date.now();
    const health = this.db.health;
    const expired = (): boolean => {
      const now = Date.now();
      if (now > began + timeoutMs + OUTAGE_GRACE_MS) return true;
      if (!health) return now > began + timeoutMs;
      if (!health.available) return false;
      const back = health.recoveredAt > began ? health.recoveredAt : began;
      return now > back + timeoutMs;
    };
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
        if (expired()) return finish(false);
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
      const running = this.tenure?.subscriptions.has(projection.name) ?? false;
      // While this runner applies, its in-memory position is ahead of the stored one over
      // events the projection ignores (their checkpoint writes are deferred).
      const applied = running ? this.positions.get(projection.name) : undefined;
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
        running,
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
        if (this.stopped || this.leadership !== leadership) return void (await lock.release());
        const tenure: Tenure = { lock, leadership, ended: false, subscriptions: new Map(), timers: new Set() };
        this.tenure = tenure;
        this.logger.info('projections: this runner is the leader');
        lock.lost.catch((error: unknown) => this.stepDown(tenure, `leader lock connection lost: ${describe(error)}`));
        try {
          for (const projection of this.projections) await this.startProjection(tenure, projection);
          if (tenure.ended) return;
          this.watchRebuildRequests();
          this.markStarted();
        } catch (error) {
          await this.stepDown(tenure, `could not start projections: ${describe(error)}`);
        }
      },
      () => undefined,
    );
  }

  /** End the tenure, release the lock and campaign again (another runner may take over meanwhile). */
  private async stepDown(tenure: Tenure, reason: string): Promise<void> {
    if (tenure.ended) return;
    this.logger.warn(`projections: stepping down (${reason})`);
    await this.endTenure(tenure);
    await tenure.leadership.stop();
    if (!this.stopped) setTimeout(() => this.campaign(), 500);
  }

  private async endTenure(tenure: Tenure): Promise<void> {
    tenure.ended = true;
    if (this.tenure === tenure) this.tenure = undefined;
    for (const timer of tenure.timers) clearTimeout(timer);
    tenure.timers.clear();
    if (this.rebuildTimer) clearInterval(this.rebuildTimer);
    this.rebuildTimer = undefined;
    // What this tenure applied may not have outlived a database crash (an unflushed commit):
    // until the next tenure reads the stored checkpoints, waits trust only those.
    this.positions.clear();
    const subs = [...tenure.subscriptions.values()];
    tenure.subscriptions.clear();
    await Promise.all(subs.map((s) => s.stop()));
  }

  private async startProjection(tenure: Tenure, projection: Projection): Promise<void> {
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
    // Ended (lock lost, stop) while the checkpoint was read, or started meanwhile by a rebuild.
    if (tenure.ended || tenure.subscriptions.has(name)) return;
    // `position`: applied (in memory); `stored`: the checkpoint row, moved by compare-and-set.
    let position = cp.position;
    let stored = cp.position;
    let storedAt = Date.now();
    this.positions.set(name, position);
    const subscription: Subscription = this.store.subscribeToAll({
      after: position,
      batchSize: this.batchSize,
      eventTypes: projection.handles,
      handler: async (events) => {
        const next = events[events.length - 1].position;
        const relevant = projection.handles ? events.filter((e) => projection.handles!.has(e.type)) : events;
        // Nothing this projection shows: while catching up (full batches), skip the write and store
        // the checkpoint now and then. At the head, store it: other processes' read-your-writes
        // waits (API instances that do not lead) see only the stored checkpoint, and nothing may
        // come after this batch to carry it (at most one write per idle poll, 200 ms).
        if (relevant.length > 0 || events.length < this.batchSize || Date.now() - storedAt >= IDLE_CHECKPOINT_MS) {
          await withSpan(`projection ${name}`, { 'cairn.projection': name, 'cairn.events': events.length, 'cairn.applied': relevant.length }, () =>
            this.db.transaction(async (tx) => {
              // Compare-and-set first: the row lock makes a second runner wait, then fail.
              await advanceCheckpoint(tx, name, stored, next);
              for (let from = 0; from < relevant.length; from += this.applyChunk) {
                await projection.apply(tx, relevant.slice(from, from + this.applyChunk));
              }
            }),
          );
          stored = next;
          storedAt = Date.now();
        }
        position = next;
        if (!tenure.ended) this.positions.set(name, next);
        this.events.emit(name, next);
      },
      onError: (error) => this.projectionFailed(tenure, projection, subscription, error),
    });
    tenure.subscriptions.set(name, subscription);
  }

  private projectionFailed(tenure: Tenure, projection: Projection, subscription: Subscription, error: unknown): void {
    const { name } = projection;
    // Stopped on purpose, or already replaced: not this subscription's business any more.
    if (tenure.subscriptions.get(name) !== subscription) return;
    tenure.subscriptions.delete(name);
    if (tenure.ended) return;
    if (error instanceof CheckpointConflictError) return void this.stepDown(tenure, error.message);
    // An outage is logged once by the database adapter; a stack trace is kept for the unexpected.
    if (isDatabaseUnavailable(error)) this.logger.info(`projection ${name} paused: database unavailable; resuming when it is back`);
    else this.logger.error(`projection ${name} stopped: ${error instanceof Error ? (error.stack ?? String(error)) : String(error)}; restarting`);
    this.restartLater(tenure, projection);
  }

  /** Restarts a failed projection every RESTART_MS until it runs again or the tenure ends. */
  private restartLater(tenure: Tenure, projection: Projection): void {
    const timer = setTimeout(() => {
      tenure.timers.delete(timer);
      if (tenure.ended || tenure.subscriptions.has(projection.name)) return;
      this.startProjection(tenure, projection).catch((error: unknown) => {
        if (!isDatabaseUnavailable(error)) this.logger.error(`projection ${projection.name} could not restart: ${describe(error)}`);
        if (!tenure.ended) this.restartLater(tenure, projection);
      });
    }, RESTART_MS);
    tenure.timers.add(timer);
  }

  /** Rebuilds asked for from another process (CLI, admin API on another instance). */
  private watchRebuildRequests(): void {
    if (this.rebuildTimer) return;
    this.rebuildTimer = setInterval(() => {
      void (async () => {
        for (const projection of this.projections) {
          const cp = await readCheckpoint(this.db, projection.name);
          if (cp?.rebuildRequested && this.tenure) await this.rebuild(projection.name);
        }
      })().catch((e: unknown) => {
        if (!isDatabaseUnavailable(e)) this.logger.warn(`rebuild check failed: ${describe(e)}`);
      });
    }, REBUILD_POLL_MS);
    this.rebuildTimer.unref();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const silentLogger: RunnerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
