/**
 * Appends: single-event commands per second with 32 concurrent writers, on PostgreSQL and
 * PGlite, against raw single-row INSERT transactions on the same database as the reference.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/appends.js
 */
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { PgDatabase } from '../src/db/pg-database.js';
import type { SqlDatabase } from '../src/db/sql.js';
import { WrongExpectedRevisionError } from '../src/event-store/errors.js';
import type { EventStore } from '../src/event-store/event-store.port.js';
import { SqlEventStore } from '../src/event-store/sql-event-store.js';
import { handleCommand, withMetadata } from '../src/shared/command-handler.js';
import { systemContext } from '../src/shared/request-context.js';
import { counterDecider, type CounterIncremented } from './support/counter.decider.js';
import { formatCpu } from './support/cpu.js';
import { freshPgDatabase, serverUrl, tempPglite } from './support/databases.js';
import { closedLoop, mergeRounds, type ClosedLoopResult } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio } from './support/stats.js';

const WRITERS = 32;
const WARMUP_MS = scaled(2_000);
const MEASURE_MS = scaled(10_000);
/** The breakdown runs are there to explain the main figure, so they can be shorter. */
const DIAG_WARMUP_MS = scaled(1_000);
const DIAG_MS = scaled(5_000);
/**
 * Commands pick one of this many shared streams at random: streams stay short (a few events,
 * like real aggregates) and two writers occasionally hit the same stream, which exercises
 * the expected-revision conflict path at a realistic (low) rate.
 */
const STREAMS = 4_096;
/** Measured time is split into this many command/reference rounds. */
const ROUNDS = 2;
const RETRIES = 3;
const TARGET_PG = 3_000;

const context = systemContext('bench-appends');

interface DatabaseRun {
  label: string;
  commands: ClosedLoopResult;
  conflicts: number;
  reference: ClosedLoopResult;
  appendOnly: ClosedLoopResult;
  /** PostgreSQL only: the reference transaction plus the pg_notify the store sends. */
  referenceWithNotify?: ClosedLoopResult;
}

export async function benchAppends(): Promise<void> {
  const runs: DatabaseRun[] = [];
  const machine = await machineInfo(serverUrl());

  // PostgreSQL: one pool sized to the writers, so the pool is never what limits them.
  const fresh = await freshPgDatabase();
  try {
    const db = new PgDatabase({ connectionString: fresh.url, max: WRITERS, applicationName: 'cairn-bench' });
    try {
      const clients = await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          const c = new pg.Client({ connectionString: fresh.url, application_name: 'cairn-bench-ref' });
          await c.connect();
          return c;
        }),
      );
      try {
        // One statement per round trip, like the pg pool does for the store's transactions.
        const rawTx = (notify: boolean) => async (w: number) => {
          const c = clients[w];
          await c.query('BEGIN');
          await c.query(`INSERT INTO bench_ref (stream_id, data) VALUES ($1, $2::jsonb)`, [`ref-${w}`, REF_PAYLOAD]);
          if (notify) await c.query(`SELECT pg_notify('bench_ref', '')`);
          await c.query('COMMIT');
        };
        runs.push(await measureDatabase('PostgreSQL', db, rawTx(false), rawTx(true)));
      } finally {
        await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      }
    } finally {
      await db.close();
    }
  } finally {
    await fresh.drop();
  }

  // PGlite: one WASM PostgreSQL in this process; "concurrent" callers queue on it.
  const lite = await tempPglite();
  let liteVersion: string;
  try {
    liteVersion = await lite.describe();
    const rawTx = async (w: number) => {
      await lite.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO bench_ref (stream_id, data) VALUES ($1, $2::jsonb)`, [`ref-${w}`, REF_PAYLOAD]);
      });
    };
    runs.push(await measureDatabase('PGlite', lite.db, rawTx));
  } finally {
    await lite.dispose();
  }

  writeSection('appends', report(runs, formatMachine(machine, 'node dist/bench/appends.js'), liteVersion));
}

/** A payload of about the size of a counter event's data. */
const REF_PAYLOAD = JSON.stringify({ by: 1, total: 1, at: new Date(0).toISOString() });

async function measureDatabase(
  label: string,
  db: SqlDatabase,
  rawTx: (w: number) => Promise<void>,
  rawTxWithNotify?: (w: number) => Promise<void>,
): Promise<DatabaseRun> {
  const store = await SqlEventStore.open(db);
  await db.exec(`CREATE TABLE IF NOT EXISTS bench_ref (
    id bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);

  // Conflicts surface inside handleCommand (it retries them), so count them at the store.
  let conflicts = 0;
  const counted = countConflicts(store, () => conflicts++);

  // Commands and their reference alternate in rounds, so neighbours' load hits both alike.
  const commandRounds: ClosedLoopResult[] = [];
  const referenceRounds: ClosedLoopResult[] = [];
  let conflictsInWindow = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const warmupMs = round === 0 ? WARMUP_MS : DIAG_WARMUP_MS;
    console.log(`appends (${label}): round ${round + 1}/${ROUNDS}, ${WRITERS} writers running commands`);
    let conflictsAtStart = 0;
    commandRounds.push(
      await closedLoop({
        workers: WRITERS,
        warmupMs,
        durationMs: MEASURE_MS / ROUNDS,
        onMeasureStart: () => (conflictsAtStart = conflicts),
        op: async () => {
          const now = new Date();
          await handleCommand({
            store: counted,
            streamId: `counter-${randomInt(STREAMS)}`,
            decider: counterDecider,
            command: () => ({ type: 'Increment', by: 1, at: now.toISOString() }),
            context,
            now,
            retries: RETRIES,
          });
        },
      }),
    );
    // Conflicts retried after the window closed are counted too: close enough for a rate.
    conflictsInWindow += conflicts - conflictsAtStart;
    console.log(`appends (${label}): round ${round + 1}/${ROUNDS}, reference (raw INSERT transactions)`);
    referenceRounds.push(await closedLoop({ workers: WRITERS, warmupMs, durationMs: MEASURE_MS / ROUNDS, op: rawTx }));
  }
  const commands = mergeRounds(commandRounds);
  const reference = mergeRounds(referenceRounds);

  // Breakdown: the store's append alone (revision known, no read or fold), to split the
  // command's cost between reading the stream and appending to it.
  console.log(`appends (${label}): breakdown, store.append alone`);
  const revisions = new Map<number, { stream: number; revision: bigint | undefined }>();
  const appendOnly = await closedLoop({
    workers: WRITERS,
    warmupMs: DIAG_WARMUP_MS,
    durationMs: DIAG_MS,
    op: async (w) => {
      const s = revisions.get(w) ?? { stream: 0, revision: undefined };
      // A new stream every 10 events keeps streams as short as in the main run.
      if (s.revision !== undefined && s.revision >= 9n) Object.assign(s, { stream: s.stream + 1, revision: undefined });
      const event: CounterIncremented = { type: 'CounterIncremented', data: { by: 1, total: 1, at: new Date().toISOString() } };
      const r = await store.append(`diag-${w}-${s.stream}`, withMetadata([event], context, new Date()), {
        expectedRevision: s.revision ?? 'no_stream',
      });
      s.revision = r.nextRevision;
      revisions.set(w, s);
    },
  });

  let referenceWithNotify: ClosedLoopResult | undefined;
  if (rawTxWithNotify) {
    console.log(`appends (${label}): breakdown, raw INSERT + pg_notify transactions`);
    referenceWithNotify = await closedLoop({ workers: WRITERS, warmupMs: DIAG_WARMUP_MS, durationMs: DIAG_MS, op: rawTxWithNotify });
  }
  return { label, commands, conflicts: conflictsInWindow, reference, appendOnly, referenceWithNotify };
}

/** The store with a hook on every expected-revision conflict. */
function countConflicts(store: EventStore, onConflict: () => void): EventStore {
  return {
    kind: store.kind,
    append: async (streamId, events, options) => {
      try {
        return await store.append(streamId, events, options);
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) onConflict();
        throw error;
      }
    },
    appendMany: (writes) => store.appendMany(writes),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readStreams: (reads) => store.readStreams(reads),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    findUniqueHolder: (scope, value) => store.findUniqueHolder(scope, value),
    subscribeToAll: (options) => store.subscribeToAll(options),
    close: () => store.close(),
  };
}

function failures(r: ClosedLoopResult): string {
  const n = [...r.failures.values()].reduce((a, b) => a + b, 0);
  return n === 0 ? '0' : `${n} (${[...r.failures].map(([k, v]) => `${k}: ${v}`).join(', ')})`;
}

function report(runs: DatabaseRun[], machine: string, liteVersion: string): string {
  const lat = (r: ClosedLoopResult) => {
    const d = distribution(r.latencies);
    return `${ms(d.p50)} / ${ms(d.p99)}`;
  };
  const main = markdownTable(
    [
      'Database',
      'Commands/s (= appends/s)',
      'Reference: raw INSERT tx/s',
      'Ratio',
      'Conflicts (retried)',
      'Failed',
      'Command p50 / p99',
      'CPU during commands',
    ],
    runs.map((r) => [
      r.label,
      `**${num(r.commands.perSecond)}**`,
      num(r.reference.perSecond),
      `**${ratio(r.commands.perSecond, r.reference.perSecond)}**`,
      `${num(r.conflicts)} (${((r.conflicts / Math.max(1, r.commands.ops)) * 100).toFixed(2)}%)`,
      failures(r.commands),
      lat(r.commands),
      formatCpu(r.commands.cpu),
    ]),
  );
  const breakdown = markdownTable(
    ['Database', 'Commands/s', 'store.append alone/s', 'Raw INSERT tx/s', 'Raw INSERT + pg_notify tx/s', 'CPU during the reference'],
    runs.map((r) => [
      r.label,
      num(r.commands.perSecond),
      `${num(r.appendOnly.perSecond)} (${ratio(r.appendOnly.perSecond, r.reference.perSecond)} of ref)`,
      num(r.reference.perSecond),
      r.referenceWithNotify ? `${num(r.referenceWithNotify.perSecond)} (${ratio(r.referenceWithNotify.perSecond, r.reference.perSecond)} of ref)` : 'n/a',
      formatCpu(r.reference.cpu),
    ]),
  );
  const pgRun = runs.find((r) => r.label === 'PostgreSQL');
  const liteRun = runs.find((r) => r.label === 'PGlite');
  const met = pgRun && pgRun.commands.perSecond >= TARGET_PG;

  const notes: string[] = [];
  if (pgRun) {
    const readShare = 1 - pgRun.commands.perSecond / pgRun.appendOnly.perSecond;
    notes.push(
      `A command costs 2 round trips on PostgreSQL (readStream; one call of the es_append function, which checks the ` +
        `revision and writes the event in the statement's own transaction) plus a share of the coalesced pg_notify ` +
        `sent after commits, against the reference's 3 (BEGIN, INSERT, COMMIT); measured ` +
        `${ratio(pgRun.commands.perSecond, pgRun.reference.perSecond)} of the reference, and store.append alone ` +
        `${ratio(pgRun.appendOnly.perSecond, pgRun.reference.perSecond)}.`,
    );
    notes.push(
      `Reading and folding the stream before the append costs ${(readShare * 100).toFixed(0)}% of the rate ` +
        `(store.append alone: ${num(pgRun.appendOnly.perSecond)}/s).` +
        (pgRun.referenceWithNotify
          ? ` Adding pg_notify to the raw transaction changes its rate by ` +
            `${((pgRun.referenceWithNotify.perSecond / pgRun.reference.perSecond - 1) * 100).toFixed(0)}% ` +
            `(a notifying transaction takes a database-wide lock at commit, which serialises the commits of ` +
            `all ${WRITERS} writers).`
          : ''),
    );
    const busy = pgRun.commands.cpu.machinePct;
    if (busy >= 85) {
      notes.push(
        `The machine was ${busy.toFixed(0)}% busy during the commands (this process alone ` +
          `${pgRun.commands.cpu.processPct.toFixed(0)}% of a core): with ${WRITERS} writers on 2 cores the limit is CPU ` +
          `shared by Node (JSON, UUIDs, the pg protocol) and the PostgreSQL backends (the PL/pgSQL append does the ` +
          `revision upsert and the INSERT), not the disk ` +
          `(the server does not wait for fsync at commit, see its settings above).`,
      );
    } else {
      notes.push(
        `The machine was only ${busy.toFixed(0)}% busy: the writers spend their time waiting on round trips and ` +
          `locks rather than CPU, so fewer statements per command is the lever.`,
      );
    }
    notes.push(
      met
        ? `Target ≥ ${num(TARGET_PG)} appends/s on PostgreSQL: **met** (${num(pgRun.commands.perSecond)}/s).`
        : `Target ≥ ${num(TARGET_PG)} appends/s on PostgreSQL: **not met** (${num(pgRun.commands.perSecond)}/s, ` +
            `${((pgRun.commands.perSecond / TARGET_PG) * 100).toFixed(0)}% of it; the raw-INSERT ceiling on this box is ` +
            `${num(pgRun.reference.perSecond)}/s, so the target needs a ratio of ${(TARGET_PG / pgRun.reference.perSecond).toFixed(2)} here).`,
    );
    notes.push(
      `Done: the append is one statement (es_append) instead of BEGIN, upsert, INSERT and COMMIT, and its NOTIFY is ` +
        `sent after the commit, coalesced (one per burst, naming the types and stream categories written, so ` +
        `subscribers that ignore those types do not read). Next steps: skip the readStream when the caller knows ` +
        `the stream is new (handleCommand's newStream, as sign-in and refresh-token issuing do); then measure on a ` +
        `machine with more cores, where Node and PostgreSQL stop competing for the same two.`,
    );
  }
  if (liteRun) {
    notes.push(
      `PGlite: ${num(liteRun.commands.perSecond)} commands/s, ${ratio(liteRun.commands.perSecond, liteRun.reference.perSecond)} of ` +
        `its raw INSERT rate. PGlite runs one statement at a time on the Node main thread, so the ${WRITERS} writers ` +
        `just queue and the rate is the inverse of the statements' total CPU time; it is the embedded single-node ` +
        `default, not the production store.`,
    );
  }

  return `## Appends: single-event commands/s, ${WRITERS} concurrent writers

${machine}
- ${liteVersion}${scaleNote()}
- A command is \`handleCommand()\` with a counter decider (\`bench/support/counter.decider.ts\`): read the
  stream, fold, decide, append one event with the expected revision; retries up to ${RETRIES} times on a
  conflict. Each command picks one of ${num(STREAMS)} shared streams at random (streams stay a few events
  long). ${WRITERS} writers in a closed loop, ${MEASURE_MS / 1000} s measured in ${ROUNDS} rounds alternating with
  the reference (${WARMUP_MS / 1000} s warm-up before the first round, ${DIAG_WARMUP_MS / 1000} s before each later one).
- Reference: \`BEGIN; INSERT INTO bench_ref (...) VALUES (...); COMMIT\` from ${WRITERS} concurrent connections
  (PGlite: ${WRITERS} concurrent callers of its transaction), same database, same rounds and warm-ups.

${main}

Breakdown (${DIAG_MS / 1000} s each), to locate the cost:

${breakdown}

**What this means / next steps**

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

if (isMain(import.meta.url)) runAlone(benchAppends);
