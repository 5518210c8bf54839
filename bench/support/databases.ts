import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PgliteDatabase, type PgliteOptions } from '../../src/db/pglite-database.js';
import { repoPath } from './paths.js';

/** The PostgreSQL server to measure on; benchmarks never touch its existing databases. */
export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: point it at a PostgreSQL server, e.g. ' + '`bash scripts/services/postgres.sh start && source .services/env`');
  }
  return url;
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** An empty `bench_<random>` database on the server, so runs never see each other's rows. */
export async function freshPgDatabase(): Promise<FreshDatabase> {
  const base = serverUrl();
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: a benchmark that failed half-way may leave pooled connections behind.
    drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'cairn-bench' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TempPglite {
  db: PgliteDatabase;
  /** PGlite package version and the PostgreSQL version compiled into it. */
  describe(): Promise<string>;
  dispose(): Promise<void>;
}

/** PGlite in a temporary folder on disk, as the embedded default runs it (not in memory). */
export async function tempPglite(options?: PgliteOptions): Promise<TempPglite> {
  const dir = await mkdtemp(join(os.tmpdir(), 'cairn-bench-pglite-'));
  const db = await PgliteDatabase.open(dir, options);
  return {
    db,
    describe: async () => {
      const r = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      return `PGlite ${pgliteVersion()} (PostgreSQL ${r.rows[0].v}, WASM, in-process) with its data folder on local disk`;
    },
    dispose: async () => {
      await db.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function pgliteVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(repoPath('node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '(version unknown)';
  }
}
