import { PGlite } from '@electric-sql/pglite';
import type { AdvisoryLock, QueryResult, SqlDatabase, SqlExecutor } from './sql.js';
import { quoteIdent } from './pg-database.js';

/**
 * SqlDatabase over an embedded PGlite (PostgreSQL compiled to WASM). One process owns the
 * data folder; PGlite runs one statement at a time and queues transactions.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly dialect = 'pglite' as const;

  private readonly locks = new Set<bigint>();

  private constructor(private readonly db: PGlite) {}

  /** `dataDir` undefined keeps everything in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const db = dataDir ? await PGlite.create({ dataDir }) : await PGlite.create();
    return new PgliteDatabase(db);
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const r = await this.db.query<R>(text, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  /** In-process: nothing to save on the wire; PGlite parses each query anyway. */
  queryPrepared<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    return this.query<R>(text, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) =>
      fn({
        query: async <R>(text: string, params?: readonly unknown[]) => {
          const r = await t.query<R>(text, params as unknown[] | undefined);
          return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
        },
      }),
    );
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unsubscribe = await this.db.listen(quoteIdent(channel), (payload) => onNotify(payload ?? ''));
    return async () => unsubscribe();
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

  async close(): Promise<void> {
    await this.db.close();
  }
}
