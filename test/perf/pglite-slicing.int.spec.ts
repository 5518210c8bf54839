import { PGlite } from '@electric-sql/pglite';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { readCheckpoint } from '../../projections/checkpoints.js';
import { APPLY_CHUNKS, BATCH_SIZE, ProjectionRunner, type RunnerOptions } from '../../projections/runner.js';
import { probeProjection } from '../fixtures/probe-projection.js';
import { testEvent } from '../support/events.js';
import { eventually } from '../support/wait.js';

/**
 * The embedded database runs on the main thread. These tests check the two bounds that keep a
 * write burst from stalling the event loop: queued statements give the loop a turn between
 * slices (PgliteDatabase), and the runner hands PGlite batches to `apply` in bounded chunks. They count
 * event-loop turns (a chain of setImmediate), not milliseconds.
 */
class LoopTurns {
  count = 0;
  private running = true;
  constructor() {
    const tick = () => {
      if (!this.running) return;
      this.count++;
      setImmediate(tick);
    };
    setImmediate(tick);
  }
  stop(): void {
    this.running = false;
  }
}

/** The loop turn on which each of `n` concurrently queued calls finished. */
async function turnsOfCompletion(n: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const turns = new LoopTurns();
  try {
    const seen: number[] = [];
    await Promise.all(Array.from({ length: n }, (_, i) => call(i).then(() => seen.push(turns.count))));
    return seen;
  } finally {
    turns.stop();
  }
}

describe('PGlite work queued in a burst gives the event loop turns', () => {
  test('premise: PGlite alone finishes a queue of statements without the event loop going round', async () => {
    const raw = await PGlite.create();
    try {
      const seen = await turnsOfCompletion(50, () => raw.query('SELECT 1'));
      expect(new Set(seen).size).toBe(1);
    } finally {
      await raw.close();
    }
  });

  test('with a zero slice, every queued statement runs on a turn of its own', async () => {
    const db = await PgliteDatabase.open(undefined, { sliceMs: 0 });
    try {
      const seen = await turnsOfCompletion(50, () => db.query('SELECT 1'));
      expect(new Set(seen).size).toBe(50);
      // Queue order is kept.
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    } finally {
      await db.close();
    }
  });

  test('with the default slice, a queue that runs longer than a slice yields, and a short one does not', async () => {
    const db = await PgliteDatabase.open();
    try {
      await db.query('SELECT 1');
      const before = db.yields;
      // Each statement does some real work (tens of thousands of rows): 200 of them take far longer than a slice.
      const seen = await turnsOfCompletion(200, () => db.query('SELECT count(*) FROM generate_series(1, 20000)'));
      expect(db.yields).toBeGreaterThan(before);
      expect(new Set(seen).size).toBeGreaterThan(1);

      // A lone statement on an idle loop starts a fresh slice: no yield, no added latency.
      await new Promise((r) => setImmediate(r));
      const idle = db.yields;
      await db.query('SELECT 1');
      expect(db.yields).toBe(idle);
    } finally {
      await db.close();
    }
  });

  test('a timer that falls due while a burst is queued fires before the burst ends (PGlite alone: after it)', async () => {
    /** Queues `n` statements at once and a zero-delay timer; says how many had finished when the timer fired. */
    const finishedWhenTimerFired = async (n: number, call: () => Promise<unknown>): Promise<number> => {
      let finished = 0;
      let atTimer = -1;
      const timer = new Promise<void>((resolve) =>
        setTimeout(() => {
          atTimer = finished;
          resolve();
        }, 0),
      );
      await Promise.all(Array.from({ length: n }, () => call().then(() => finished++)));
      await timer;
      return atTimer;
    };
    const statement = 'SELECT count(*) FROM generate_series(1, 20000)';

    const raw = await PGlite.create();
    try {
      expect(await finishedWhenTimerFired(200, () => raw.query(statement))).toBe(200);
    } finally {
      await raw.close();
    }
    const db = await PgliteDatabase.open();
    try {
      await db.query('SELECT 1');
      const atTimer = await finishedWhenTimerFired(200, () => db.query(statement));
      expect(atTimer).toBeGreaterThanOrEqual(0);
      expect(atTimer).toBeLessThan(200);
    } finally {
      await db.close();
    }
  });

  test('a transaction yields between its statements, and nothing queued meanwhile runs inside it', async () => {
    const db = await PgliteDatabase.open(undefined, { sliceMs: 0 });
    try {
      await db.exec('CREATE TABLE t (n integer)');
      const turns = new LoopTurns();
      const statementTurns: number[] = [];
      let outside: Promise<number> | undefined;
      const tx = db.transaction(async (t) => {
        for (let i = 0; i < 20; i++) {
          await t.query('INSERT INTO t VALUES ($1)', [i]);
          statementTurns.push(turns.count);
          // Queued while the transaction is open: must see all 20 rows, committed, or none.
          outside ??= db.query<{ n: string }>('SELECT count(*)::text AS n FROM t').then((r) => Number(r.rows[0].n));
        }
      });
      await tx;
      turns.stop();
      expect(new Set(statementTurns).size).toBe(20);
      expect(await outside).toBe(20);
    } finally {
      await db.close();
    }
  });

  test('a failed call does not stop the queue', async () => {
    const db = await PgliteDatabase.open(undefined, { sliceMs: 0 });
    try {
      const results = await Promise.allSettled([db.query('SELECT 1'), db.query('SELECT * FROM missing_table'), db.query('SELECT 2 AS two')]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      await expect(db.transaction(async (t) => t.query('SELECT * FROM missing_table'))).rejects.toThrow();
      expect((await db.query<{ two: number }>('SELECT 2 AS two')).rows[0].two).toBe(2);
    } finally {
      await db.close();
    }
  });
});

describe('projection runner on PGlite: a batch is applied in bounded chunks', () => {
  interface Applied {
    /** Sizes `apply` was called with, in order. */
    sizes: number[];
    /** Checkpoint writes (one per batch transaction). */
    checkpoints: number;
  }

  /**
   * Appends `total` events, lets a runner catch up on them and returns what it applied. `failOnCall`
   * makes that `apply` call throw once, after writing its rows.
   */
  async function catchUp(total: number, options?: RunnerOptions, failOnCall?: number): Promise<Applied> {
    const db = await PgliteDatabase.open();
    const store = await SqlEventStore.open(db);
    try {
      for (let first = 0; first < total; first += 50) {
        await store.appendMany(
          Array.from({ length: Math.min(50, total - first) }, (_, k) => ({
            streamId: `burst-${first + k}`,
            events: [testEvent('Probed', { i: first + k })],
            options: { expectedRevision: 'no_stream' as const },
          })),
        );
      }
      const applied: Applied = { sizes: [], checkpoints: 0 };
      let calls = 0;
      const recording = {
        ...probeProjection,
        async apply(tx: Parameters<typeof probeProjection.apply>[0], events: readonly RecordedEvent[]) {
          applied.sizes.push(events.length);
          await probeProjection.apply(tx, events);
          if (++calls === failOnCall) throw new Error('boom after writing rows');
        },
      };
      // Counts the transactions that moved the checkpoint and committed.
      const counting: SqlDatabase = {
        dialect: db.dialect,
        query: (text, params) => db.query(text, params),
        queryPrepared: (text, params) => db.queryPrepared(text, params),
        exec: (script) => db.exec(script),
        listen: (channel, onNotify) => db.listen(channel, onNotify),
        tryAdvisoryLock: (key) => db.tryAdvisoryLock(key),
        close: () => db.close(),
        transaction: async (fn) => {
          let moved = false;
          const result = await db.transaction((tx) =>
            fn({
              query: (text, params) => {
                if (/^\s*UPDATE consumer_checkpoints SET commit_pos/.test(text)) moved = true;
                return tx.query(text, params);
              },
            }),
          );
          if (moved) applied.checkpoints++;
          return result;
        },
      };
      const runner = new ProjectionRunner(store, counting, [recording], undefined, options);
      await runner.start();
      try {
        const head = await store.headPosition();
        await eventually(async () => (await readCheckpoint(db, 'probe'))?.position?.prepare === head?.prepare, 20_000, 'checkpoint at the head');
        // Every event applied and committed once, whatever failed on the way.
        const counts = await db.query<{ n: string; twice: string }>(
          `SELECT count(*)::text AS n, count(*) FILTER (WHERE applied_count > 1)::text AS twice FROM probe_applied`,
        );
        expect(counts.rows[0]).toEqual({ n: String(total), twice: '0' });
        return applied;
      } finally {
        await runner.stop();
      }
    } finally {
      await db.close();
    }
  }

  const chunk = APPLY_CHUNKS.pglite;

  test(`a ${BATCH_SIZE}-event batch goes to apply ${chunk} events at a time, with one checkpoint move (PostgreSQL: the whole batch)`, async () => {
    expect(chunk).toBeLessThan(APPLY_CHUNKS.postgres);
    const applied = await catchUp(BATCH_SIZE + 37);
    const perBatch = BATCH_SIZE / chunk;
    expect(applied.sizes).toEqual([...Array.from({ length: perBatch }, () => chunk), 37]);
    expect(applied.checkpoints).toBe(2);
  });

  test('the chunks of a batch commit together: a failure in a later chunk rolls back the earlier ones', async () => {
    // The third call fails after writing its rows; the batch is retried whole a second later.
    const applied = await catchUp(250, { batchSize: 250, applyChunk: 100 }, 3);
    expect(applied.sizes).toEqual([100, 100, 50, 100, 100, 50]);
    expect(applied.checkpoints).toBe(1);
  });
});
