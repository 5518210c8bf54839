/**
 * Rebuild rate: `runner.rebuild('user_directory')` over a log of 100,000 events (50,000 users ×
 * UserSignedUp + UserConfirmed), until the runner has caught up, in events/s. Reference: a raw
 * scan of the same log with `store.readAll` in batches of 500, without applying anything.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/rebuild.js
 */
import { PgDatabase } from '../src/db/pg-database.js';
import type { SqlDatabase } from '../src/db/sql.js';
import type { GlobalPosition } from '../src/event-store/event-store.port.js';
import { SqlEventStore } from '../src/event-store/sql-event-store.js';
import { withMetadata } from '../src/shared/command-handler.js';
import { CHECKPOINT_SCHEMA, advanceCheckpoint, resetCheckpoint } from '../projections/checkpoints.js';
import type { Projection } from '../projections/projection.js';
import { ProjectionRunner } from '../projections/runner.js';
import { USERS_TABLE, userDirectoryProjection } from '../projections/user-directory/user-directory.projection.js';
import { cpuMeter, formatCpu, type CpuUse } from './support/cpu.js';
import { freshPgDatabase, serverUrl, tempPglite } from './support/databases.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { bulkAppendNewStreams, type NewStream } from './support/seed.js';
import { markdownTable, num, ratio } from './support/stats.js';
import { benchContext, createBenchPool, newUser } from './support/user-events.js';

/**
 * Users (2 events each): PostgreSQL replays the target's million events itself rather than an
 * extrapolation; PGlite (the embedded default, one thread) a tenth of that.
 */
const USERS = { PostgreSQL: scaled(500_000), PGlite: scaled(50_000) } as const;
/** Users (2 events each) written per seeding transaction. */
const SEED_CHUNK = 1_000;
/** PGlite is skipped (and the report says so) when seeding alone would take longer than this. */
const SEED_BUDGET_MS = 120_000;
/** A rebuild still running after this long is stopped and reported as a partial rate. */
const REBUILD_BUDGET_MS = 180_000;
const SCAN_BATCH = 500;
const TARGET_EVENTS = 1_000_000;
const TARGET_SECONDS = 30;
const NAME = userDirectoryProjection.name;

interface Scan {
  events: number;
  perSecond: number;
  cpu: CpuUse;
}

interface DatabaseResult {
  label: string;
  events: number;
  seedPerSecond: number;
  rebuildSeconds: number;
  rebuildPerSecond: number;
  rebuildCpu: CpuUse;
  scans: Scan[];
  /** Mean of the scans before and after the rebuild. */
  scanPerSecond: number;
  usersAfter: number;
  confirmedAfter: number;
}

type Outcome = { ok: true; result: DatabaseResult } | { ok: false; label: string; reason: string };

export async function benchRebuild(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const outcomes: Outcome[] = [];

  const fresh = await freshPgDatabase();
  try {
    const db = new PgDatabase({ connectionString: fresh.url, max: 8, applicationName: 'cairn-bench' });
    try {
      outcomes.push(await measureDatabase('PostgreSQL', db, USERS.PostgreSQL));
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
    outcomes.push(await measureDatabase('PGlite', lite.db, USERS.PGlite));
  } finally {
    await lite.dispose();
  }

  writeSection('rebuild', report(outcomes, formatMachine(machine, 'node dist/bench/rebuild.js'), liteVersion));
}

async function measureDatabase(label: string, db: SqlDatabase, users: number): Promise<Outcome> {
  const store = await SqlEventStore.open(db);
  await createBenchPool(store);

  // Seed: a thousand users per transaction (see support/seed.ts for why not store.append).
  console.log(`rebuild (${label}): seeding ${num(users)} users (${num(users * 2 + 1)} events)`);
  const seedStart = performance.now();
  for (let first = 0; first < users; first += SEED_CHUNK) {
    const streams: NewStream[] = [];
    for (let n = first; n < Math.min(users, first + SEED_CHUNK); n++) {
      const user = newUser(n, true);
      streams.push({ streamId: user.streamId, events: withMetadata(user.events, benchContext, new Date()) });
    }
    await bulkAppendNewStreams(db, streams);
    const elapsed = performance.now() - seedStart;
    const projected = (elapsed / (first + SEED_CHUNK)) * users;
    if (projected > SEED_BUDGET_MS) {
      return {
        ok: false,
        label,
        reason:
          `seeding ran at ${num(((first + SEED_CHUNK) * 2) / (elapsed / 1000))} events/s, so the ${num(users * 2)} events ` +
          `would take ${num(projected / 1000)} s, over the ${SEED_BUDGET_MS / 1000} s budget`,
      };
    }
  }
  const events = users * 2 + 1;
  const seedPerSecond = events / ((performance.now() - seedStart) / 1000);
  // A long-lived log has been vacuumed: hint bits set, statistics current. Without this the
  // first reader pays for setting hint bits on every fresh row, which is not what a rebuild sees.
  await db.query('VACUUM ANALYZE es_events');
  await db.query('VACUUM ANALYZE es_streams');

  // Start the runner with its checkpoint at the head, so the timed rebuild is the only replay.
  const head = await store.headPosition();
  if (!head) throw new Error('seeding wrote nothing');
  await db.exec(CHECKPOINT_SCHEMA);
  await db.transaction(async (tx) => {
    await resetCheckpoint(tx, NAME, userDirectoryProjection.version);
    await advanceCheckpoint(tx, NAME, undefined, head);
  });
  const budget = new RebuildBudget();
  const runner = new ProjectionRunner(store, db, [budget.wrap(userDirectoryProjection)]);
  await runner.start();
  await runner.ready();
  try {
    // Scan before and after the rebuild: their mean is the reference, so a neighbour's burst
    // during one of them moves the reference less.
    const scans: Scan[] = [];
    console.log(`rebuild (${label}): reference scan`);
    scans.push(await scanLog(store));

    console.log(`rebuild (${label}): rebuilding ${NAME}`);
    const meter = cpuMeter();
    const t0 = performance.now();
    budget.start(t0 + REBUILD_BUDGET_MS);
    await runner.rebuild(NAME);
    await runner.ready();
    const rebuildSeconds = (performance.now() - t0) / 1000;
    const rebuildCpu = meter.stop();
    budget.stop();
    if (budget.exceeded) {
      // The runner stopped the projection on the budget error; count what it had applied.
      await runner.stop();
      const applied = budget.applied;
      return {
        ok: false,
        label,
        reason:
          `the rebuild was stopped after ${REBUILD_BUDGET_MS / 1000} s with ${num(applied)} of ${num(events)} events applied ` +
          `(${num(applied / rebuildSeconds)} events/s; the whole log would take ${num(events / (applied / rebuildSeconds))} s)`,
      };
    }

    console.log(`rebuild (${label}): reference scan again`);
    scans.push(await scanLog(store));

    const counts = await db.query<{ users: string; confirmed: string }>(
      `SELECT count(*)::text AS users, count(*) FILTER (WHERE status = 'CONFIRMED')::text AS confirmed FROM ${USERS_TABLE}`,
    );
    const lag = await runner.lag();
    if (lag[0]?.eventsBehind !== 0) throw new Error(`rebuild left ${lag[0]?.eventsBehind} events unapplied`);
    return {
      ok: true,
      result: {
        label,
        events,
        seedPerSecond,
        rebuildSeconds,
        rebuildPerSecond: events / rebuildSeconds,
        rebuildCpu,
        scans,
        scanPerSecond: scans.reduce((a, s) => a + s.perSecond, 0) / scans.length,
        usersAfter: Number(counts.rows[0].users),
        confirmedAfter: Number(counts.rows[0].confirmed),
      },
    };
  } finally {
    await runner.stop();
  }
}

/**
 * Stops a rebuild that runs over its budget, checked from inside `apply` (a timer would not
 * fire while PGlite keeps the event loop busy with microtasks). The runner treats the error
 * as a failed batch: the transaction rolls back and the projection stops.
 */
class RebuildBudget {
  applied = 0;
  exceeded = false;
  private deadline = Number.POSITIVE_INFINITY;

  start(deadline: number): void {
    this.deadline = deadline;
    this.applied = 0;
    this.exceeded = false;
  }

  stop(): void {
    this.deadline = Number.POSITIVE_INFINITY;
  }

  wrap(inner: Projection): Projection {
    return {
      name: inner.name,
      version: inner.version,
      setup: (db) => inner.setup(db),
      drop: (db) => inner.drop(db),
      apply: async (tx, events) => {
        if (performance.now() > this.deadline) {
          this.exceeded = true;
          throw new Error('rebuild budget exceeded');
        }
        await inner.apply(tx, events);
        this.applied += events.length;
      },
    };
  }
}

/** Reads the whole log in global order, as the runner's subscription does, applying nothing. */
async function scanLog(store: SqlEventStore): Promise<Scan> {
  const meter = cpuMeter();
  const t0 = performance.now();
  let after: GlobalPosition | undefined;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: SCAN_BATCH });
    if (batch.length === 0) break;
    events += batch.length;
    after = batch[batch.length - 1].position;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { events, perSecond: events / seconds, cpu: meter.stop() };
}

function report(outcomes: Outcome[], machine: string, liteVersion: string): string {
  const done = outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok).map((o) => o.result);
  const skipped = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  const table = markdownTable(
    [
      'Database',
      'Events',
      'Rebuild',
      'Rebuild events/s',
      'Reference: readAll scan events/s',
      'Ratio',
      '1M events extrapolated',
      'CPU during rebuild',
      'Seeding events/s',
    ],
    done.map((r) => [
      r.label,
      num(r.events),
      `${r.rebuildSeconds.toFixed(1)} s`,
      `**${num(r.rebuildPerSecond)}**`,
      `${num(r.scanPerSecond)} (${r.scans.map((s) => num(s.perSecond)).join(' / ')})`,
      `**${ratio(r.rebuildPerSecond, r.scanPerSecond)}**`,
      `${num(TARGET_EVENTS / r.rebuildPerSecond)} s`,
      formatCpu(r.rebuildCpu),
      num(r.seedPerSecond),
    ]),
  );

  const notes: string[] = [];
  const pg = done.find((r) => r.label === 'PostgreSQL');
  const targetRate = TARGET_EVENTS / TARGET_SECONDS;
  const met = pg !== undefined && pg.rebuildPerSecond >= targetRate;
  if (pg) {
    notes.push(
      `Target 1M events ≤ ${TARGET_SECONDS} s (≥ ${num(targetRate)} events/s): ${num(pg.events)} events rebuilt in ` +
        `${num(pg.rebuildSeconds, 1)} s (${num(pg.rebuildPerSecond)} events/s), so ` +
        (met ? `**met**` : `**not met** (${((pg.rebuildPerSecond / targetRate) * 100).toFixed(0)}% of the rate needed)`) +
        (pg.events >= TARGET_EVENTS
          ? `, measured on a log of the target's size.`
          : `, extrapolated from a smaller log (${num(TARGET_EVENTS / pg.rebuildPerSecond)} s for 1M).`),
    );
    notes.push(
      `Reading alone runs at ${num(pg.scanPerSecond)} events/s (${ratio(pg.scanPerSecond, targetRate)} of the target rate), ` +
        `so the log scan is ${pg.scanPerSecond >= targetRate ? 'not' : 'already'} the limit; ` +
        `the rebuild reaches ${ratio(pg.rebuildPerSecond, pg.scanPerSecond)} of it. ` +
        `The difference is the apply. The user directory folds each batch in memory and writes it set-based: ` +
        `each batch of this log after the first costs one transaction of six statements (BEGIN, the checkpoint's compare-and-set, ` +
        `one pool lookup, one read of the rows it updates that an earlier batch created, one multi-row ` +
        `\`INSERT ... SELECT FROM unnest(...) ON CONFLICT\`, COMMIT) where the per-event apply issued about 750; ` +
        `a 500-event batch takes ${((500 / pg.rebuildPerSecond) * 1000).toFixed(1)} ms on average here.`,
    );
    notes.push(
      `Next steps: ` +
        `raise the batch size during a rebuild (catch-up), since a batch now costs a fixed few round trips whatever ` +
        `its size; and, if the scan becomes the limit, read with a server-side cursor instead of re-planning a ` +
        `keyset query per batch.`,
    );
  }
  const lite = done.find((r) => r.label === 'PGlite');
  if (lite) {
    notes.push(
      `PGlite: ${num(lite.rebuildPerSecond)} events/s (${ratio(lite.rebuildPerSecond, lite.scanPerSecond)} of its scan rate; ` +
        `${num(TARGET_EVENTS / lite.rebuildPerSecond)} s for 1M extrapolated). Everything runs in the Node process on ` +
        `one thread: the fold in JavaScript and PostgreSQL in WASM take turns on it, with no network round trips ` +
        `to save, so its rate is bounded by that thread.`,
    );
  }
  for (const s of skipped) notes.push(`${s.label}: not measured, ${s.reason}.`);
  const checks = done.map((r) => `${r.label}: ${num(r.usersAfter)} users, ${num(r.confirmedAfter)} confirmed after the rebuild`).join('; ');

  return `## Rebuild rate (user directory; PostgreSQL ${num(USERS.PostgreSQL * 2 + 1)} events, PGlite ${num(USERS.PGlite * 2 + 1)})

${machine}
- ${liteVersion}${scaleNote()}
- Log: 1 \`UserPoolCreated\` + ${num(USERS.PostgreSQL)} users (PostgreSQL) or ${num(USERS.PGlite)} (PGlite) × (\`UserSignedUp\`, \`UserConfirmed\`) in their own \`user-<pool>-<sub>\` streams,
  seeded ${num(SEED_CHUNK)} users per transaction (same rows as \`store.append\`, \`bench/support/seed.ts\`), then
  \`VACUUM ANALYZE\`. The runner starts with its checkpoint at the head; the timed part is
  \`runner.rebuild('${NAME}')\` (drop, recreate, replay in batches of 500) until \`runner.ready()\`.
- Reference: the same log read with \`store.readAll\` in batches of ${SCAN_BATCH} (keyset on the global position),
  nothing applied; once before and once after the rebuild, the mean is the reference.
- Check: ${checks || 'none'}.

${table}

**What this means / next steps**

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

if (isMain(import.meta.url)) runAlone(benchRebuild);
