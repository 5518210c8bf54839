/**
 * Projection lag under load: the user-directory projection runs in-process in a
 * ProjectionRunner while sign-ups are appended open-loop at a fixed rate; per event, the time
 * from the append's acknowledgement to the commit of the runner's transaction that applied it.
 * Reference: a `SELECT 1` round trip on the same pool, sampled during the same load.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/projection-lag.js
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { PgDatabase } from '../src/db/pg-database.js';
import type { SqlDatabase } from '../src/db/sql.js';
import type { GlobalPosition } from '../src/event-store/event-store.port.js';
import { comparePositions } from '../src/event-store/positions.js';
import { SqlEventStore } from '../src/event-store/sql-event-store.js';
import { withMetadata } from '../src/shared/command-handler.js';
import type { Projection } from '../projections/projection.js';
import { APPLY_CHUNKS, BATCH_SIZE, ProjectionRunner, type RunnerOptions } from '../projections/runner.js';
import { DEFAULT_SLICE_MS, type PgliteOptions } from '../src/db/pglite-database.js';
import { userDirectoryProjection } from '../projections/user-directory/user-directory.projection.js';
import { cpuMeter, formatCpu, type CpuUse } from './support/cpu.js';
import { freshPgDatabase, serverUrl, tempPglite } from './support/databases.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio, sleep, type Distribution } from './support/stats.js';
import { benchContext, createBenchPool, newUser } from './support/user-events.js';

const TARGET_RATE = 1_000;
const WARMUP_MS = scaled(1_000);
const MEASURE_MS = scaled(10_000);
/** Open loop, but bounded: past this many appends in flight the database is not keeping up. */
const MAX_IN_FLIGHT = 256;
/** Gap between `SELECT 1` samples: often enough for a p50, rare enough not to add load. */
const PING_EVERY_MS = 10;
const TARGET_P99_MS = 100;
/** How often the server's xid-holding transactions are sampled (PostgreSQL only). */
const XID_EVERY_MS = 50;
/** The app's pool size (src/platform/platform.ts): the store and the runner share it. */
const POOL_MAX = 20;
const NAME = userDirectoryProjection.name;
/** Rounds of the PGlite stall comparison (each: the old unbounded queue, then the bounded one). */
const STALL_ROUNDS = 2;
/**
 * Sign-ups scheduled per second in the stall comparison: well above what PGlite acknowledges on
 * a 2-core box (about 1,000/s), so MAX_IN_FLIGHT appends stay queued for the whole window.
 */
const STALL_RATE = Number(process.env.BENCH_STALL_RATE ?? 3_000);
const TARGET_STALL_MS = 50;
/** How long this process's idle event loop is watched for the stall reference. */
const IDLE_LOOP_MS = MEASURE_MS;

/** How PGlite work was queued in a round of the stall comparison. */
interface QueueMode {
  label: string;
  pglite: PgliteOptions;
  runner: RunnerOptions;
}
/** Before: PGlite's own queue, handed on by promise callbacks alone, and a whole batch per apply call. */
const UNBOUNDED: QueueMode = { label: 'unbounded (before)', pglite: { sliceMs: Number.POSITIVE_INFINITY }, runner: { applyChunk: BATCH_SIZE } };
/** After, as shipped: the loop gets a turn every DEFAULT_SLICE_MS of queued work; apply calls of APPLY_CHUNKS.pglite events. */
const BOUNDED: QueueMode = { label: 'bounded (as shipped)', pglite: {}, runner: {} };

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** Garbage-collection pauses in the same window (they stop the loop whatever the queue does). */
  gc: { count: number; maxMs: number };
  /** The same delay counted in this thread's CPU time (see LoopCpuWatch). */
  cpu: { p99: number; max: number };
}

interface LagRun {
  rate: number;
  achievedPerSecond: number;
  /** Events the runner applied per second during the window (its throughput under this load). */
  appliedPerSecond: number;
  /** The appends went out on schedule and were acknowledged at (nearly) the scheduled rate. */
  appendsKeptUp: boolean;
  /** The lag stayed bounded (no backlog building up over the window). */
  projectionKeptUp: boolean;
  skipped: number;
  failed: number;
  maxInFlight: number;
  lag: Distribution;
  /** Events whose apply was never seen (should be 0). */
  missing: number;
  ack: Distribution;
  ping: Distribution;
  batches: { count: number; meanEvents: number; txMs: Distribution };
  cpu: CpuUse;
  sustained: boolean;
  /** PostgreSQL: the oldest transaction holding an xid anywhere on the server (see below). */
  oldestXid?: { maxAgeMs: number; who: string; otherDatabasesMaxMs: number };
  /** Longest stall of this process's event loop during the window. */
  eventLoopMaxMs: number;
  /** Event-loop delay over the window (monitorEventLoopDelay). */
  loop: LoopDelay;
  /** Event-loop turns PGlite's queue gave up during the window (PGlite only). */
  yields?: number;
}

interface StallRound {
  mode: QueueMode;
  run: LagRun;
}

interface StallComparison {
  /** This process's event loop with nothing to do, watched in the same run: the machine's floor. */
  idle: LoopDelay;
  rounds: StallRound[];
}

interface DatabaseResult {
  label: string;
  idlePing: Distribution;
  runs: LagRun[];
}

export async function benchProjectionLag(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const results: DatabaseResult[] = [];

  const fresh = await freshPgDatabase();
  try {
    const db = new PgDatabase({ connectionString: fresh.url, max: POOL_MAX, applicationName: 'cairn-bench' });
    try {
      results.push(await measureDatabase('PostgreSQL', db));
    } finally {
      await db.close();
    }
  } finally {
    await fresh.drop();
  }

  const lite = await tempPglite();
  let liteVersion: string;
  try {
    liteVersion = await lite.describe();
    results.push(await measureDatabase('PGlite', lite.db));
  } finally {
    await lite.dispose();
  }

  const stalls = await compareStalls();
  writeSection('projection-lag', report(results, formatMachine(machine, 'node dist/bench/projection-lag.js'), liteVersion, stalls));
}

/**
 * The embedded default under a write burst: the same open loop at STALL_RATE (more than PGlite
 * acknowledges here, so work queues up) against a fresh PGlite, in alternating rounds of the old
 * unbounded queue and the bounded one, with this process's event-loop delay measured in each.
 */
export async function compareStalls(): Promise<StallComparison> {
  const idle = await idleLoopDelay();
  const rounds: StallRound[] = [];
  for (let round = 0; round < STALL_ROUNDS; round++) {
    for (const mode of [UNBOUNDED, BOUNDED]) {
      const lite = await tempPglite(mode.pglite);
      try {
        const store = await SqlEventStore.open(lite.db);
        await createBenchPool(store);
        const clock = new ApplyClock();
        const runner = new ProjectionRunner(store, clock.database(lite.db), [clock.projection(userDirectoryProjection)], undefined, mode.runner);
        await runner.start();
        await runner.ready();
        try {
          const yields0 = lite.db.yields;
          const run = await openLoop(`PGlite, ${mode.label}, round ${round + 1}`, STALL_RATE, store, lite.db, runner, clock);
          rounds.push({ mode, run: { ...run, yields: lite.db.yields - yields0 } });
        } finally {
          await runner.stop();
        }
      } finally {
        await lite.dispose();
      }
    }
  }
  return { idle, rounds };
}

async function idleLoopDelay(): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const gc = new GcWatch();
  const cpu = new LoopCpuWatch();
  h.enable();
  await sleep(IDLE_LOOP_MS);
  h.disable();
  return loopDelay(h, gc.stop(), cpu.stop());
}

/** The histogram reports nanoseconds. */
function loopDelay(h: ReturnType<typeof monitorEventLoopDelay>, gc: LoopDelay['gc'], cpu: LoopDelay['cpu']): LoopDelay {
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, gc, cpu };
}

/** CPU time of this thread alone (Node 23.9+; not in the type definitions yet), in ms. */
function threadCpuMs(): number {
  const { user, system } = (process as unknown as { threadCpuUsage(): NodeJS.CpuUsage }).threadCpuUsage();
  return (user + system) / 1000;
}

/**
 * Event-loop delay counted in this thread's CPU time: a 1 ms timer chain notes, at every firing,
 * how much CPU this thread used since the last one beyond the timer's own millisecond. On a
 * shared machine the wall-clock delay also holds the time the kernel gave the core to other
 * processes (and GC helper threads' work); this one holds only the work this thread did without
 * letting the loop turn: what the delay would be on a core of its own. It can fall short of
 * that by the idle part of one 1 ms interval.
 */
class LoopCpuWatch {
  private readonly delays: number[] = [];
  private timer: NodeJS.Timeout;
  private lastCpu = threadCpuMs();

  constructor() {
    const tick = () => {
      const cpu = threadCpuMs();
      this.delays.push(Math.max(0, cpu - this.lastCpu - 1));
      this.lastCpu = cpu;
      this.timer = setTimeout(tick, 1);
    };
    this.timer = setTimeout(tick, 1);
  }

  stop(): LoopDelay['cpu'] {
    clearTimeout(this.timer);
    const d = distribution(this.delays);
    return { p99: d.p99, max: d.max };
  }
}

/** Garbage-collection pauses of this process from now until `stop()`. */
class GcWatch {
  private count = 0;
  private maxMs = 0;
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.count++;
      this.maxMs = Math.max(this.maxMs, entry.duration);
    }
  });
  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }
  stop(): LoopDelay['gc'] {
    this.observer.disconnect();
    return { count: this.count, maxMs: this.maxMs };
  }
}

/**
 * Records when each event's apply was committed: the projection notes the event ids of the
 * batch it applies, and the runner's database wrapper stamps them once that transaction
 * commits (the runner applies one batch per transaction, one at a time).
 */
class ApplyClock {
  readonly appliedAt = new Map<string, number>();
  readonly batchSizes: number[] = [];
  readonly txMs: number[] = [];
  recording = false;
  private pending: string[] = [];

  projection(inner: Projection): Projection {
    return {
      name: inner.name,
      version: inner.version,
      setup: (db) => inner.setup(db),
      drop: (db) => inner.drop(db),
      apply: async (tx, events) => {
        await inner.apply(tx, events);
        // The runner may apply one batch in several calls, all in its transaction.
        for (const e of events) this.pending.push(e.metadata.eventId);
      },
    };
  }

  database(inner: SqlDatabase): SqlDatabase {
    return {
      dialect: inner.dialect,
      query: (text, params) => inner.query(text, params),
      queryPrepared: (text, params) => inner.queryPrepared(text, params),
      transaction: async (fn) => {
        const t0 = performance.now();
        this.pending = [];
        try {
          const result = await inner.transaction(fn);
          const t1 = performance.now();
          for (const id of this.pending) this.appliedAt.set(id, t1);
          if (this.recording && this.pending.length > 0) {
            this.batchSizes.push(this.pending.length);
            this.txMs.push(t1 - t0);
          }
          return result;
        } finally {
          this.pending = [];
        }
      },
      exec: (script) => inner.exec(script),
      listen: (channel, onNotify) => inner.listen(channel, onNotify),
      tryAdvisoryLock: (key) => inner.tryAdvisoryLock(key),
      close: () => inner.close(),
    };
  }
}

async function measureDatabase(label: string, db: SqlDatabase): Promise<DatabaseResult> {
  const store = await SqlEventStore.open(db);
  await createBenchPool(store);
  const clock = new ApplyClock();
  const runner = new ProjectionRunner(store, clock.database(db), [clock.projection(userDirectoryProjection)]);
  await runner.start();
  await runner.ready();
  try {
    // Unloaded round trip first: it says how much of the loaded one is queueing.
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await db.query('SELECT 1');
      idle.push(performance.now() - t0);
    }
    const runs: LagRun[] = [];
    let run = await openLoop(label, TARGET_RATE, store, db, runner, clock);
    runs.push(run);
    if (!run.sustained) {
      // Find out what it does sustain: a second run a little under what the slower side managed.
      const managed = Math.min(run.achievedPerSecond, run.appliedPerSecond);
      const lower = Math.max(10, Math.floor((managed * 0.8) / 10) * 10);
      run = await openLoop(label, lower, store, db, runner, clock);
      runs.push(run);
    }
    return { label, idlePing: distribution(idle), runs };
  } finally {
    await runner.stop();
  }
}

async function openLoop(label: string, rate: number, store: SqlEventStore, db: SqlDatabase, runner: ProjectionRunner, clock: ApplyClock): Promise<LagRun> {
  console.log(`projection lag (${label}): ${rate} sign-ups/s for ${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`);
  const ackAt = new Map<string, number>();
  const ackMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let head: GlobalPosition | undefined;
  let skipped = 0;
  let failed = 0;
  let maxInFlight = 0;
  let userNo = Math.floor(Math.random() * 1e9);

  const start = performance.now();
  const measureFrom = start + WARMUP_MS;
  const end = measureFrom + MEASURE_MS;

  const launch = (measured: boolean) => {
    const user = newUser(userNo++, false);
    const events = withMetadata(user.events, benchContext, new Date());
    const t0 = performance.now();
    const p = store.append(user.streamId, events, { expectedRevision: 'no_stream' }).then(
      (r) => {
        const t1 = performance.now();
        if (measured) {
          ackAt.set(events[0].metadata.eventId, t1);
          ackMs.push(t1 - t0);
        }
        if (!head || comparePositions(r.position, head) > 0) head = r.position;
      },
      () => void (measured && failed++),
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    maxInFlight = Math.max(maxInFlight, inFlight.size);
  };

  // Round trips on the same pool while the load runs: the floor any lag is compared with.
  const pings: number[] = [];
  const pinger = (async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await db.query('SELECT 1');
      if (t0 >= measureFrom) pings.push(performance.now() - t0);
      await sleep(PING_EVERY_MS);
    }
  })();

  // The store only shows events of transactions older than the server's oldest running one,
  // and that horizon is server-wide: any transaction holding an xid, in this database or
  // another, holds back the runner while it lasts. Sample who that is, to explain the tail.
  let oldest: { ageMs: number; who: string } = { ageMs: 0, who: 'none' };
  let otherDatabasesMaxMs = 0;
  let xidSamples = 0;
  const xidWatch = (async () => {
    if (db.dialect !== 'postgres') return;
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await db
        .query<{ age_ms: number; same_db: boolean; backend_type: string; application_name: string }>(
          `SELECT extract(epoch FROM clock_timestamp() - xact_start) * 1000 AS age_ms,
                  datname IS NOT DISTINCT FROM current_database() AS same_db, backend_type, application_name
             FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY age_ms DESC`,
        )
        .catch(() => undefined);
      if (t0 >= measureFrom && r) {
        xidSamples++;
        const top = r.rows[0];
        if (top && Number(top.age_ms) > oldest.ageMs) {
          const app = top.application_name || top.backend_type;
          oldest = { ageMs: Number(top.age_ms), who: `${top.same_db ? 'this database' : 'another database'}, ${app}` };
        }
        for (const row of r.rows) if (!row.same_db) otherDatabasesMaxMs = Math.max(otherDatabasesMaxMs, Number(row.age_ms));
      }
      await sleep(XID_EVERY_MS);
    }
  })();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  // Open loop: the schedule is fixed by the clock, not by acknowledgements. When the timer
  // fires late (a busy event loop), the appends that fell due meanwhile go out together.
  let sent = 0;
  let meter: ReturnType<typeof cpuMeter> | undefined;
  let gcWatch: GcWatch | undefined;
  let cpuWatch: LoopCpuWatch | undefined;
  for (;;) {
    const now = performance.now();
    if (now >= measureFrom && !meter) {
      meter = cpuMeter();
      gcWatch = new GcWatch();
      cpuWatch = new LoopCpuWatch();
      loopDelay.enable();
      clock.recording = true;
    }
    if (now >= end) break;
    const due = Math.floor(((now - start) / 1000) * rate);
    for (; sent < due; sent++) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        if (now >= measureFrom) skipped++;
        continue;
      }
      launch(now >= measureFrom);
    }
    await sleep(1);
  }
  const cpu: CpuUse = (meter ?? cpuMeter()).stop();
  const gc = (gcWatch ?? new GcWatch()).stop();
  const loopCpu = (cpuWatch ?? new LoopCpuWatch()).stop();
  loopDelay.disable();
  clock.recording = false;
  await Promise.all(inFlight);
  await pinger;
  await xidWatch;
  // Every acknowledged event must show up in the read model.
  const caughtUp = head ? await runner.waitFor(NAME, head, 60_000) : true;
  const lags: number[] = [];
  let missing = 0;
  for (const [id, acked] of ackAt) {
    const applied = clock.appliedAt.get(id);
    // The runner can commit before this process has run the append's callback: lag 0.
    if (applied === undefined) missing++;
    else lags.push(Math.max(0, applied - acked));
  }
  clock.appliedAt.clear();
  const batchSizes = clock.batchSizes.splice(0);
  const txMs = clock.txMs.splice(0);
  const lag = distribution(lags);
  const achievedPerSecond = ackAt.size / (MEASURE_MS / 1000);
  const appliedPerSecond = batchSizes.reduce((a, b) => a + b, 0) / (MEASURE_MS / 1000);
  const appendsKeptUp = failed === 0 && skipped <= rate * (MEASURE_MS / 1000) * 0.01 && achievedPerSecond >= rate * 0.95;
  const projectionKeptUp = lag.max < 2_000;
  return {
    rate,
    achievedPerSecond,
    appliedPerSecond,
    appendsKeptUp,
    projectionKeptUp,
    skipped,
    failed,
    maxInFlight,
    lag,
    missing: caughtUp ? missing : ackAt.size,
    ack: distribution(ackMs),
    ping: distribution(pings),
    batches: {
      count: batchSizes.length,
      meanEvents: batchSizes.reduce((a, b) => a + b, 0) / Math.max(1, batchSizes.length),
      txMs: distribution(txMs),
    },
    cpu,
    sustained: appendsKeptUp && projectionKeptUp,
    oldestXid: xidSamples > 0 ? { maxAgeMs: oldest.ageMs, who: oldest.who, otherDatabasesMaxMs } : undefined,
    // The histogram reports nanoseconds.
    eventLoopMaxMs: loopDelay.max / 1e6,
    loop: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6, gc, cpu: loopCpu },
  };
}

function report(results: DatabaseResult[], machine: string, liteVersion: string, stalls: StallComparison): string {
  const rows = results.flatMap((r) =>
    r.runs.map((run) => [
      r.label,
      `${num(run.rate)}/s → ${num(run.achievedPerSecond)}/s${run.sustained ? '' : ' (not sustained)'}; applied ${num(run.appliedPerSecond)}/s`,
      `**${ms(run.lag.p50)}** / **${ms(run.lag.p99)}** / ${ms(run.lag.max)}`,
      ms(run.ping.p50),
      `**${ratio(run.lag.p50, run.ping.p50)}**`,
      `${ms(run.ack.p50)} / ${ms(run.ack.p99)}`,
      `${num(run.batches.count)} × ${run.batches.meanEvents.toFixed(1)} events, ${ms(run.batches.txMs.p50)} / ${ms(run.batches.txMs.p99)}`,
      `${num(run.skipped)} / ${num(run.failed)} / ${num(run.missing)}`,
      run.oldestXid ? `${ms(run.oldestXid.maxAgeMs)} (${run.oldestXid.who}); other databases ${ms(run.oldestXid.otherDatabasesMaxMs)}` : 'n/a',
      `${ms(run.loop.p99)} / ${ms(run.loop.max)}`,
      formatCpu(run.cpu),
    ]),
  );
  const table = markdownTable(
    [
      'Database',
      'Sign-ups scheduled → acknowledged; applied in the window',
      'Lag p50 / p99 / max',
      'Reference: SELECT 1 p50 (same pool, under load)',
      'Ratio (lag p50 / SELECT 1 p50)',
      'Append ack p50 / p99',
      'Runner batches: count × mean size, tx p50 / p99',
      'Skipped / failed / never applied',
      'Oldest xid-holding transaction seen on the server (whose)',
      'Event-loop delay p99 / max',
      'CPU',
    ],
    rows,
  );
  const idle = results.map((r) => `${r.label} ${ms(r.idlePing.p50)}`).join(', ');

  const notes: string[] = [];
  const pgRuns = results.find((r) => r.label === 'PostgreSQL')?.runs ?? [];
  const pg = pgRuns[0];
  if (pg) {
    const met = pg.sustained && pg.lag.p99 <= TARGET_P99_MS;
    notes.push(
      `Target lag p99 ≤ ${TARGET_P99_MS} ms at ${num(TARGET_RATE)} events/s on PostgreSQL: ` +
        (met
          ? `**met** (p99 ${ms(pg.lag.p99)}).`
          : `**not met** (p99 ${ms(pg.lag.p99)}` +
            (pg.appendsKeptUp ? '' : `; only ${num(pg.achievedPerSecond)} appends/s were acknowledged`) +
            (pg.projectionKeptUp ? '' : `; the projection applied ${num(pg.appliedPerSecond)} events/s and fell behind`) +
            `).`),
    );
    if (!pg.appendsKeptUp) {
      notes.push(
        `At ${num(pg.rate)}/s the appends themselves fell behind (acknowledged ${num(pg.achievedPerSecond)}/s, ack p50 ` +
          `${ms(pg.ack.p50)}, up to ${num(pg.maxInFlight)} in flight, ${num(pg.skipped)} not sent at the cap): the write path ` +
          `is a limit on this box (see Appends), and the runner then waits for connections in the same pool of ` +
          `${POOL_MAX} as the queued appends.`,
      );
    }
    const steady = pgRuns.find((r) => r.sustained);
    if (steady) {
      const at = steady === pg ? '' : ` (at ${num(steady.rate)}/s, which it sustained)`;
      notes.push(
        `Where the lag goes${at}: after an append commits, its NOTIFY wakes the runner's LISTEN connection, the ` +
          `runner reads the log (only events of transactions older than every running one are visible, so one ` +
          `slow in-flight append holds back all later ones), then applies the batch in one transaction ` +
          `(p50 ${ms(steady.batches.txMs.p50)}, p99 ${ms(steady.batches.txMs.p99)}, mean ${steady.batches.meanEvents.toFixed(1)} events; ` +
          `the user directory costs a pool lookup and an upsert per sign-up, each a round trip). Lag p50 ` +
          `${ms(steady.lag.p50)} is ${ratio(steady.lag.p50, steady.ping.p50)} a SELECT 1 round trip on the loaded pool, and ` +
          `the apply transaction accounts for ${ms(steady.batches.txMs.p50)} of it at the median; the rest is waiting ` +
          `(for the wake-up, for older appends to finish so the event becomes visible, for the previous batch). ` +
          `This benchmark does not split that waiting further.`,
      );
      notes.push(
        steady.lag.p99 > steady.lag.p50 * 5
          ? `The tail (p99 ${ms(steady.lag.p99)} against p50 ${ms(steady.lag.p50)}, batch transaction p99 ` +
              `${ms(steady.batches.txMs.p99)}) is stalls rather than steady cost. Seen during the run: the oldest ` +
              `xid-holding transaction on the server lasted ${ms(steady.oldestXid?.maxAgeMs ?? Number.NaN)} ` +
              `(${steady.oldestXid?.who ?? 'n/a'}), which holds back every reader while it lasts, and this process's ` +
              `event loop stalled for up to ${ms(steady.eventLoopMaxMs)}. Whatever of the tail neither explains is ` +
              `the runner's own statements queueing for CPU on a shared 2-core box (machine ` +
              `${steady.cpu.machinePct.toFixed(0)}% busy, neighbours included).`
          : `The tail stays within ${(steady.lag.p99 / Math.max(steady.lag.p50, 0.001)).toFixed(1)}× the median: the runner keeps ` +
              `up without building a backlog.`,
      );
    } else {
      // The projection is the one that fell behind: say how far short its throughput was.
      const worst = pgRuns.find((r) => !r.projectionKeptUp) ?? pg;
      const perEvent = worst.batches.txMs.p50 / Math.max(1, worst.batches.meanEvents);
      notes.push(
        `No rate tried on PostgreSQL (${pgRuns.map((r) => `${num(r.rate)}/s`).join(', ')}) was sustained. ` +
          (worst.projectionKeptUp
            ? ''
            : `At ${num(worst.rate)}/s the projection applied only ${num(worst.appliedPerSecond)} events/s during the window ` +
              `while ${num(worst.achievedPerSecond)}/s were appended, so a backlog grew (lag max ${ms(worst.lag.max)}): ` +
              `the percentiles say how far behind it fell, not how fast it applies. Its batches were full ` +
              `(mean ${worst.batches.meanEvents.toFixed(0)} events, p50 ${ms(worst.batches.txMs.p50)} each, ` +
              `${ms(perEvent)} per event). `) +
          `The runner applies one statement at a time over one connection, so with the machine saturated ` +
          `(${worst.cpu.machinePct.toFixed(0)}% busy, neighbours included) each of its round trips queues for CPU behind ` +
          `the writers' backends; compare the per-event cost in the rebuild section, measured without concurrent writers.`,
      );
    }
    const longest = Math.max(0, ...pgRuns.map((r) => r.oldestXid?.otherDatabasesMaxMs ?? 0));
    if (longest >= 50) {
      notes.push(
        `Transactions in other databases on this server held an xid for up to ${ms(longest)} during the runs. The ` +
          `store shows only events of transactions older than the server's oldest running one ` +
          `(\`pg_snapshot_xmin(pg_current_snapshot())\`), and that horizon is server-wide, so each of those ` +
          `transactions held back this database's runner while it lasted: a lag source outside the app, and a ` +
          `likely part of the tail here. In production, a long transaction anywhere on the event store's server ` +
          `(another application, a migration, a report) delays every projection and read-your-writes wait; give the ` +
          `event store a server of its own, or document the coupling.`,
      );
    }
    notes.push(
      `Next steps: apply a batch with set-based SQL (one multi-row upsert per event type, the pool looked up ` +
        `once per batch) so a batch costs a few round trips whatever its size; give the runner its own ` +
        `connection instead of a share of the API's pool, so a write burst cannot starve it; then measure on a ` +
        `machine where ${num(TARGET_RATE)} appends/s leave CPU to spare.`,
    );
  }
  const lite = results.find((r) => r.label === 'PGlite');
  if (lite) {
    const best = lite.runs.find((r) => r.sustained);
    const first = lite.runs[0];
    notes.push(
      best
        ? `PGlite sustains ${num(best.rate)} sign-ups/s with the projection in-process (lag p50 ${ms(best.lag.p50)}, ` +
            `p99 ${ms(best.lag.p99)})` +
            (best === first ? '.' : `; at ${num(first.rate)}/s it acknowledged only ${num(first.achievedPerSecond)}/s.`)
        : `PGlite did not sustain ${lite.runs.map((r) => `${num(r.rate)}/s`).join(' or ')} (acknowledged ` +
            `${lite.runs.map((r) => `${num(r.achievedPerSecond)}/s`).join(', ')}); its appends and the projection share ` +
            `one single-threaded WASM engine on the main thread, so under load the lag is queueing.`,
    );
  }

  return `## Projection lag under load (user directory, in-process runner)

${machine}
- ${liteVersion}${scaleNote()}
- Open loop: sign-ups (\`UserSignedUp\` to a new \`user-<pool>-<sub>\` stream, one append each) are scheduled
  at a fixed rate by the clock, whatever the acknowledgements do (at most ${MAX_IN_FLIGHT} in flight); ${WARMUP_MS / 1000} s
  warm-up, then ${MEASURE_MS / 1000} s measured. The store and the runner share one pool of ${POOL_MAX}, as in the app.
- Lag = commit of the runner transaction that applied the event − the append's acknowledgement, both seen in
  this process (the projection's \`apply\` is wrapped to note event ids; the runner's database wrapper stamps
  them at commit). PGlite is tried at ${num(TARGET_RATE)}/s, then at 80% of what it acknowledged if it fell short.
- Reference: \`SELECT 1\` round trip on the same pool, sampled every ${PING_EVERY_MS} ms during the same window
  (unloaded, before the run: ${idle}).
- Diagnostics: on PostgreSQL, \`pg_stat_activity\` is sampled every ${XID_EVERY_MS} ms for the oldest transaction holding an
  xid anywhere on the server (readers only see events older than it, server-wide); and this process's event-loop
  delay is monitored (a stalled loop delays acknowledgements, wake-ups and applies alike).

${table}

**What this means / next steps**

${notes.map((n) => `- ${n}`).join('\n')}

${stallReport(stalls)}
`;
}

function stallReport(stalls: StallComparison): string {
  const merged = (mode: QueueMode) => {
    const runs = stalls.rounds.filter((r) => r.mode === mode).map((r) => r.run);
    const mean = (f: (r: LagRun) => number) => runs.reduce((a, r) => a + f(r), 0) / Math.max(1, runs.length);
    return {
      p99: Math.max(...runs.map((r) => r.loop.p99)),
      max: Math.max(...runs.map((r) => r.loop.max)),
      gcMax: Math.max(...runs.map((r) => r.loop.gc.maxMs)),
      cpuP99: Math.max(...runs.map((r) => r.loop.cpu.p99)),
      cpuMax: Math.max(...runs.map((r) => r.loop.cpu.max)),
      acked: mean((r) => r.achievedPerSecond),
      applied: mean((r) => r.appliedPerSecond),
      lagP50: Math.max(...runs.map((r) => r.lag.p50)),
      lagP99: Math.max(...runs.map((r) => r.lag.p99)),
    };
  };
  const before = merged(UNBOUNDED);
  const after = merged(BOUNDED);
  const rows = stalls.rounds.map(({ mode, run }, i) => [
    `${Math.floor(i / 2) + 1}`,
    mode.label,
    `${ms(run.loop.p50)} / **${ms(run.loop.p99)}** / **${ms(run.loop.max)}**`,
    `${ratio(run.loop.p99, stalls.idle.p99)} / ${ratio(run.loop.max, stalls.idle.max)}`,
    `${ms(run.loop.gc.maxMs)} (${num(run.loop.gc.count)} pauses)`,
    `**${ms(run.loop.cpu.p99)}** / **${ms(run.loop.cpu.max)}**`,
    `${num(run.achievedPerSecond)}/s; applied ${num(run.appliedPerSecond)}/s`,
    `${ms(run.lag.p50)} / ${ms(run.lag.p99)}`,
    `${num(run.batches.count)} × ${run.batches.meanEvents.toFixed(1)} events, tx p99 ${ms(run.batches.txMs.p99)}`,
    run.yields === undefined ? 'n/a' : num(run.yields),
    formatCpu(run.cpu),
  ]);
  const table = markdownTable(
    [
      'Round',
      'PGlite queue',
      'Event-loop delay p50 / p99 / max',
      'Ratio to the idle loop (p99 / max)',
      'Longest GC pause in the window',
      'Delay in main-thread CPU time p99 / max',
      'Sign-ups acknowledged; applied',
      'Lag p50 / p99',
      'Runner batches, tx p99',
      'Loop turns given up',
      'CPU',
    ],
    rows,
  );
  const met = after.max <= TARGET_STALL_MS;
  const p99met = after.p99 <= TARGET_STALL_MS;
  const cpuMet = after.cpuMax <= TARGET_STALL_MS;
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  return `### The embedded default under a write burst: event-loop stalls

- The same open loop (${num(STALL_RATE)} sign-ups/s scheduled, at most ${MAX_IN_FLIGHT} appends in flight, more than PGlite
  acknowledges on this box, so work queues) against a fresh PGlite with the user directory running in-process, in
  ${STALL_ROUNDS} alternating rounds of: **unbounded** (before: PGlite's own queue, which hands each queued statement on by
  promise callbacks alone so the loop never turns while work is queued, and each ${BATCH_SIZE}-event batch applied in one call)
  and **bounded** (as shipped: \`PgliteDatabase\` queues every call itself and yields with setImmediate once
  ${DEFAULT_SLICE_MS} ms of queued work ran without a break, also between a transaction's statements; the runner applies
  a PGlite batch in calls of at most ${APPLY_CHUNKS.pglite} events within its transaction, so no set-based statement grows with the backlog).
- Event-loop delay: \`perf_hooks.monitorEventLoopDelay\` (10 ms resolution) over each ${MEASURE_MS / 1000} s window.
  Reference: the same process's idle loop watched for ${IDLE_LOOP_MS / 1000} s in the same run (p50 / p99 / max
  ${ms(stalls.idle.p50)} / ${ms(stalls.idle.p99)} / ${ms(stalls.idle.max)}, longest GC pause ${ms(stalls.idle.gc.maxMs)}): what the shared
  machine alone costs. GC pauses in each window are seen with a \`PerformanceObserver\` on \`gc\` entries: they stop
  the loop whatever the queue does. The same delay is also counted in main-thread CPU time (a 1 ms timer chain notes the
  thread's CPU use, \`process.threadCpuUsage()\`, between firings, less the timer's own millisecond): the wall-clock delay
  also holds whatever time the kernel gave this core to other processes, this one only the work this thread did without
  letting the loop turn, which is what the stall would be on a core of its own (idle reference: p99 / max
  ${ms(stalls.idle.cpu.p99)} / ${ms(stalls.idle.cpu.max)}).

${table}

- Target: event-loop stalls ≤ ${TARGET_STALL_MS} ms under the burst. Bounded, worst over its rounds: in main-thread CPU time
  max ${ms(after.cpuMax)} (${verdict(cpuMet)}; unbounded ${ms(before.cpuMax)}, ${ratio(before.cpuMax, after.cpuMax)} the bounded max); wall clock p99 ${ms(after.p99)}
  (${verdict(p99met)}) and max ${ms(after.max)} (${verdict(met)}${met ? '' : `; the longest GC pause in those rounds was ${ms(after.gcMax)}, and the idle loop alone reached ${ms(stalls.idle.max)}`}),
  against unbounded in the same run p99 ${ms(before.p99)}, max ${ms(before.max)} (${ratio(before.max, after.max)} the bounded max). Acknowledged ${num(after.acked)}/s bounded against
  ${num(before.acked)}/s unbounded (applied ${num(after.applied)}/s against ${num(before.applied)}/s): the turns given up cost
  ${after.acked >= before.acked ? 'no' : `${(100 * (1 - after.acked / Math.max(1, before.acked))).toFixed(0)}% of the`} write rate.
- What stalled the loop before: a queue of up to ${MAX_IN_FLIGHT} appends (one PGlite statement each, about a millisecond)
  drained in one go, since PGlite resolves each and starts the next within the same promise chain; and the runner's
  ${BATCH_SIZE}-event applies, whose multi-row upsert grows with the batch. What is left in the bounded max is one
  slice plus the longest single statement, plus whatever the machine's neighbours take (see the idle reference).
- The price, under a burst this far past capacity: projection lag p50 / p99 ${ms(after.lagP50)} / ${ms(after.lagP99)} bounded against
  ${ms(before.lagP50)} / ${ms(before.lagP99)} unbounded (worst round of each). The queue is first come, first served in both; bounded,
  the open loop tops the queue up to ${MAX_IN_FLIGHT} appends at every turn the loop gets, so the runner's read and then its
  transaction each wait behind a full queue; unbounded, no append joins while a queue drains. The lag is queueing
  behind writes that exceed what the engine does, and ends with the burst; at a rate PGlite sustains (the table above) it stays bounded. Next step if bursts like this matter: a lane of
  its own in the queue for the runner's read and transaction (taken before queued appends), so a write burst
  cannot hold the read model back by two queue lengths.
`;
}

if (isMain(import.meta.url)) runAlone(benchProjectionLag);
