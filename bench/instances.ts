/**
 * Sign-ins/s with one and with two API instances on one database (issue 20, point 5): two real
 * `node dist/src/main.js` processes with PROJECTIONS=external and one `node dist/projections/main.js`,
 * on a fresh PostgreSQL database, sharing MASTER_KEY, the admin key and PUBLIC_BASE_URL. 32
 * closed-loop clients in this process send USER_PASSWORD_AUTH either all to instance A, or to A
 * and B in turn (per request, as a round-robin balancer would); the two configurations alternate
 * round by round with the raw argon2id verify rate of the machine (the reference), in one run.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/instances.js
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Algorithm, hash as rsHash, verify as rsVerify } from '@node-rs/argon2';
import { WireError } from './support/cognito-app.js';
import { freshPgDatabase, serverUrl } from './support/databases.js';
import { type ClosedLoopResult, closedLoop, mergeRounds } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, repoPath, runAlone } from './support/paths.js';
import { type SectionId, writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio } from './support/stats.js';

const CLIENTS = 32;
/** Enough that no two of the 32 loops sign the same user in at once. */
const USERS = scaled(64);
const ROUNDS = 4;
/** Measured time per configuration, split over the rounds. */
const MEASURE_MS = scaled(10_000);
const FIRST_WARMUP_MS = scaled(2_000);
const ROUND_WARMUP_MS = scaled(1_000);
const SEED_CONCURRENCY = 8;
const PASSWORD = 'Bench-Horse-Battery-9';
const TARGET = 'AWSCognitoIdentityProviderService.InitiateAuth';
const ADMIN = { accessKeyId: `AKIABENCH${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
/** Not in bench/support/results.ts's SECTIONS list: written after the others. */
const SECTION = 'instances' as SectionId;

/** CPU ticks (utime + stime) of a child process, for its share of each phase. */
const CLOCK_TICKS = 100;

interface Service {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Resolves once the process exited and its output is all read. */
  closed: Promise<void>;
  /** CPU seconds used so far (from /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

interface Phase {
  result: ClosedLoopResult;
  /** CPU of each child during the window, in % of one core. */
  childCpu: Map<string, number>;
  /** Requests each instance served during the window. */
  served: number[];
}

export async function benchInstances(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const fresh = await freshPgDatabase();
  const dirs: string[] = [];
  const services: Service[] = [];
  const wires: SourceWire[] = [];
  try {
    const [portA, portB] = [await freePort(), await freePort()];
    const env: Record<string, string> = {
      DATABASE_URL: fresh.url,
      KAFKA_BROKERS: '',
      EVENTSTORE_URL: '',
      PRODUCTION: 'true',
      MASTER_KEY: randomBytes(32).toString('base64url'),
      ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
      ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
      // What the balancer would be: the same issuer whichever instance signs.
      PUBLIC_BASE_URL: 'http://cairn.bench.invalid',
      PROJECTIONS: 'external',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    };
    const start = async (name: string, script: string, extra: Record<string, string> = {}) => {
      const dir = await mkdtemp(join(os.tmpdir(), `cairn-bench-${name}-`));
      dirs.push(dir);
      const service = startService(name, script, { ...env, DATA_DIR: dir, ...extra });
      services.push(service);
      return service;
    };
    console.log('instances: starting one projection process and two API instances');
    await start('projections', 'dist/projections/main.js');
    await start('api-a', 'dist/src/main.js', { PORT: String(portA) });
    await start('api-b', 'dist/src/main.js', { PORT: String(portB) });
    const urls = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
    for (const url of urls) await waitReady(url, services);

    const seedStart = performance.now();
    const clientId = await seed(urls[0]);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`instances: seeded ${USERS} confirmed users in ${seedSeconds.toFixed(1)} s`);

    wires.push(new SourceWire(urls[0]), new SourceWire(urls[1]));
    // One sign-in per user before anything is measured, on A and B in turn: the first password
    // sign-in of a user whose password predates SRP records its SRP verifier (a 3072-bit modular
    // exponentiation on the instance's main thread, seconds on this box); the rounds measure the
    // steady state after it.
    const warmStart = performance.now();
    // One at a time per instance: each blocks its instance's event loop meanwhile.
    for (let i = 0; i < USERS; i += 2) {
      await Promise.all(
        Array.from({ length: Math.min(2, USERS - i) }, (_, k) =>
          wires[(i + k) % 2].call(sourceAddress(k), TARGET, {
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: clientId,
            AuthParameters: { USERNAME: `user-${i + k}`, PASSWORD },
          }),
        ),
      );
    }
    const warmSeconds = (performance.now() - warmStart) / 1000;
    console.log(`instances: first sign-in of every user in ${warmSeconds.toFixed(1)} s`);
    const served = [0, 0];
    let nextUser = 0;
    let turn = 0;
    const signIn = (instances: number) => async (worker: number) => {
      const i = instances === 1 ? 0 : turn++ % 2;
      const username = `user-${nextUser++ % USERS}`;
      const r = await wires[i].call<{ AuthenticationResult?: { AccessToken?: string } }>(sourceAddress(worker), TARGET, {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD },
      });
      if (!r.AuthenticationResult?.AccessToken) throw new Error('sign-in answered without tokens');
      served[i]++;
    };
    // The reference: argon2id verifies at the service's own (default) parameters, in this process.
    const referenceHash = await rsHash(PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const verify = async () => {
      if (!(await rsVerify(referenceHash, PASSWORD))) throw new Error('argon2 rejected its own hash');
    };

    const phase = async (warmupMs: number, op: (worker: number) => Promise<void>): Promise<Phase> => {
      let cpu0: Map<string, number> | undefined;
      let served0: number[] = [];
      let t0 = 0;
      const result = await closedLoop({
        workers: CLIENTS,
        warmupMs,
        durationMs: MEASURE_MS / ROUNDS,
        onMeasureStart: () => {
          cpu0 = new Map(services.map((s) => [s.name, s.cpuSeconds()]));
          served0 = [...served];
          t0 = performance.now();
        },
        op,
      });
      const seconds = (performance.now() - t0) / 1000;
      const childCpu = new Map(services.map((s) => [s.name, ((s.cpuSeconds() - (cpu0?.get(s.name) ?? 0)) / seconds) * 100]));
      return { result, childCpu, served: served.map((n, i) => n - (served0[i] ?? 0)) };
    };

    const one: Phase[] = [];
    const two: Phase[] = [];
    const verifies: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const warmup = round === 0 ? FIRST_WARMUP_MS : ROUND_WARMUP_MS;
      console.log(`instances: round ${round + 1}/${ROUNDS}, one instance`);
      one.push(await phase(warmup, signIn(1)));
      console.log(`instances: round ${round + 1}/${ROUNDS}, two instances`);
      two.push(await phase(warmup, signIn(2)));
      console.log(`instances: round ${round + 1}/${ROUNDS}, argon2 verify reference`);
      verifies.push(await phase(warmup, verify));
    }
    writeSection(SECTION, report({ one, two, verifies, seedSeconds, warmSeconds, machine: formatMachine(machine, 'node dist/bench/instances.js') }));
  } finally {
    for (const w of wires) w.close();
    await Promise.all(services.map((s) => s.stop()));
    await fresh.drop().catch(() => undefined);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

function report(r: { one: Phase[]; two: Phase[]; verifies: Phase[]; seedSeconds: number; warmSeconds: number; machine: string }): string {
  const one = mergeRounds(r.one.map((p) => p.result));
  const two = mergeRounds(r.two.map((p) => p.result));
  const verify = mergeRounds(r.verifies.map((p) => p.result));
  const cpu = (phases: Phase[], name: string) => phases.reduce((a, p) => a + (p.childCpu.get(name) ?? 0), 0) / phases.length;
  const servedText = (phases: Phase[]) => {
    const a = phases.reduce((s, p) => s + p.served[0], 0);
    const b = phases.reduce((s, p) => s + p.served[1], 0);
    return `${num(a)} / ${num(b)}`;
  };
  const lat = (x: ClosedLoopResult) => {
    const d = distribution(x.latencies);
    return `${ms(d.p50)} / ${ms(d.p99)}`;
  };
  const failures = (x: ClosedLoopResult) => {
    const n = [...x.failures.values()].reduce((a, b) => a + b, 0);
    return n === 0 ? '0' : `${n} (${[...x.failures].map(([k, v]) => `${k}: ${v}`).join(', ')})`;
  };
  const row = (label: string, x: ClosedLoopResult, phases: Phase[]) => [
    label,
    `**${num(x.perSecond, 1)}**`,
    ratio(x.perSecond, verify.perSecond),
    lat(x),
    servedText(phases),
    `A ${cpu(phases, 'api-a').toFixed(0)}%, B ${cpu(phases, 'api-b').toFixed(0)}%, projections ${cpu(phases, 'projections').toFixed(0)}%`,
    pct(x.cpu.machinePct),
    failures(x),
  ];
  const scaling = two.perSecond / one.perSecond;
  const threads = process.env.UV_THREADPOOL_SIZE ?? '4 (default)';
  const perInstance = Math.min((Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1, os.availableParallelism() + 1);
  return [
    `## Scaling out: sign-ins/s with one and with two API instances on one database`,
    '',
    r.machine,
    `- A fresh bench_<random> database on the PostgreSQL server above, shared by every process below`,
    `- Processes (each its own Node, UV_THREADPOOL_SIZE=${threads}): two API instances \`node dist/src/main.js\` (A and B) with ` +
      `PROJECTIONS=external, PRODUCTION=true and the same MASTER_KEY, admin key and PUBLIC_BASE_URL, and one ` +
      `\`node dist/projections/main.js\`; all three stay up for the whole run (in the one-instance rounds B idles).`,
    `- One pool, one app client (ALLOW_USER_PASSWORD_AUTH), ${num(USERS)} users made CONFIRMED through the SDK on A ` +
      `(AdminCreateUser + AdminSetUserPassword(Permanent), ${r.seedSeconds.toFixed(0)} s), then signed in once each, on A and B ` +
      `in turn, before any round (${r.warmSeconds.toFixed(0)} s): a user's first password sign-in records the SRP verifier ` +
      `an admin-set password lacks, a 3072-bit modular exponentiation on the instance's main thread that took seconds here, ` +
      `and the rounds measure the sign-ins after it.`,
    `- Clients: ${CLIENTS} closed loops in the benchmark process (not in the servers' processes) sending unsigned ` +
      `\`InitiateAuth\` USER_PASSWORD_AUTH over keep-alive HTTP/1.1, users round-robin, each loop from its own loopback ` +
      `address (127.0.1.1-${CLIENTS}): from a single address the sign-in guard admits at most 20 guesses in flight ` +
      `(failures and attempts under way count against the address), which 32 loops exceed. One instance: every request to A. ` +
      `Two instances: requests to A and B in turn, as a round-robin balancer sends them (no balancer process in between, ` +
      `so neither configuration pays for one). ${num(MEASURE_MS / 1000)} s measured per configuration in ${ROUNDS} rounds ` +
      `alternating one, two, reference (${num(FIRST_WARMUP_MS / 1000)} s warm-up before the first round, ${num(ROUND_WARMUP_MS / 1000)} s before later ones).`,
    `- Reference: raw \`@node-rs/argon2\` verifies (m=19456 KiB, t=2, p=1, the service's default) in the benchmark ` +
      `process, ${CLIENTS} in flight, on the same idle servers: what the box's cores do with nothing but argon2.` +
      scaleNote(),
    '',
    markdownTable(
      ['Configuration', 'Sign-ins/s', 'vs argon2 verifies/s', 'p50 / p99', 'Served by A / B', 'CPU of the processes (% of a core)', 'Machine busy', 'Failures'],
      [
        row('One API instance', one, r.one),
        row('Two API instances', two, r.two),
        [
          'Reference: argon2 verifies',
          `${num(verify.perSecond, 1)}`,
          '1×',
          lat(verify),
          '-',
          `benchmark process ${verify.cpu.processPct.toFixed(0)}%`,
          pct(verify.cpu.machinePct),
          failures(verify),
        ],
      ],
    ),
    '',
    `**Two instances against one: ${scaling.toFixed(2)}×** (${num(two.perSecond, 1)} against ${num(one.perSecond, 1)} sign-ins/s, same run).`,
    '',
    `Reading it: a sign-in is one argon2id verify (19 MiB, memory-hard) plus two RS256 signatures, all on libuv's ` +
      `thread pool; each instance lets at most ${perInstance} verifies run at once (min(pool size - 1, cores + 1)), so ` +
      `one instance already keeps both of this box's ${os.availableParallelism()} cores busy` +
      ` (machine ${pct(one.cpu.machinePct)} busy with one instance). A second instance on the same cores cannot ` +
      `add throughput; what it shows is that it costs none: ` +
      (scaling > 1.1
        ? `the rate with two is ${((scaling - 1) * 100).toFixed(0)}% above the rate with one here, more than the cores ` +
          `allow for argon2 alone: one instance left some of the box unused (its event loop or its ${perInstance} verify slots ` +
          `were the limit, not the cores), and both instances served their half.`
        : scaling >= 0.9
          ? `the rate with two is within ${Math.abs((1 - scaling) * 100).toFixed(0)}% of the rate with one, and both instances served their half.`
          : `the rate with two is ${((1 - scaling) * 100).toFixed(0)}% below the rate with one here (two processes' ` +
            `argon2 jobs and event loops compete for the same two cores, and their caches are warmed twice); re-run before reading much into it.`) +
      ` Sign-ins share nothing in memory between instances (the lockout rows, the auth log and the refresh-token ` +
      `families are in the database), so on a machine with more cores, or with the instances on separate machines, the ` +
      `rate grows with the cores given to argon2 until PostgreSQL's commits (one \`appendMany\` and two small guard ` +
      `statements per sign-in) become the limit.`,
  ].join('\n');
}

/**
 * Each client loop connects from its own loopback address (127.0.1.<n>), as distinct users do: the
 * sign-in guard counts guesses in flight per source address (at most 20 with failures), so 32
 * loops from one address would measure that limit, not the instances.
 */
const sourceAddress = (worker: number) => `127.0.1.${worker + 1}`;

/** Unsigned Cognito wire calls over keep-alive HTTP/1.1 from a chosen local address (WireClient has none). */
class SourceWire {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
  private readonly port: number;

  constructor(url: string) {
    this.port = Number(new URL(url).port);
  }

  call<T>(localAddress: string, target: string, input: unknown): Promise<T> {
    const body = JSON.stringify(input);
    return new Promise<T>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          localAddress,
          path: '/',
          method: 'POST',
          agent: this.agent,
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

/** A percentage, or n/a when /proc could not tell. */
const pct = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)}%` : 'n/a');

/** A pool, an app client for password sign-ins and USERS confirmed users, through instance A. */
async function seed(url: string): Promise<string> {
  const sdk = new CognitoIdentityProviderClient({ endpoint: url, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1 });
  try {
    const poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench-instances' }))).UserPool!.Id!;
    const clientId = (
      await sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    for (let i = 0; i < USERS; i += SEED_CONCURRENCY) {
      await Promise.all(
        Array.from({ length: Math.min(SEED_CONCURRENCY, USERS - i) }, async (_, k) => {
          const Username = `user-${i + k}`;
          await sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }));
          await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
        }),
      );
    }
    return clientId;
  } finally {
    sdk.destroy();
  }
}

function startService(name: string, script: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, [repoPath(script)], { cwd: repoPath('.'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    name,
    child,
    output: () => out,
    closed,
    cpuSeconds: () => {
      try {
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      } catch {
        return Number.NaN;
      }
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Polls /health/ready (database, schema, projections caught up) for up to a minute. */
async function waitReady(url: string, services: Service[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const exited = services.find((s) => s.child.exitCode !== null);
    if (exited) {
      await exited.closed;
      throw new Error(`${exited.name} exited (${exited.child.exitCode}):\n${exited.output()}`);
    }
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after 60 s:\n${services.map((s) => `--- ${s.name}\n${s.output()}`).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
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

if (isMain(import.meta.url)) runAlone(benchInstances);
