import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { createLogger, createPlatform, type Platform, type PlatformOverrides } from '../../src/platform/platform.js';
import { createServer } from '../../src/server.js';
import { freshDatabase } from './postgres.js';

export const ADMIN = { id: 'AKIATESTADMIN0000001', secret: 'test-admin-secret-0123456789abcdefghijkl' };
export const adminAuth = `Basic ${Buffer.from(`${ADMIN.id}:${ADMIN.secret}`).toString('base64')}`;

export interface RunningApp {
  url: string;
  platform: Platform;
  /** Stops the HTTP server and the platform (data stays). */
  stop(): Promise<void>;
  /** stop() and delete the data. */
  destroy(): Promise<void>;
}

export type Storage = 'pglite' | 'postgres';

/** The real app (Nest + Fastify + platform) on a loopback port, on fresh storage. */
/** `overrides` replace parts of the platform (a ManualClock, fixed ids, trigger hooks). */
export async function startApp(
  storage: Storage,
  env: Record<string, string> = {},
  reuse?: { dataDir?: string; databaseUrl?: string },
  overrides: PlatformOverrides & { logStream?: DestinationStream } = {},
): Promise<RunningApp & { dataDir: string; databaseUrl?: string }> {
  const dataDir = reuse?.dataDir ?? (await mkdtemp(join(tmpdir(), 'cairn-app-')));
  let databaseUrl = reuse?.databaseUrl;
  let drop: (() => Promise<void>) | undefined;
  if (storage === 'postgres' && !databaseUrl) {
    const db = await freshDatabase('app');
    databaseUrl = db.url;
    drop = db.drop;
  }
  // A fixed free port, so the public base URL (token issuer) is known before start.
  const port = env.PORT ?? String(await freePort());
  const config = loadConfig({
    PORT: port,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_ACCESS_KEY_ID: ADMIN.id,
    ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const platform = await createPlatform(config, createLogger(config, overrides.logStream), overrides);
  const app = await createServer(platform);
  await app.listen(Number(port), '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await app.close();
    await platform.close();
  };
  return {
    url,
    platform,
    dataDir,
    databaseUrl,
    stop,
    destroy: async () => {
      await stop();
      await drop?.();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** JSON over fetch, returning status and parsed body. */
export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
