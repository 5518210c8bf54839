/**
 * Chaos run (outside `npm test`): the service under sign-up load while its process is SIGKILLed
 * and its database restarted, round after round; then every acknowledged sign-up is looked up.
 *
 *   npm run chaos -- [--rounds 6] [--faults kill,restart,immediate] [--workers 6] [--load-ms 3000]
 *
 * Starts a PostgreSQL server of its own (scripts/services/postgres.sh on a free port, data in a
 * temp folder, synchronous_commit on so a crash keeps what it acknowledged) and the compiled
 * service (dist/src/main.js). Faults, taken in turn:
 *   kill       SIGKILL the service, start it again on the same data
 *   restart    stop the database (fast shutdown: every session ends) and start it again
 *   immediate  stop the database without a shutdown checkpoint (a crash: recovery replays WAL)
 * Prints, per round, how long until the first acknowledged sign-up, and at the end the
 * acknowledged / lost / in-doubt counts. Exits 1 if an acknowledged sign-up was lost.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import pg from 'pg';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
const ADMIN = { id: 'AKIACHAOSADMIN000001', secret: 'chaos-admin-secret-0123456789abcdefghijk' };
const PASSWORD = 'Correct-Horse-9';
type Fault = 'kill' | 'restart' | 'immediate';

interface Options {
  rounds: number;
  faults: Fault[];
  workers: number;
  loadMs: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { rounds: 6, faults: ['kill', 'restart', 'immediate'], workers: 6, loadMs: 3000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--rounds') options.rounds = Number(value);
    else if (flag === '--workers') options.workers = Number(value);
    else if (flag === '--load-ms') options.loadMs = Number(value);
    else if (flag === '--faults') options.faults = value.split(',') as Fault[];
    else throw new Error(`unknown option ${flag} (see the head of scripts/chaos.ts)`);
  }
  const bad = options.faults.filter((f) => !['kill', 'restart', 'immediate'].includes(f));
  if (bad.length || !(options.rounds > 0) || !(options.workers > 0)) throw new Error(`bad options: ${JSON.stringify(options)}`);
  return options;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/** The throwaway PostgreSQL server. */
async function database(dir: string) {
  const port = await freePort();
  const env = { ...process.env, PG_PORT: String(port), PG_DIR: dir, SERVICES_DIR: dir };
  const script = (command: string) => run('bash', [join(REPO, 'scripts/services/postgres.sh'), command], { env, timeout: 120_000 });
  const superuser = async (sql: string) => {
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await script('start');
  // The test cluster turns synchronous_commit off for speed; a crash would then lose commits it
  // acknowledged, which is the database's choice, not the service's. Measure the service.
  await superuser(`ALTER SYSTEM SET synchronous_commit = on`);
  await superuser(`SELECT pg_reload_conf()`);
  await superuser(`CREATE DATABASE chaos OWNER idp`);
  // Where postgres.sh put the cluster (it falls back to /tmp when the postgres user cannot reach PG_DIR).
  const dataDir = async () => (await superuser(`SHOW data_directory`)).rows[0].data_directory as string;
  const data = await dataDir();
  const bin = (
    await run('bash', ['-c', 'd=$(command -v pg_ctl) && dirname "$(readlink -f "$d")" || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'])
  ).stdout.trim();
  const asPostgres = (args: string[]) => (process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', ...args]) : run(args[0], args.slice(1)));
  return {
    url: `postgres://idp:idp@127.0.0.1:${port}/chaos`,
    start: () => script('start'),
    stop: () => script('stop'),
    crash: () => asPostgres([join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']),
    destroy: async () => {
      await script('stop').catch(() => undefined);
      await rm(`/tmp/idp-pg-${port}`, { recursive: true, force: true });
    },
  };
}

/** The compiled service as a child process; restartable on the same data. */
function service(env: Record<string, string>) {
  let child: ChildProcess | undefined;
  let output = '';
  const url = `http://127.0.0.1:${env.PORT}`;
  return {
    url,
    output: () => output,
    start: async () => {
      child = spawn(process.execPath, [join(REPO, 'dist/src/main.js')], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      for (let i = 0; i < 600; i++) {
        if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode}):\n${output.slice(-3000)}`);
        if (
          await fetch(`${url}/health`).then(
            (r) => r.ok,
            () => false,
          )
        )
          return;
        await sleep(50);
      }
      throw new Error('service did not answer /health within 30 s');
    },
    alive: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    kill: async (signal: NodeJS.Signals) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill(signal);
      await exited;
    },
  };
}

/** ok: 200; refused: an error status; no answer: sent, the connection died; not sent: connection refused. */
type Result = 'ok' | 'refused' | 'no answer' | 'not sent';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dir = await mkdtemp(join(tmpdir(), 'cairn-chaos-'));
  const db = await database(join(dir, 'pg'));
  const app = service({
    PORT: String(await freePort()),
    DATA_DIR: join(dir, 'data'),
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    ADMIN_ACCESS_KEY_ID: ADMIN.id,
    ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
  });
  try {
    await app.start();
    const sdk = (maxAttempts: number) =>
      new CognitoIdentityProviderClient({
        endpoint: app.url,
        region: 'eu-west-1',
        credentials: { accessKeyId: ADMIN.id, secretAccessKey: ADMIN.secret },
        maxAttempts,
      });
    const admin = sdk(3);
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'chaos' }))).UserPool!.Id!;
    const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'chaos' }))).UserPoolClient!.ClientId!;

    // Load: one attempt per call, so each outcome is what a client without retries would see.
    const outcomes = new Map<string, { result: Result; at: number; detail?: string }>();
    const once = sdk(1);
    let stopped = false;
    let n = 0;
    const worker = async () => {
      while (!stopped) {
        const username = `c${n++}`;
        const at = Date.now();
        try {
          await once.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
          outcomes.set(username, { result: 'ok', at });
        } catch (error) {
          const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
          const status = e.$metadata?.httpStatusCode;
          // Refused before anything was sent: certainly not written. Anything else may have been.
          const neverSent = !status && e.code === 'ECONNREFUSED';
          outcomes.set(username, {
            result: neverSent ? 'not sent' : status ? 'refused' : 'no answer',
            at,
            detail: status ? `${status} ${e.name}` : (e.code ?? e.name),
          });
          if (!status) await sleep(20); // no server listening: do not spin
        }
      }
    };
    const workers = Array.from({ length: options.workers }, worker);
    const firstOkAfter = async (t: number) => {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
        const ok = [...outcomes.values()].filter((o) => o.result === 'ok' && o.at >= t).map((o) => o.at);
        if (ok.length) return Math.min(...ok);
        await sleep(10);
      }
      throw new Error(`no sign-up acknowledged within 60 s of recovery:\n${app.output().slice(-3000)}`);
    };

    const rounds: { round: number; fault: Fault; outageMs: number; recoveryMs: number }[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      await sleep(options.loadMs);
      const fault = options.faults[(round - 1) % options.faults.length];
      const at = Date.now();
      let backAt: number;
      if (fault === 'kill') {
        await app.kill('SIGKILL');
        await app.start();
        backAt = Date.now();
      } else {
        if (fault === 'restart') await db.stop();
        else await db.crash();
        await db.start();
        backAt = Date.now();
        if (!app.alive()) throw new Error(`the service died during a database ${fault}:\n${app.output().slice(-3000)}`);
      }
      const firstOk = await firstOkAfter(backAt);
      rounds.push({ round, fault, outageMs: backAt - at, recoveryMs: firstOk - backAt });
      process.stdout.write(
        `round ${round}: ${fault.padEnd(9)} down ${String(backAt - at).padStart(5)} ms, first acknowledged sign-up ${firstOk - backAt} ms after it was back\n`,
      );
    }
    await sleep(options.loadMs);
    stopped = true;
    await Promise.all(workers);

    // Let the directory catch up, then compare with what clients were told.
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    try {
      for (let i = 0; i < 600; i++) {
        const lag = await fetch(`${app.url}/v1/admin/projections`, {
          headers: { authorization: `Basic ${Buffer.from(`${ADMIN.id}:${ADMIN.secret}`).toString('base64')}` },
        }).then((r) => r.json() as Promise<{ projections: { eventsBehind: number }[] }>);
        if (lag.projections.every((p) => p.eventsBehind === 0)) break;
        await sleep(100);
      }
      const inLog = new Set(
        (await check.query<{ u: string }>(`SELECT data->>'username' AS u FROM es_events WHERE type = 'UserSignedUp'`)).rows.map((r) => r.u),
      );
      const listed = new Set((await check.query<{ u: string }>(`SELECT username AS u FROM rm_users_v1`)).rows.map((r) => r.u));
      const all = [...outcomes.entries()];
      const acked = all.filter(([, o]) => o.result === 'ok');
      const lost = acked.filter(([u]) => !inLog.has(u) || !listed.has(u));
      const notSent = all.filter(([, o]) => o.result === 'not sent');
      const inDoubt = all.filter(([, o]) => o.result === 'refused' || o.result === 'no answer');
      const inDoubtWritten = inDoubt.filter(([u]) => inLog.has(u));
      const notSentWritten = notSent.filter(([u]) => inLog.has(u));
      const kinds = new Map<string, number>();
      for (const [, o] of inDoubt) kinds.set(o.detail ?? o.result, (kinds.get(o.detail ?? o.result) ?? 0) + 1);
      const recovery = rounds.map((r) => r.recoveryMs).sort((a, b) => a - b);
      process.stdout.write(
        [
          '',
          `sign-ups sent        ${all.length}`,
          `acknowledged (200)   ${acked.length}`,
          `lost                 ${lost.length}${
            lost.length
              ? `  ${lost
                  .slice(0, 10)
                  .map(([u]) => u)
                  .join(', ')}`
              : ''
          }`,
          `in doubt             ${inDoubt.length} (sent, no 200: ${[...kinds].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}); ${inDoubtWritten.length} of them were written`,
          `not sent             ${notSent.length} (connection refused while the service was down); ${notSentWritten.length} written`,
          `recovery (back -> first 200)  min ${recovery[0]} ms, median ${recovery[Math.floor(recovery.length / 2)]} ms, max ${recovery.at(-1)} ms`,
          '',
        ].join('\n'),
      );
      if (lost.length > 0 || notSentWritten.length > 0) process.exitCode = 1;
    } finally {
      await check.end();
    }
  } finally {
    await app.kill('SIGTERM');
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
