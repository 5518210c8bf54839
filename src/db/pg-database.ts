import { createHash } from 'node:crypto';
import pg from 'pg';
import type { AdvisoryLock, QueryResult, SqlDatabase, SqlExecutor } from './sql.js';

// bigint columns (int8) arrive as strings by default; the event store converts explicitly.
export interface PgDatabaseOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
}

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

/** SqlDatabase over a pg connection pool. */
export class PgDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(private readonly options: PgDatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 20,
      application_name: options.applicationName ?? 'cairn',
    });
    // An idle client that loses its server connection emits here; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.pool.query(text, params as unknown[] | undefined);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async queryPrepared<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.pool.query({ name: statementName(text), text, values: params as unknown[] });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = {
        query: async <R>(text: string, params?: readonly unknown[]) => {
          const r = await client.query(text, params as unknown[] | undefined);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
        },
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Schema scripts run in one transaction under an advisory lock, so concurrent starts don't race. */
  async exec(script: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(7238100); ${script}; COMMIT;`);
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw error;
    }
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
    // A dedicated connection, re-established when lost so wake-ups keep coming.
    const connect = async (): Promise<void> => {
      if (stopped) return;
      const c = new pg.Client({ connectionString: this.options.connectionString, application_name: 'cairn-listen' });
      c.on('notification', (n) => notifyAll(n.payload ?? ''));
      c.on('error', () => {
        client = undefined;
        setTimeout(() => void connect().catch(() => undefined), 500);
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${quoteIdent(channel)}`);
        if (stopped) {
          await c.end().catch(() => undefined);
          return;
        }
        client = c;
        if (connectedBefore) notifyAll(''); // notices may have been missed while disconnected
        connectedBefore = true;
      } catch {
        await c.end().catch(() => undefined);
        setTimeout(() => void connect().catch(() => undefined), 500);
      }
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

  async tryAdvisoryLock(key: bigint): Promise<AdvisoryLock | undefined> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: 'cairn-lock' });
    let reject!: (e: Error) => void;
    const lost = new Promise<never>((_, r) => (reject = r));
    lost.catch(() => undefined);
    client.on('error', (e) => reject(e));
    client.on('end', () => reject(new Error('advisory lock connection ended')));
    await client.connect();
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key.toString()]);
    if (!r.rows[0]?.ok) {
      await client.end();
      return undefined;
    }
    // Keepalive so a dead server or a half-open connection is noticed.
    const timer = setInterval(() => {
      client.query('SELECT 1').catch((e: Error) => reject(e));
    }, 1000);
    timer.unref();
    return {
      lost,
      release: async () => {
        clearInterval(timer);
        await client.query('SELECT pg_advisory_unlock($1)', [key.toString()]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
