import { PGlite } from '@electric-sql/pglite';
import type { AdvisoryLock, QueryResult, SqlDatabase, SqlExecutor } from './sql.js';
import { quoteIdent } from './pg-database.js';

export interface PgliteOptions {
  /**
   * Longest run of queued statements before the event loop gets a turn (timers, sockets, HTTP
   * requests). PGlite runs each statement synchronously on this thread and hands queued work on
   * through promise callbacks alone, so without a bound a burst of N queued statements holds the
   * loop for N statements' time (578 ms measured in bench/projection-lag). 0 yields before every
   * statement. Default DEFAULT_SLICE_MS.
   */
  sliceMs?: number;
}

/** Short enough that a stall stays well under 50 ms with one statement on top; see bench/projection-lag. */
export const DEFAULT_SLICE_MS = 10;

/**
 * SqlDatabase over an embedded PGlite (PostgreSQL compiled to WASM). One process owns the
 * data folder; PGlite runs one statement at a time.
 *
 * Every call goes through one FIFO queue here, one PGlite call at a time, and the queue yields
 * to the event loop (setImmediate) whenever it has run for `sliceMs` without a break, before the
 * next statement, also between the statements of a transaction (which holds the queue, so
 * nothing interleaves with it). The stall a burst can cause is then about one slice plus one
 * statement, whatever the number of statements queued.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly dialect = 'pglite' as const;

  private readonly locks = new Set<bigint>();
  private readonly slicer: TimeSlicer;
  /** Settles when the last queued call has finished. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: PGlite,
    options: PgliteOptions,
  ) {
    this.slicer = new TimeSlicer(options.sliceMs ?? DEFAULT_SLICE_MS);
  }

  /** `dataDir` undefined keeps everything in memory (tests). */
  static async open(dataDir?: string, options: PgliteOptions = {}): Promise<PgliteDatabase> {
    const db = dataDir ? await PGlite.create({ dataDir }) : await PGlite.create();
    return new PgliteDatabase(db, options);
  }

  /** Event-loop turns this database has given up so far (for tests and benchmarks). */
  get yields(): number {
    return this.slicer.yields;
  }

  query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.serial(() => this.run<R>(this.db, text, params));
  }

  /** In-process: nothing to save on the wire; PGlite parses each query anyway. */
  queryPrepared<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    return this.query<R>(text, params);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.serial(() =>
      this.db.transaction(async (t) =>
        fn({
          query: async <R>(text: string, params?: readonly unknown[]) => {
            await this.slicer.turn();
            return this.run<R>(t, text, params);
          },
        }),
      ),
    );
  }

  exec(script: string): Promise<void> {
    return this.serial(async () => void (await this.db.exec(script)));
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unsubscribe = await this.serial(() => this.db.listen(quoteIdent(channel), (payload) => onNotify(payload ?? '')));
    return () => this.serial(() => unsubscribe());
  }

  /**
   * Only one process can open a PGlite folder, so advisory locks are kept in this object:
   * runners sharing the instance still exclude each other.
   */
  async tryAdvisoryLock(key: bigint): Promise<AdvisoryLock | undefined> {
    if (this.locks.has(key)) return undefined;
    this.locks.add(key);
    const lost = new Promise<never>(() => undefined);
    return { lost, release: async () => void this.locks.delete(key) };
  }

  /** After the work already queued. */
  close(): Promise<void> {
    return this.serial(() => this.db.close());
  }

  private async run<R>(on: Pick<PGlite, 'query'>, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const r = await on.query<R>(text, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  /** Runs `fn` after every call queued before it, once the slicer allows. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.slicer.turn()).then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Cooperative time slicing on the main thread: `turn()` resolves at once while the current run
 * is younger than `sliceMs`, and after a setImmediate (timers and I/O run first) once it is
 * older. A run starts with the first turn after the event loop last went round.
 */
export class TimeSlicer {
  yields = 0;
  private startedAt: number | undefined;

  constructor(private readonly sliceMs: number) {}

  async turn(): Promise<void> {
    if (this.startedAt !== undefined && performance.now() - this.startedAt < this.sliceMs) return;
    if (this.startedAt !== undefined || this.sliceMs === 0) {
      this.yields++;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.begin();
  }

  private begin(): void {
    this.startedAt = performance.now();
    // Whenever the loop goes round (our own yield or idle time), the next turn starts a new run.
    setImmediate(() => (this.startedAt = undefined));
  }
}
