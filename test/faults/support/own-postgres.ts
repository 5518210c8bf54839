import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../support/app.js';
import { REPO } from '../../support/processes.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (scripts/services/postgres.sh on a free port, data in
 * a temp folder), which a fault test may stop, restart and cut off: never the shared server the
 * rest of the suite (and other people) use.
 */
export interface OwnPostgres {
  port: number;
  /** The `idp` role's URL to database `db` (default `idp`). */
  url(db?: string): string;
  /** A new empty database owned by `idp`; returns its URL. */
  createDatabase(prefix: string): Promise<string>;
  /** Ends every session on `db` (pg_terminate_backend) except the caller's; returns how many. */
  terminateSessions(db: string, applicationName?: string): Promise<number>;
  /** Runs `sql` as the superuser in `db`. */
  admin<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[], db?: string): Promise<R[]>;
  start(): Promise<void>;
  /** Fast shutdown: open transactions roll back, every session ends, the WAL is flushed. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-faults-pg-'));
  const port = await freePort();
  const env = { ...process.env, PG_PORT: String(port), PG_DIR: dir, SERVICES_DIR: dir };
  const script = (command: string) => run('bash', [join(REPO, 'scripts/services/postgres.sh'), command], { env, timeout: 120_000 });
  await script('start');
  const url = (db = 'idp') => `postgres://idp:idp@127.0.0.1:${port}/${db}`;
  const admin = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], db = 'postgres'): Promise<R[]> => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${db}` });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return {
    port,
    url,
    admin,
    createDatabase: async (prefix) => {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      await admin(`CREATE DATABASE ${name} OWNER idp`);
      return url(name);
    },
    terminateSessions: async (db, applicationName) => {
      const rows = await admin<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND ($2::text IS NULL OR application_name = $2)`,
        [db, applicationName ?? null],
      );
      return rows.filter((r) => r.ok).length;
    },
    start: async () => void (await script('start')),
    stop: async () => void (await script('stop')),
    destroy: async () => {
      await script('stop').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      // postgres.sh falls back to /tmp/idp-pg-<port> when the postgres user cannot reach PG_DIR.
      await rm(`/tmp/idp-pg-${port}`, { recursive: true, force: true });
    },
  };
}
