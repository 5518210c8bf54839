import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN, adminAuth, freePort } from '../support/app.js';
import { eventually } from '../support/wait.js';

const REPO = resolve(import.meta.dirname, '../..');

/** `node dist/src/main.js` (built by `npm test` before jest) on PGlite in a temp folder. */
async function startService(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cairn-shutdown-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'dist/src/main.js')], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Empty values count as unset: the shared PostgreSQL and Kafka of the test run stay out of it.
    env: {
      ...process.env,
      DATABASE_URL: '',
      KAFKA_BROKERS: '',
      EVENTSTORE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ADMIN_ACCESS_KEY_ID: ADMIN.id,
      ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; at: number }>((r) => child.once('exit', (code) => r({ code, at: Date.now() })));
  await eventually(() => stdout.includes('cairn listening') || (child.exitCode !== null && Promise.reject(new Error(stderr))), 30_000, 'the service to listen');
  const logs = () =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message?: string } });
  return {
    port,
    child,
    exit,
    logs,
    stderr: () => stderr,
    cleanup: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exit;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a request and sends its headers only; resolves once the server has taken it (100 Continue). */
async function openRequest(port: number, body: string): Promise<{ socket: Socket; finish(): Promise<string>; closed: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((r) => socket.once('close', () => r(received)));
  socket.write(
    `POST /v1/user-pools HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${adminAuth}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
  );
  // Node answers 100 Continue right before handing the request to the app: it is now in flight.
  await eventually(() => received.includes('100 Continue'), 10_000, '100 Continue');
  return {
    socket,
    closed,
    finish: async () => {
      socket.write(body);
      return closed;
    },
  };
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((r) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), r(false)));
    s.once('error', (e: NodeJS.ErrnoException) => r(e.code === 'ECONNREFUSED'));
  });

const statusOf = (raw: string) => Number(/HTTP\/1\.1 (?!100)(\d{3})/.exec(raw)?.[1]);

describe('graceful shutdown (SIGTERM)', () => {
  it('stops accepting, lets the request in flight finish, exits 0 within SHUTDOWN_TIMEOUT_MS with no error logged', async () => {
    const service = await startService({ SHUTDOWN_TIMEOUT_MS: '8000' });
    try {
      const request = await openRequest(service.port, JSON.stringify({ name: 'drained' }));
      const signalledAt = Date.now();
      service.child.kill('SIGTERM');
      await eventually(() => refusesConnections(service.port), 5000, 'new connections to be refused');

      const response = await request.finish();
      expect(statusOf(response)).toBeGreaterThanOrEqual(200);
      expect(statusOf(response)).toBeLessThan(300);
      expect(response).toContain('"poolId"');

      const { code, at } = await service.exit;
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(8000);
      const logs = service.logs();
      expect(logs.filter((l) => l.level >= 50)).toEqual([]);
      expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: no new connections, draining requests', 'stopped']));
      expect(service.stderr()).not.toMatch(/error/i);
    } finally {
      await service.cleanup();
    }
  });

  it('a request still running at the drain bound is cut off, and the process still exits 0 in time', async () => {
    const service = await startService({ SHUTDOWN_TIMEOUT_MS: '3000' });
    try {
      const stalled = await openRequest(service.port, JSON.stringify({ name: 'never-sent' }));
      const signalledAt = Date.now();
      service.child.kill('SIGTERM');
      await stalled.closed; // the server closed it at the bound (half of SHUTDOWN_TIMEOUT_MS)
      const { code, at } = await service.exit;
      expect(code).toBe(0);
      expect(at - signalledAt).toBeGreaterThanOrEqual(1400);
      expect(at - signalledAt).toBeLessThan(3000);
      const logs = service.logs();
      // The cut-off request itself reaches the REST error filter as Node's "aborted" body error
      // (a client-side failure it logs at error level); nothing else may be an error.
      const isAbortedRequest = (l: { err?: { message?: string } }) => l.err?.message === 'aborted';
      expect(logs.filter((l) => l.level >= 50 && !isAbortedRequest(l))).toEqual([]);
      expect(logs.find((l) => l.level === 40 && /cut off/.test(l.msg))).toBeDefined();
    } finally {
      await service.cleanup();
    }
  });
});
