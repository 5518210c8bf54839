import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The server the test run was given (scripts/test.sh starts one on loopback when unset). */
export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the suite with `npm test` (it starts PostgreSQL)');
  return url;
}

/** Creates an empty database on the test server; returns its URL and a dropper. */
export async function freshDatabase(prefix = 't'): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(serverUrl());
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
