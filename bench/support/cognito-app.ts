import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createServer as createNetServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CachingEventStore } from '../../src/event-store/caching-event-store.js';
import { loadConfig } from '../../src/config/config.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { createLogger, createPlatform, type Platform } from '../../src/platform/platform.js';
import { createServer } from '../../src/server.js';
import { freshPgDatabase } from './databases.js';
import { repoPath } from './paths.js';

/**
 * The real app (platform + Nest + Fastify) in this process on a loopback port, as
 * test/support/app.ts starts it for the e2e tests (bench is compiled apart from test/, so it
 * is repeated here): fresh storage, silent logs, a known admin key for the SDK.
 */
export type BenchStorage = 'postgres' | 'pglite';

export interface BenchApp {
  url: string;
  platform: Platform;
  admin: { accessKeyId: string; secretAccessKey: string };
  /** Store calls made through `platform.store` (the request path) since the last reset. */
  storeCalls: StoreCallCounter;
  /** What the storage is, for the report. */
  describe(): Promise<string>;
  /**
   * CPU used so far by each PostgreSQL backend serving this app's database (read from /proc, so
   * only for a server on this machine); undefined on PGlite (its work is this process's). Compare
   * two readings with `backendCpuBetween`.
   */
  backendCpu(): Promise<BackendCpu | undefined>;
  /**
   * SQL statements this process has sent to PostgreSQL so far (every pg client: request path,
   * projections, NOTIFY); undefined on PGlite.
   */
  sqlStatements(): number | undefined;
  /** Stops the server and the platform, drops the database and deletes the data folder. */
  destroy(): Promise<void>;
}

/** `env`: more configuration (as environment variables), e.g. Kafka and trigger hooks. */
export async function startBenchApp(storage: BenchStorage, env: Record<string, string> = {}): Promise<BenchApp> {
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cairn-bench-app-'));
  const fresh = storage === 'postgres' ? await freshPgDatabase() : undefined;
  const admin = {
    accessKeyId: `AKIABENCH${randomBytes(6).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  const port = await freePort();
  let stop = async () => undefined as void;
  try {
    const config = loadConfig({
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_ACCESS_KEY_ID: admin.accessKeyId,
      ADMIN_SECRET_ACCESS_KEY: admin.secretAccessKey,
      ...(fresh ? { DATABASE_URL: fresh.url } : {}),
      ...env,
    });
    if (storage === 'postgres') countSqlStatements();
    const platform = await createPlatform(config, createLogger(config));
    // Request handlers reach the store through `platform.store`: count what they ask of it.
    const storeCalls = countStoreCalls(platform.store);
    platform.store = storeCalls.store;
    const app = await createServer(platform);
    stop = async () => {
      await app.close();
      await platform.close();
    };
    await app.listen(port, '127.0.0.1');
    return {
      url: `http://127.0.0.1:${port}`,
      platform,
      admin,
      storeCalls,
      describe: async () => {
        const r = await platform.db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
        return storage === 'postgres'
          ? `a fresh bench_<random> database on the PostgreSQL ${r.rows[0].v} server above, through the app's own pool (20 connections)`
          : `PGlite ${pgliteVersion()} (PostgreSQL ${r.rows[0].v}, WASM, in-process) in a temporary DATA_DIR on local disk`;
      },
      backendCpu: async () => {
        if (storage !== 'postgres') return undefined;
        const r = await platform.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
        const ticks: BackendCpu = new Map();
        for (const { pid } of r.rows) {
          const t = procTicks(pid);
          if (t !== undefined) ticks.set(pid, t);
        }
        return ticks;
      },
      sqlStatements: () => (storage === 'postgres' ? statementsSent : undefined),
      destroy: async () => {
        await stop();
        await fresh?.drop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop().catch(() => undefined);
    await fresh?.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export interface StoreCallCounter {
  store: EventStore;
  /**
   * Calls per store method, plus `events read` (events returned by readStream) and
   * `from memory` (readStream calls the platform's stream cache answered).
   */
  snapshot(): Map<string, number>;
  reset(): void;
}

/** A pass-through store that counts calls by method name (a Proxy, so new methods are counted too). */
function countStoreCalls(inner: EventStore): StoreCallCounter {
  const counts = new Map<string, number>();
  const bump = (key: string, by = 1) => counts.set(key, (counts.get(key) ?? 0) + by);
  const store = new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        bump(prop);
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (prop === 'readStream' && result instanceof Promise) {
          return result.then((events: unknown) => {
            if (Array.isArray(events)) bump('events read', events.length);
            return events;
          });
        }
        return result;
      };
    },
  });
  const hits = () => (inner instanceof CachingEventStore ? inner.hits : 0);
  let hits0 = hits();
  return {
    store,
    snapshot: () => new Map([...counts, ['from memory', hits() - hits0]]),
    reset: () => {
      counts.clear();
      hits0 = hits();
    },
  };
}

/** CPU clock ticks used so far, by backend pid. */
export type BackendCpu = Map<number, number>;

/**
 * Backend CPU seconds between two readings: what each backend alive at the end used since the
 * first (all of it for backends started since). A backend that exited in between takes its
 * share with it, so this can only under-count.
 */
export function backendCpuBetween(before: BackendCpu, after: BackendCpu): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / CLOCK_TICKS;
}

let statementsSent = 0;
let statementCounterInstalled = false;

/** Counts `pg.Client#query` calls process-wide (pool.query and transactions both end there). */
function countSqlStatements(): void {
  if (statementCounterInstalled) return;
  statementCounterInstalled = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    statementsSent++;
    return original.apply(this, args);
  };
}

/** USER_HZ: /proc/<pid>/stat counts CPU time in these (100 on Linux). */
const CLOCK_TICKS = 100;

/** utime + stime of a process, in clock ticks; undefined when it is gone or not readable. */
function procTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function pgliteVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(repoPath('node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '(version unknown)';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A Cognito wire error (or an unexpected answer), named after its `__type` so failures group by it. */
export class WireError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = type;
  }
}

/**
 * Unsigned Cognito wire calls (`POST /`, `X-Amz-Target`) over keep-alive HTTP/1.1 with
 * node:http: less client work per call than fetch or the SDK, which matters because the
 * client shares this process's event loop with the server it measures.
 */
export class WireClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;
  private next = 0;

  /**
   * Calls go out from `sockets` loopback addresses in turn (127.0.1.1, 127.0.1.2, ...), as calls
   * of distinct users do: from a single address the service's sign-in guard admits at most 20
   * guesses in flight, which 32 concurrent sign-ins exceed.
   */
  constructor(
    url: string,
    private readonly sockets: number,
  ) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** The parsed JSON answer of a 200; anything else rejects with a WireError. */
  call<T = Record<string, unknown>>(target: string, input: unknown): Promise<T> {
    const body = JSON.stringify(input);
    return new Promise<T>((resolve, reject) => {
      const request = http.request(
        {
          host: this.host,
          port: this.port,
          path: '/',
          method: 'POST',
          agent: this.agent,
          localAddress: `127.0.1.${(this.next++ % this.sockets) + 1}`,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: { __type?: string; message?: string } | undefined;
            try {
              json = JSON.parse(text) as typeof json;
            } catch {
              json = undefined;
            }
            if (response.statusCode === 200 && json) resolve(json as T);
            else reject(new WireError(json?.__type ?? `HTTP${response.statusCode}`, json?.message ?? text.slice(0, 200), response.statusCode ?? 0));
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
