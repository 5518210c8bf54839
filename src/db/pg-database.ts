import { createHash } from 'node:crypto';
import pg from 'pg';
import { DatabaseUnavailableError, isConnectionFailure } from './database-errors.js';
import { DatabaseHealth } from './database-health.js';
import type { AdvisoryLock, QueryResult, SqlDatabase, SqlExecutor } from './sql.js';

// bigint columns (int8) arrive as strings by default; the event store converts explicitly.
export interface PgDatabaseOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /**
   * Tracks whether the server is reachable and logs each outage once. Default: a tracker of its
   * own, logging through pino at LOG_LEVEL.
   */
  health?: DatabaseHealth;
  /** How long an operation waits for a connection (a new one, or a free one of a full pool); default 10 s. */
  connectionTimeoutMs?: number;
}

/** Reconnection pace of the LISTEN connection while the server is away. */
const LISTEN_RETRY_MS = 500;
/** A lock keepalive that gets no answer in this long means the lock connection is dead (half-open TCP). */
const LOCK_QUERY_TIMEOUT_MS = 5000;

const statementNames = new Map<string, string>();
/** A stable name per statement text (pg prepares a named statement once per connection). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `cairn_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * SqlDatabase over a pg connection pool. Rides through a server restart: a lost connection is
 * never an unhandled 'error' event (which would end the process), a broken client is discarded
 * instead of going back to the pool, and every operation that fails because the server is away
 * throws DatabaseUnavailableError; the pool connects afresh for the next one.
 */
export class PgDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly health: DatabaseHealth;
  private readonly pool: pg.Pool;

  constructor(private readonly options: PgDatabaseOptions) {
    this.health = options.health ?? new DatabaseHealth();
    this.pool = new pg.Pool({
      ...this.clientConfig(options.applicationName ?? 'cairn'),
      max: options.max ?? 20,
    });
    // An idle client that loses its server connection emits here; the pool has already dropped
    // it and connects a new one on demand. Not a failure of any operation: nothing to count.
    this.pool.on('error', () => undefined);
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.run(() => this.pool.query(text, params as unknown[] | undefined));
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async queryPrepared<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.run(() => this.pool.query({ name: statementName(text), text, values: params as unknown[] }));
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.run(() =>
      this.withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const result = await fn({
            query: async <R>(text: string, params?: readonly unknown[]) => {
              const r = await client.query(text, params as unknown[] | undefined);
              return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
            },
          });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          // On a dead connection this fails too; withClient then discards the client.
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    );
  }

  /** Schema scripts run in one transaction under an advisory lock, so concurrent starts don't race. */
  async exec(script: string): Promise<void> {
    await this.run(() =>
      this.withClient(async (client) => {
        try {
          await client.query(`BEGIN; SELECT pg_advisory_xact_lock(7238100); ${script}; COMMIT;`);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    );
  }

  /**
   * Runs one operation: DatabaseUnavailableError when it failed for want of a server, and the
   * health tracker told either way.
   */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    const epoch = this.health.epoch;
    try {
      const result = await operation();
      this.health.succeeded();
      return result;
    } catch (error) {
      throw this.failure(error, epoch);
    }
  }

  private failure(error: unknown, epoch: number): unknown {
    if (error instanceof DatabaseUnavailableError) return error;
    if (!isConnectionFailure(error)) {
      this.health.succeeded(); // the server answered, with an SQL error
      return error;
    }
    this.health.failed(error, epoch);
    return new DatabaseUnavailableError(error);
  }

  /**
   * A client checked out of the pool for the length of `work`. pg emits 'error' on a client
   * whose connection dies, and while it is checked out the pool does not listen: an unheard
   * 'error' event ends the process. So listen here, and hand a client that failed back as
   * broken, so the pool closes it instead of lending it again.
   */
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => void (lost ??= error);
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      if (isConnectionFailure(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // release() puts the pool's own error listener back before anything else can happen.
      client.off('error', onError);
      client.release(lost ?? broken);
    }
  }

  /** Settings shared by the pool and the dedicated (LISTEN, lock) connections. */
  private clientConfig(applicationName: string): pg.ClientConfig {
    return {
      connectionString: this.options.connectionString,
      application_name: applicationName,
      connectionTimeoutMillis: this.options.connectionTimeoutMs ?? 10_000,
      // Notices a server that vanished without closing the socket (host down, network cut).
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    };
  }

  private readonly channels = new Map<string, { callbacks: Set<(payload: string) => void>; ready: Promise<void>; stop: () => Promise<void> }>();

  /**
   * One LISTEN connection per channel for the whole process, shared by every listener: a NOTIFY
   * then wakes one backend and one socket here, however many subscriptions and caches listen.
   */
  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = this.openChannel(channel);
      this.channels.set(channel, entry);
    }
    const shared = entry;
    shared.callbacks.add(onNotify);
    await shared.ready;
    onNotify(''); // anything appended before this listener was registered
    return async () => {
      if (!shared.callbacks.delete(onNotify) || shared.callbacks.size > 0) return;
      if (this.channels.get(channel) === shared) this.channels.delete(channel);
      await shared.stop();
    };
  }

  private openChannel(channel: string) {
    const callbacks = new Set<(payload: string) => void>();
    const notifyAll = (payload: string) => {
      for (const cb of [...callbacks]) cb(payload);
    };
    let client: pg.Client | undefined;
    let stopped = false;
    let connectedBefore = false;
    // A dedicated connection, re-established when lost so wake-ups keep coming. pg can report
    // one loss twice ('error' for the server's FATAL message, again when the socket ends):
    // each connection retries at most once, so a restart never leaves two LISTEN sessions.
    const connect = async (): Promise<void> => {
      if (stopped) return;
      const c = new pg.Client(this.clientConfig('cairn-listen'));
      let gone = false;
      const retry = () => {
        if (gone) return;
        gone = true;
        if (client === c) client = undefined;
        void c.end().catch(() => undefined);
        if (!stopped) setTimeout(() => void connect(), LISTEN_RETRY_MS).unref();
      };
      c.on('notification', (n) => notifyAll(n.payload ?? ''));
      c.on('error', retry);
      c.on('end', retry);
      try {
        await c.connect();
        await c.query(`LISTEN ${quoteIdent(channel)}`);
      } catch {
        retry();
        return;
      }
      if (gone) return;
      if (stopped) {
        gone = true;
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      if (connectedBefore) notifyAll(''); // notices may have been missed while disconnected
      connectedBefore = true;
    };
    const ready = connect();
    return {
      callbacks,
      ready,
      stop: async () => {
        stopped = true;
        await client?.end().catch(() => undefined);
      },
    };
  }

  /**
   * The lock lives on a connection of its own (the pool would hand it to others). `lost`
   * rejects only when that connection fails; a deliberate release() never rejects it, so a
   * graceful stop is not mistaken for a lost connection.
   */
  async tryAdvisoryLock(key: bigint): Promise<AdvisoryLock | undefined> {
    const epoch = this.health.epoch;
    const client = new pg.Client({ ...this.clientConfig('cairn-lock'), query_timeout: LOCK_QUERY_TIMEOUT_MS });
    let released = false;
    const keepalive: { timer?: NodeJS.Timeout } = {};
    let reject!: (e: Error) => void;
    const lost = new Promise<never>((_, r) => (reject = r));
    lost.catch(() => undefined);
    const onLost = (error: Error) => {
      if (released) return;
      released = true;
      clearInterval(keepalive.timer);
      reject(error);
      void client.end().catch(() => undefined);
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('advisory lock connection ended')));
    let ok: boolean | undefined;
    try {
      await client.connect();
      ok = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key.toString()])).rows[0]?.ok;
      this.health.succeeded();
    } catch (error) {
      released = true;
      await client.end().catch(() => undefined);
      throw this.failure(error, epoch);
    }
    if (!ok) {
      released = true;
      await client.end().catch(() => undefined);
      return undefined;
    }
    // Keepalive so a dead server or a half-open connection is noticed (query_timeout bounds it).
    keepalive.timer = setInterval(() => {
      client.query('SELECT 1').catch((e: Error) => onLost(e));
    }, 1000);
    keepalive.timer.unref();
    return {
      lost,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(keepalive.timer);
        await client.query('SELECT pg_advisory_unlock($1)', [key.toString()]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    // LISTEN connections too: one left open would reconnect for ever after the pool has gone.
    const channels = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(channels.map((c) => c.stop()));
    await this.pool.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
