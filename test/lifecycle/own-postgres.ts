import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/app.js';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../../scripts/services/postgres.sh');

/**
 * A PostgreSQL server of the test's own (scripts/services/postgres.sh on a free port, data in
 * a temp folder), which the test may stop and start: never the shared one the suite runs on.
 */
export interface OwnPostgres {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-own-pg-'));
  const env = { ...process.env, PG_PORT: String(await freePort()), PG_DIR: dir, SERVICES_DIR: dir };
  const pg = (command: string) => run('bash', [SCRIPT, command], { env, timeout: 120_000 });
  const destroy = async () => {
    await pg('stop').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    // postgres.sh falls back to /tmp/idp-pg-<port> when the postgres user cannot reach PG_DIR.
    await rm(`/tmp/idp-pg-${env.PG_PORT}`, { recursive: true, force: true });
  };
  try {
    await pg('start');
  } catch (error) {
    await destroy();
    throw error;
  }
  const url = (await pg('env')).stdout.trim().replace(/^export DATABASE_URL=/, '');
  return {
    url,
    start: async () => void (await pg('start')),
    stop: async () => void (await pg('stop')),
    destroy,
  };
}
