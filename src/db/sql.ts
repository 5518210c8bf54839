import type { DatabaseHealth } from './database-health.js';

/**
 * A minimal SQL port shared by pg (PostgreSQL server) and PGlite (embedded), so the event
 * store and the read models run the same SQL on both.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'postgres' | 'pglite';
  /**
   * Whether the database server is reachable (PostgreSQL only: an embedded database cannot lose
   * its connection). Operations that fail on a lost or refused connection throw
   * DatabaseUnavailableError.
   */
  readonly health?: DatabaseHealth;
  /**
   * A query whose text is one of a fixed few (the event store's): PostgreSQL keeps it prepared
   * per connection, so the server parses and plans it once (measured: about a third less server
   * CPU per sign-in). Never for text built from data, nor for read-model tables a rebuild may
   * reshape (a prepared plan must not change its result type).
   */
  queryPrepared<R = Record<string, unknown>>(text: string, params: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs `fn` inside BEGIN/COMMIT; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs several statements separated by `;` (schema scripts). */
  exec(script: string): Promise<void>;
  /**
   * Calls `onNotify` with the payload of every NOTIFY to `channel` (from this process or, for
   * PostgreSQL, any other); '' when the payload is empty or unknown (after a reconnect).
   * Resolves with a function that stops listening.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Holds a session-level advisory lock on a dedicated connection for as long as the lock
   * is held; the lock vanishes with the connection if the process dies.
   * Resolves to undefined when another session holds it.
   */
  tryAdvisoryLock(key: bigint): Promise<AdvisoryLock | undefined>;
  close(): Promise<void>;
}

export interface AdvisoryLock {
  /** Rejects when the connection that holds the lock has been lost. */
  readonly lost: Promise<never>;
  release(): Promise<void>;
}

/** PostgreSQL error code of a unique violation. */
export const UNIQUE_VIOLATION = '23505';

export function sqlErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
