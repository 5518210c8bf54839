import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { repoPath } from '../support/paths.js';
import { sleep } from '../support/stats.js';

/**
 * Services run as processes of their own, so their memory and CPU can be read from /proc
 * apart from the load generator's: this service (`node dist/src/main.js`) and a peer such as
 * Keycloak.
 */

/** USER_HZ: /proc/<pid>/stat counts CPU time in these (100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * Where a process's resident memory is, from /proc/<pid>/smaps: file-backed mappings (the node
 * binary's and libraries' code), the brk heap (malloc's main arena), and anonymous mappings (V8's
 * heap pages, other malloc arenas, thread stacks), with the largest anonymous ones.
 */
export function rssBreakdown(pid: number): { file: number; brk: number; anon: number; largestAnon: number[] } {
  const text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  let file = 0;
  let brk = 0;
  let anon = 0;
  const anons: number[] = [];
  let kind: 'file' | 'brk' | 'anon' = 'anon';
  for (const line of text.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1].trim();
      kind = name === '[heap]' ? 'brk' : name.startsWith('/') ? 'file' : 'anon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const bytes = Number(rss[1]) * 1024;
    if (kind === 'file') file += bytes;
    else if (kind === 'brk') brk += bytes;
    else {
      anon += bytes;
      anons.push(bytes);
    }
  }
  return { file, brk, anon, largestAnon: anons.sort((x, y) => y - x).slice(0, 5) };
}

/** Resident set size of a process in bytes (VmRSS), or NaN once it is gone. */
export function rssBytes(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size since the process started (VmHWM), in bytes. */
export function peakRssBytes(pid: number): number {
  return statusField(pid, 'VmHWM');
}

function statusField(pid: number, field: string): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process used so far, or NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Child pids of a process (from /proc, Linux 3.5+). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export const mib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : 'n/a');

/** Samples a process's RSS every `everyMs` until stopped: the peak and the last reading. */
export function rssSampler(pid: () => number, everyMs = 200): { stop(): { peak: number; last: number; mean: number } } {
  let peak = 0;
  let last = Number.NaN;
  let sum = 0;
  let n = 0;
  const take = () => {
    const v = rssBytes(pid());
    if (!Number.isFinite(v)) return;
    last = v;
    peak = Math.max(peak, v);
    sum += v;
    n++;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, last, mean: n ? sum / n : Number.NaN };
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A child process whose output is kept (the last 20 kB) for error messages. */
export interface Child {
  name: string;
  child: ChildProcess;
  output(): string;
  exited(): boolean;
  /** SIGTERM (to the whole process group when detached), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; detached?: boolean; ipc?: boolean },
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoPath('.'),
    env: options.env,
    detached: options.detached ?? false,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const signal = (sig: NodeJS.Signals) => {
    try {
      // Detached: the child leads its own process group, so its own children (a JVM started by a
      // shell script) get the signal too.
      if (options.detached && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  return {
    name,
    child,
    output: () => out,
    exited,
    stop: async (graceMs = 20_000) => {
      if (exited()) return;
      const killer = setTimeout(() => signal('SIGKILL'), graceMs);
      signal('SIGTERM');
      await done;
      clearTimeout(killer);
    },
  };
}

/** Polls `url` until it answers 200, the child exits, or `timeoutMs` passes. */
export async function waitHttpOk(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exited()) throw new Error(`${child.name} exited (${child.child.exitCode ?? child.child.signalCode}):\n${child.output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} not ready at ${url} after ${timeoutMs / 1000} s:\n${child.output()}`);
    await sleep(250);
  }
}

export interface CairnProcess {
  url: string;
  pid: number;
  admin: { accessKeyId: string; secretAccessKey: string };
  child: Child;
  /** process.memoryUsage() and V8 heap statistics of the service, through the memory probe (when started with it). */
  memory(options?: { gc?: boolean }): Promise<ServiceMemory>;
  /** Writes a V8 heap snapshot of the service to `path` (memory probe only). */
  heapSnapshot(path: string): Promise<string>;
  stop(): Promise<void>;
}

export interface ServiceMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** V8's heap spaces: used bytes by space name. */
  spaces: Record<string, number>;
}

/**
 * The node flags `npm start` gives the service (package.json's start script, e.g.
 * `--max-semi-space-size=16`), so the benchmarks run it exactly as it is launched.
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> };
  const match = /\bnode\s+(.*?)\s*dist\/src\/main\.js/.exec(pkg.scripts.start ?? '');
  return match?.[1] ? match[1].split(/\s+/).filter(Boolean) : [];
}

/**
 * This service as production runs it: `node <npm start's flags> dist/src/main.js` (PRODUCTION=true, a master key,
 * projections in-process, no Kafka, logs at warn) on a loopback port against `databaseUrl`.
 * With `probe`, the process also loads dist/bench/peers/memory-probe.js (`--import`), which
 * answers memory questions over the IPC channel and does nothing else.
 */
export async function startCairn(options: { databaseUrl: string; dataDir: string; probe?: boolean; env?: Record<string, string> }): Promise<CairnProcess> {
  const port = await freePort();
  const admin = {
    accessKeyId: `AKIABENCH${randomBytes(6).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: options.dataDir,
    KAFKA_BROKERS: '',
    EVENTSTORE_URL: '',
    PRODUCTION: 'true',
    MASTER_KEY: randomBytes(32).toString('base64url'),
    ADMIN_ACCESS_KEY_ID: admin.accessKeyId,
    ADMIN_SECRET_ACCESS_KEY: admin.secretAccessKey,
    PUBLIC_BASE_URL: url,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    ...options.env,
  };
  const args = [...startFlags(), ...(options.probe ? ['--import', repoPath('dist/bench/peers/memory-probe.js')] : []), repoPath('dist/src/main.js')];
  const child = startChild('cairn', process.execPath, args, { env, ipc: options.probe });
  let nextId = 0;
  const ask = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise((resolve, reject) => {
      if (!options.probe) return reject(new Error('started without the memory probe'));
      const id = nextId++;
      const onMessage = (m: { id?: number; result?: T; error?: string }) => {
        if (m.id !== id) return;
        child.child.off('message', onMessage);
        if (m.error) reject(new Error(m.error));
        else resolve(m.result as T);
      };
      child.child.on('message', onMessage);
      child.child.send({ ...message, id });
    });
  try {
    await waitHttpOk(`${url}/health/ready`, child, 90_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    url,
    pid: child.child.pid!,
    admin,
    child,
    memory: (o) => ask<ServiceMemory>({ type: 'memory', gc: o?.gc ?? false }),
    heapSnapshot: (path) => ask<string>({ type: 'heap-snapshot', path }),
    stop: () => child.stop(),
  };
}
