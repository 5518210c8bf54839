/**
 * Sign-in throughput of the running app over the Cognito wire protocol: USER_PASSWORD_AUTH
 * with 32 concurrent clients against the raw argon2id verify rate measured in the same run
 * (target ratio ≥ 0.8), and REFRESH_TOKEN_AUTH per second (target ≥ 1,500/s) against the
 * rate of the two RS256 signatures each refresh needs. On PostgreSQL, then on PGlite.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/sign-in.js
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Algorithm, hash as rsHash, verify as rsVerify } from '@node-rs/argon2';
import { decodeJwt, type JWTPayload } from 'jose';
import { backendCpuBetween, type BenchApp, type BenchStorage, startBenchApp, WireClient } from './support/cognito-app.js';
import { formatCpu } from './support/cpu.js';
import { serverUrl } from './support/databases.js';
import { closedLoop, mergeRounds, type ClosedLoopResult } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio, sleep } from './support/stats.js';

const CLIENTS = 32;
const USERS = scaled(200);
/** Measured time per operation, split into rounds that alternate with its reference. */
const MEASURE_MS = scaled(10_000);
const ROUNDS = 4;
const FIRST_WARMUP_MS = scaled(2_000);
const ROUND_WARMUP_MS = scaled(1_000);
const DIAG_MS = scaled(5_000);
/** Operations one at a time on the idle app for this long (at least MIN_PROBES), to count store calls and CPU. */
const PROBE_MS = scaled(3_000);
const MIN_PROBES = 10;
/** After the probes, time for the in-process projections to catch up. */
const SETTLE_MS = 300;
/** How long the one-core RS256 signing rate is measured. */
const SIGN_RATE_MS = scaled(2_000);
const SEED_CONCURRENCY = 8;
/** Refresh tokens the refresh clients cycle through (each one a sign-in's family). */
const MAX_REFRESH_TOKENS = 2_000;
const TARGET_RATIO = 0.8;
const TARGET_REFRESH = 1_500;
const PASSWORD = 'Bench-Horse-Battery-9';
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService';

interface Probe {
  /** Unloaded latencies, one operation at a time. */
  latencies: number[];
  /** Store calls per operation (mean over the probes), by method, plus `events read`. */
  storeCalls: Map<string, number>;
  /** CPU per operation of this process (all threads: argon2 and WebCrypto included). */
  processCpuMs: number;
  /** CPU per operation of the PostgreSQL backends of the app's database; undefined on PGlite. */
  backendCpuMs: number | undefined;
  /** SQL statements per operation sent by this whole process (request path and projections); undefined on PGlite. */
  sqlStatements: number | undefined;
}

interface Phase {
  result: ClosedLoopResult;
  /** Event-loop utilisation of this process during the phase (0..1): the server and the clients share it. */
  elu: number;
  /** SQL statements this process sent per operation during the phase (PostgreSQL only). */
  sqlPerOp: number | undefined;
}

interface StorageRun {
  label: string;
  storage: string;
  seedSeconds: number;
  signIns: Phase;
  verifies: Phase;
  refreshes: Phase;
  signPairs: Phase;
  httpFloor: Phase;
  /** Sign-ins with the password verify replaced by a stub: the rest of a sign-in, on its own. */
  withoutVerify: Phase;
  probes: { signIn: Probe; verify: Probe; refresh: Probe; signPair: Probe };
  refreshTokens: number;
  /** RS256 signatures/s on one core, node:crypto synchronous. */
  signRate: number;
  /** argon2id parameters of the service (and of the reference). */
  argon2: string;
}

interface AuthResult {
  AuthenticationResult?: { AccessToken?: string; IdToken?: string; RefreshToken?: string };
}

export async function benchSignIn(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const runs: StorageRun[] = [];
  const errors: string[] = [];
  for (const [label, storage] of [
    ['PostgreSQL', 'postgres'],
    ['PGlite', 'pglite'],
  ] as const) {
    try {
      runs.push(await measureStorage(label, storage));
    } catch (error) {
      // PGlite is the optional second half: keep the PostgreSQL figures if it fails.
      if (storage === 'postgres') throw error;
      console.error(`sign-in (${label}) failed:`, error);
      errors.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  writeSection('sign-in', report(runs, errors, formatMachine(machine, 'node dist/bench/sign-in.js')));
}

async function measureStorage(label: string, storage: BenchStorage): Promise<StorageRun> {
  console.log(`sign-in (${label}): starting the app`);
  const app = await startBenchApp(storage);
  const wire = new WireClient(app.url, CLIENTS);
  try {
    const storageText = await app.describe();
    const seedStart = performance.now();
    const { clientId, poolId } = await seed(app);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`sign-in (${label}): seeded ${USERS} confirmed users in ${seedSeconds.toFixed(1)} s`);

    const usernames = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    const refreshTokens: string[] = [];
    const keepToken = (token: string | undefined) => {
      if (!token) return;
      if (refreshTokens.length < MAX_REFRESH_TOKENS) refreshTokens.push(token);
      else refreshTokens[Math.floor(Math.random() * MAX_REFRESH_TOKENS)] = token;
    };
    let nextUser = 0;
    const signIn = async () => {
      const username = usernames[nextUser++ % USERS];
      const r = await wire.call<AuthResult>(`${TARGET_PREFIX}.InitiateAuth`, {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD },
      });
      if (!r.AuthenticationResult?.AccessToken) throw new Error('sign-in answered without tokens');
      keepToken(r.AuthenticationResult.RefreshToken);
      return r.AuthenticationResult;
    };
    let nextToken = 0;
    const refresh = async () => {
      const token = refreshTokens[nextToken++ % refreshTokens.length];
      const r = await wire.call<AuthResult>(`${TARGET_PREFIX}.InitiateAuth`, {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: token },
      });
      if (!r.AuthenticationResult?.AccessToken || !r.AuthenticationResult.IdToken) throw new Error('refresh answered without tokens');
    };

    // The reference verifies a hash made at the service's own parameters.
    const { ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM } = app.platform.config;
    const referenceHash = await rsHash(PASSWORD, {
      algorithm: Algorithm.Argon2id,
      memoryCost: ARGON2_MEMORY_KIB,
      timeCost: ARGON2_ITERATIONS,
      parallelism: ARGON2_PARALLELISM,
    });
    const verify = async () => {
      if (!(await rsVerify(referenceHash, PASSWORD))) throw new Error('argon2 rejected its own hash');
    };

    // The refresh reference: the two signatures a refresh makes, with the pool's key and
    // claims copied from real tokens (same sizes), in-process without HTTP or storage.
    const sample = await signIn();
    const accessClaims = stripTimes(decodeJwt(sample.AccessToken!));
    const idClaims = stripTimes(decodeJwt(sample.IdToken!));
    const signPair = async () => {
      await Promise.all([
        app.platform.keyRing.sign(poolId, accessClaims, { expiresInSeconds: 3600 }),
        app.platform.keyRing.sign(poolId, idClaims, { expiresInSeconds: 3600 }),
      ]);
    };
    // One token per user before the refresh phase even in a smoke run.
    for (const batch of chunks(usernames, CLIENTS)) {
      await Promise.all(batch.map(async () => signIn()));
    }

    console.log(`sign-in (${label}): probes (one operation at a time, idle app)`);
    // The access token's signing input (header.payload) is what RS256 hashes and signs.
    const signRate = syncSignRate(sample.AccessToken!.split('.').slice(0, 2).join('.'));
    const probes = {
      signIn: await probe(app, signIn),
      verify: await probe(app, verify),
      refresh: await probe(app, refresh),
      signPair: await probe(app, signPair),
    };

    const signInRounds: Phase[] = [];
    const verifyRounds: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const warmupMs = round === 0 ? FIRST_WARMUP_MS : ROUND_WARMUP_MS;
      console.log(`sign-in (${label}): round ${round + 1}/${ROUNDS}, argon2 verify reference`);
      verifyRounds.push(await phase(app, warmupMs, verify));
      console.log(`sign-in (${label}): round ${round + 1}/${ROUNDS}, USER_PASSWORD_AUTH`);
      signInRounds.push(await phase(app, warmupMs, signIn));
    }

    const refreshRounds: Phase[] = [];
    const signPairRounds: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const warmupMs = round === 0 ? FIRST_WARMUP_MS : ROUND_WARMUP_MS;
      console.log(`sign-in (${label}): round ${round + 1}/${ROUNDS}, RS256 pair reference`);
      signPairRounds.push(await phase(app, warmupMs, signPair));
      console.log(`sign-in (${label}): round ${round + 1}/${ROUNDS}, REFRESH_TOKEN_AUTH over ${num(refreshTokens.length)} tokens`);
      refreshRounds.push(await phase(app, warmupMs, refresh));
    }

    // The floor of any wire call: HTTP, Fastify and the route, refused before any lookup.
    console.log(`sign-in (${label}): breakdown, unknown-operation wire calls`);
    const httpFloor = await phase(
      app,
      ROUND_WARMUP_MS,
      async () => {
        try {
          await wire.call(`${TARGET_PREFIX}.BenchNoSuchOperation`, {});
        } catch (error) {
          if (error instanceof Error && error.name === 'UnknownOperationException') return;
          throw error;
        }
        throw new Error('an unknown operation was answered');
      },
      DIAG_MS,
    );

    // The rest of a sign-in without the verify next to it: how much of its cost under load is
    // the work itself, and how much is running beside 19 MiB memory-hard verifies on shared cores.
    console.log(`sign-in (${label}): breakdown, sign-ins with the verify stubbed`);
    const hasher = app.platform.hasher;
    const realVerify = hasher.verify;
    hasher.verify = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return true;
    };
    let withoutVerify: Phase;
    try {
      withoutVerify = await phase(app, ROUND_WARMUP_MS, signIn, DIAG_MS);
    } finally {
      hasher.verify = realVerify;
    }

    return {
      label,
      storage: storageText,
      withoutVerify,
      seedSeconds,
      signIns: mergePhases(signInRounds),
      verifies: mergePhases(verifyRounds),
      refreshes: mergePhases(refreshRounds),
      signPairs: mergePhases(signPairRounds),
      httpFloor,
      probes,
      refreshTokens: refreshTokens.length,
      signRate,
      argon2: `m=${ARGON2_MEMORY_KIB} KiB, t=${ARGON2_ITERATIONS}, p=${ARGON2_PARALLELISM}`,
    };
  } finally {
    wire.close();
    await app.destroy();
  }
}

/** A pool, an app client for password and refresh sign-ins, and USERS confirmed users. */
async function seed(app: BenchApp): Promise<{ poolId: string; clientId: string }> {
  const sdk = new CognitoIdentityProviderClient({ endpoint: app.url, region: app.platform.config.REGION, credentials: app.admin, maxAttempts: 1 });
  try {
    const poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench-sign-in' }))).UserPool!.Id!;
    const clientId = (
      await sdk.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'bench',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!.ClientId!;
    const indexes = Array.from({ length: USERS }, (_, i) => i);
    // AdminCreateUser + AdminSetUserPassword(Permanent): CONFIRMED without any message or code.
    for (const batch of chunks(indexes, SEED_CONCURRENCY)) {
      await Promise.all(
        batch.map(async (i) => {
          const Username = `user-${i}`;
          await sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }));
          await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
        }),
      );
    }
    return { poolId, clientId };
  } finally {
    sdk.destroy();
  }
}

async function phase(app: BenchApp, warmupMs: number, op: () => Promise<unknown>, durationMs = MEASURE_MS / ROUNDS): Promise<Phase> {
  let elu0: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  let sql0: number | undefined;
  const result = await closedLoop({
    workers: CLIENTS,
    warmupMs,
    durationMs,
    onMeasureStart: () => {
      elu0 = performance.eventLoopUtilization();
      sql0 = app.sqlStatements();
    },
    op: async () => {
      await op();
    },
  });
  const elu = elu0 ? performance.eventLoopUtilization(elu0).utilization : Number.NaN;
  const sql1 = app.sqlStatements();
  // Statements sent while the window was open (and by operations finishing just after it) per completed operation.
  const sqlPerOp = sql0 !== undefined && sql1 !== undefined && result.ops > 0 ? (sql1 - sql0) / result.ops : undefined;
  return { result, elu, sqlPerOp };
}

function mergePhases(phases: readonly Phase[]): Phase {
  const sql = phases.map((p) => p.sqlPerOp).filter((v): v is number => v !== undefined);
  return {
    result: mergeRounds(phases.map((p) => p.result)),
    elu: phases.reduce((a, p) => a + p.elu, 0) / phases.length,
    sqlPerOp: sql.length ? sql.reduce((a, b) => a + b, 0) / sql.length : undefined,
  };
}

/**
 * RS256 signatures per second on one core with node:crypto, synchronously (no thread pool, no
 * WebCrypto): the machine's own ceiling for the signatures, whatever the code around them does.
 */
function syncSignRate(signingInput: string): number {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from(signingInput);
  sign('sha256', data, privateKey); // warm
  let n = 0;
  const t0 = performance.now();
  const end = t0 + SIGN_RATE_MS;
  while (performance.now() < end) {
    sign('sha256', data, privateKey);
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function probe(app: BenchApp, op: () => Promise<unknown>): Promise<Probe> {
  await op(); // first-call costs (JIT, caches) stay out of the counts
  app.storeCalls.reset();
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const backend0 = await app.backendCpu();
  const sql0 = app.sqlStatements();
  const end = performance.now() + PROBE_MS;
  while (latencies.length < MIN_PROBES || performance.now() < end) {
    const t0 = performance.now();
    await op();
    latencies.push(performance.now() - t0);
  }
  // Let the projections finish with the probes' events, so their statements and CPU count.
  await sleep(SETTLE_MS);
  const cpu = process.cpuUsage(cpu0);
  const sql1 = app.sqlStatements();
  const backend1 = await app.backendCpu();
  const n = latencies.length;
  return {
    latencies,
    storeCalls: new Map([...app.storeCalls.snapshot()].map(([k, v]) => [k, v / n])),
    processCpuMs: (cpu.user + cpu.system) / 1000 / n,
    backendCpuMs: backend0 && backend1 ? (backendCpuBetween(backend0, backend1) * 1000) / n : undefined,
    sqlStatements: sql0 !== undefined && sql1 !== undefined ? (sql1 - sql0) / n : undefined,
  };
}

/** `iat`/`exp` are set by the signer. */
function stripTimes(claims: JWTPayload): JWTPayload {
  const { iat: _iat, exp: _exp, ...rest } = claims;
  return rest;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function failures(r: ClosedLoopResult): string {
  const n = [...r.failures.values()].reduce((a, b) => a + b, 0);
  return n === 0 ? '0' : `${n} (${[...r.failures].map(([k, v]) => `${k}: ${v}`).join(', ')})`;
}

const lat = (r: ClosedLoopResult) => {
  const d = distribution(r.latencies);
  return `${ms(d.p50)} / ${ms(d.p99)}`;
};

const elu = (p: Phase) => (Number.isFinite(p.elu) ? `${(p.elu * 100).toFixed(0)}%` : 'n/a');

/** `readStream 5 (12 events), findUniqueHolder 1, append 2` */
function storeCallText(calls: Map<string, number>): string {
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  const parts: string[] = [];
  for (const [name, count] of calls) {
    if (name === 'events read' || name === 'from memory') continue;
    const memory = calls.get('from memory') ?? 0;
    parts.push(
      name === 'readStream'
        ? `readStream ${fmt(count)} (${fmt(calls.get('events read') ?? 0)} events${memory > 0 ? `; ${fmt(memory)} from memory` : ''})`
        : `${name} ${fmt(count)}`,
    );
  }
  return parts.length ? parts.join(', ') : 'none';
}

const p50 = (values: readonly number[]) => distribution(values).p50;

/** `12.3 ms + 4.5 ms PostgreSQL` */
function cpuText(p: Probe): string {
  return p.backendCpuMs === undefined ? `${ms(p.processCpuMs)} (PGlite included)` : `${ms(p.processCpuMs)} + ${ms(p.backendCpuMs)} PostgreSQL`;
}

const totalCpu = (p: Probe) => p.processCpuMs + (p.backendCpuMs ?? 0);

/**
 * Statements the request path itself sends, from its store calls (see sql-event-store.ts): one per
 * read the stream cache did not answer (a `readStreams` is one statement whatever it reads), one
 * per append or `appendMany` (the es_append functions: revision, unique values and events in one
 * round trip). The NOTIFY after a write is not counted here (sign-ins send none).
 */
function requestStatements(calls: Map<string, number>): number {
  const get = (k: string) => calls.get(k) ?? 0;
  const reads = Math.max(0, get('readStream') - get('from memory')) + get('readStreams');
  return reads + get('findUniqueHolder') + get('append') + get('appendMany');
}

/** This process's CPU per operation under load (ms): all its threads, so argon2 and signing included. */
const loadCpuMs = (p: Phase) => (p.result.cpu.processPct / 100 / p.result.perSecond) * 1000;

function underLoad(p: Phase, decimals: number): string {
  const parts = [`${num(p.result.perSecond, decimals)}/s`, ms(loadCpuMs(p))];
  if (p.sqlPerOp !== undefined && p.sqlPerOp >= 1) parts.push(`${num(p.sqlPerOp, 1)} statements`);
  return parts.join(', ');
}

/** SQL statements per operation, or n/a on PGlite. */
const statements = (p: Probe) => (p.sqlStatements === undefined ? 'n/a' : num(p.sqlStatements, 1));

function report(runs: StorageRun[], errors: string[], machine: string): string {
  const signInTable = markdownTable(
    [
      'Storage',
      'Sign-ins/s',
      'Reference: argon2 verifies/s',
      `Ratio (target ≥ ${TARGET_RATIO})`,
      'Sign-in p50 / p99',
      'Verify p50 / p99',
      'Failures',
      'CPU during sign-ins',
      'Event loop busy',
    ],
    runs.map((r) => [
      r.label,
      `**${num(r.signIns.result.perSecond, 1)}**`,
      num(r.verifies.result.perSecond, 1),
      // Three decimals: the target is a threshold, and 0.798 must not read as 0.80.
      `**${(r.signIns.result.perSecond / r.verifies.result.perSecond).toFixed(3)}×**`,
      lat(r.signIns.result),
      lat(r.verifies.result),
      failures(r.signIns.result),
      formatCpu(r.signIns.result.cpu),
      elu(r.signIns),
    ]),
  );
  const refreshTable = markdownTable(
    [
      'Storage',
      `Refreshes/s (target ≥ ${num(TARGET_REFRESH)})`,
      'Reference: RS256 pairs/s',
      'Ratio',
      'Refresh p50 / p99',
      'RS256 pair p50 / p99',
      'Failures',
      'CPU during refreshes',
      'Event loop busy',
    ],
    runs.map((r) => [
      r.label,
      `**${num(r.refreshes.result.perSecond)}**`,
      num(r.signPairs.result.perSecond),
      `**${ratio(r.refreshes.result.perSecond, r.signPairs.result.perSecond)}**`,
      lat(r.refreshes.result),
      lat(r.signPairs.result),
      failures(r.refreshes.result),
      formatCpu(r.refreshes.result.cpu),
      elu(r.refreshes),
    ]),
  );
  const breakdown = markdownTable(
    [
      'Storage',
      'Operation',
      'Unloaded p50',
      'CPU per operation: this process + PostgreSQL backends',
      'Store calls per operation (request path)',
      'SQL statements per operation (whole process)',
      `Under load (${CLIENTS} clients): rate, CPU of this process per operation, SQL statements per operation`,
    ],
    runs.flatMap((r) => [
      [
        r.label,
        'USER_PASSWORD_AUTH',
        ms(p50(r.probes.signIn.latencies)),
        cpuText(r.probes.signIn),
        storeCallText(r.probes.signIn.storeCalls),
        statements(r.probes.signIn),
        underLoad(r.signIns, 1),
      ],
      [r.label, 'argon2 verify (reference)', ms(p50(r.probes.verify.latencies)), cpuText(r.probes.verify), '—', '—', underLoad(r.verifies, 1)],
      [
        r.label,
        'REFRESH_TOKEN_AUTH',
        ms(p50(r.probes.refresh.latencies)),
        cpuText(r.probes.refresh),
        storeCallText(r.probes.refresh.storeCalls),
        statements(r.probes.refresh),
        underLoad(r.refreshes, 0),
      ],
      [r.label, 'Two RS256 signatures (reference)', ms(p50(r.probes.signPair.latencies)), cpuText(r.probes.signPair), '—', '—', underLoad(r.signPairs, 0)],
      [
        r.label,
        'Unknown operation (HTTP floor)',
        '—',
        '—',
        'none',
        '—',
        `${num(r.httpFloor.result.perSecond)}/s (${formatCpu(r.httpFloor.result.cpu)}; event loop ${elu(r.httpFloor)} busy)`,
      ],
      [
        r.label,
        'USER_PASSWORD_AUTH with the verify stubbed (diagnostic)',
        '—',
        '—',
        'as above',
        '—',
        `${num(r.withoutVerify.result.perSecond)}/s, ${ms(loadCpuMs(r.withoutVerify))} (${formatCpu(r.withoutVerify.result.cpu)})`,
      ],
    ]),
  );

  const pgRun = runs.find((r) => r.label === 'PostgreSQL');
  const notes: string[] = [];
  if (pgRun) notes.push(...pgNotes(pgRun));
  const lite = runs.find((r) => r.label === 'PGlite');
  if (lite) {
    notes.push(
      `PGlite: ${num(lite.signIns.result.perSecond, 1)} sign-ins/s (${ratio(lite.signIns.result.perSecond, lite.verifies.result.perSecond)} of its ` +
        `verify reference) and ${num(lite.refreshes.result.perSecond)} refreshes/s (${ratio(lite.refreshes.result.perSecond, lite.signPairs.result.perSecond)} ` +
        `of its signing reference), event loop ${elu(lite.signIns)} / ${elu(lite.refreshes)} busy. PGlite runs every statement on the Node ` +
        `main thread, so each round trip above is main-thread CPU that HTTP, JSON and the projections also need; the same round-trip ` +
        `cuts help it most. It is the embedded single-node default, not the production store.`,
    );
  }
  for (const e of errors) notes.push(`Not measured: ${e}`);

  const seeds = runs.map((r) => `${r.label} ${r.seedSeconds.toFixed(0)} s`).join(', ');
  const threads = process.env.UV_THREADPOOL_SIZE ?? '4 (default)';
  return `## Sign-in: USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, ${CLIENTS} concurrent clients

${machine}
${runs.map((r) => `- ${r.label}: ${r.storage}`).join('\n')}${scaleNote()}
- The real app (\`createPlatform\` + \`createServer\`, LOG_LEVEL silent, projections in-process) in this process on a
  loopback port; one pool, one app client (ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH, no secret, no rotation),
  ${USERS} users made CONFIRMED through the SDK with AdminCreateUser + AdminSetUserPassword(Permanent) (${seeds}).
- Clients: ${CLIENTS} closed loops sending unsigned \`InitiateAuth\` over keep-alive HTTP/1.1 (node:http, no SDK), each call from one of ${CLIENTS} loopback addresses in turn (127.0.1.1–${CLIENTS}: from one address the sign-in guard admits at most 20 guesses in flight), users
  taken round-robin; each operation checks it got tokens. ${MEASURE_MS / 1000} s measured per operation in ${ROUNDS} rounds that
  alternate with the reference (${FIRST_WARMUP_MS / 1000} s warm-up before the first round, ${ROUND_WARMUP_MS / 1000} s before later ones).
  The clients share this process's event loop with the server, so their own work (part of the HTTP floor below) counts against the rates.
- Sign-in reference: raw \`@node-rs/argon2\` verify of a hash made at the service's parameters (${runs[0]?.argon2 ?? 'n/a'}),
  ${CLIENTS} in flight, same process, alternating rounds. Verifies and WebCrypto's RS256 signatures both run on libuv's thread
  pool (UV_THREADPOOL_SIZE=${threads}).
- Refresh reference: the two RS256 signatures (access + ID token) a refresh makes, through the app's own \`keyRing.sign\`
  with the pool's key and claims copied from real tokens, ${CLIENTS} pairs in flight, in-process (no HTTP, no storage): the
  cryptographic floor of a refresh. Refresh tokens cycle over those the sign-ins issued (up to ${num(MAX_REFRESH_TOKENS)}).
- Signing ceiling of the machine: RSA-2048 SHA-256 signatures per second on one core with synchronous \`node:crypto\`
  (${SIGN_RATE_MS / 1000} s, same signing input size as an access token): ${runs.map((r) => `${num(r.signRate)}/s (${r.label} run)`).join(', ')}.

USER_PASSWORD_AUTH:

${signInTable}

REFRESH_TOKEN_AUTH:

${refreshTable}

Breakdown: each operation one at a time on the idle app for ${PROBE_MS / 1000} s (latency; CPU from \`process.cpuUsage()\` and the
database's backends in /proc; store calls counted on \`platform.store\`, which the request handlers use), and the HTTP floor
(${DIAG_MS / 1000} s, ${CLIENTS} clients, \`X-Amz-Target\` of an unknown operation, refused before any lookup):

${breakdown}

**What this means / next steps**

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

function pgNotes(r: StorageRun): string[] {
  const notes: string[] = [];
  const signInRatio = r.signIns.result.perSecond / r.verifies.result.perSecond;
  const { signIn, verify, refresh, signPair } = r.probes;
  notes.push(
    signInRatio >= TARGET_RATIO
      ? `Target sign-ins ≥ ${TARGET_RATIO}× the argon2 verify rate on PostgreSQL: **met** (${signInRatio.toFixed(3)}×: ` +
          `${num(r.signIns.result.perSecond, 1)}/s against ${num(r.verifies.result.perSecond, 1)} verifies/s).`
      : `Target sign-ins ≥ ${TARGET_RATIO}× the argon2 verify rate on PostgreSQL: **not met** (${signInRatio.toFixed(3)}×: ` +
          `${num(r.signIns.result.perSecond, 1)}/s against ${num(r.verifies.result.perSecond, 1)} verifies/s).`,
  );
  // On a CPU-bound box sign-ins can reach at most (CPU of a verify) / (CPU of a sign-in) of the verify rate.
  const ceiling = totalCpu(verify) / totalCpu(signIn);
  const loadRatio = loadCpuMs(r.verifies) / loadCpuMs(r.signIns);
  notes.push(
    `Where the time goes: ` +
      (r.signIns.result.cpu.machinePct >= 85
        ? `the machine's ${os.availableParallelism()} cores were saturated during the sign-ins (${r.signIns.result.cpu.machinePct.toFixed(0)}% busy), so the ratio is a CPU budget. `
        : `the machine was ${r.signIns.result.cpu.machinePct.toFixed(0)}% busy during the sign-ins. `) +
      `One at a time, a sign-in costs ${cpuText(signIn)} of CPU against ${ms(totalCpu(verify))} for the ` +
      `verify alone: everything but the verify (${storeCallText(signIn.storeCalls)} on the store, ${statements(signIn)} SQL statements ` +
      `counting NOTIFY and the projections' reads, two RS256 signatures, HTTP) costs ${ms(totalCpu(signIn) - totalCpu(verify))}, ` +
      `which caps the ratio near ${ceiling.toFixed(2)}×. Under load this process spent ${ms(loadCpuMs(r.signIns))} per sign-in against ` +
      `${ms(loadCpuMs(r.verifies))} per verify (${loadRatio.toFixed(2)}×, PostgreSQL's share not included)` +
      (r.signIns.sqlPerOp !== undefined ? ` and sent ${num(r.signIns.sqlPerOp, 1)} statements per sign-in (the projections batch under load)` : '') +
      `; measured ${signInRatio.toFixed(2)}×. A ratio of ${TARGET_RATIO} on a CPU-bound box needs the non-verify work below ` +
      `${ms(totalCpu(verify) * (1 / TARGET_RATIO - 1))} per sign-in, about a quarter of the verify.` +
      (signInRatio < Math.min(ceiling, loadRatio) * 0.9
        ? ` The measured ratio is below even that: the event loop was ${elu(r.signIns)} busy, so the main thread, which every ` +
          `round trip passes through and which competes with ${threads()} argon2 threads for 2 cores, set the pace.`
        : ''),
  );
  const verifyP50 = distribution(r.verifies.result.latencies).p50;
  const signInP50 = distribution(r.signIns.result.latencies).p50;
  notes.push(
    `Latency: sign-in p50 ${ms(signInP50)} is ${(signInP50 / verifyP50).toFixed(1)}× the verify p50 under the same load. With ${CLIENTS} ` +
      `closed-loop clients the latency is ${CLIENTS} / rate, so it follows the rate: verifies wait in the hasher's queue (at most ` +
      `${maxVerifies()} in flight, one thread-pool thread left for the RS256 signatures); unloaded, a sign-in takes ` +
      `${ms(p50(signIn.latencies))} against ${ms(p50(verify.latencies))} for the verify.`,
  );
  const refreshRate = r.refreshes.result.perSecond;
  const cores = os.availableParallelism();
  const signCeiling = (cores * r.signRate) / 2;
  notes.push(
    (refreshRate >= TARGET_REFRESH
      ? `Target REFRESH_TOKEN_AUTH ≥ ${num(TARGET_REFRESH)}/s on PostgreSQL: **met** (${num(refreshRate)}/s).`
      : `Target REFRESH_TOKEN_AUTH ≥ ${num(TARGET_REFRESH)}/s on PostgreSQL: **not met** (${num(refreshRate)}/s, ` +
        `${((refreshRate / TARGET_REFRESH) * 100).toFixed(0)}% of it).`) +
      ` Each refresh signs two RS256 tokens (RSA-2048, as Cognito's), and one core of this box signs ${num(r.signRate)}/s with ` +
      `node:crypto and nothing else to do, so ${cores} cores cap refreshes at about ${num(signCeiling)}/s before any other work; ` +
      `the app's own signing path reaches ${num(r.signPairs.result.perSecond)} pairs/s. ` +
      ((2 * TARGET_REFRESH) / r.signRate >= cores
        ? `${num(TARGET_REFRESH)}/s is out of reach on this machine whatever the request path does: its signatures alone need ` +
          `${((2 * TARGET_REFRESH) / r.signRate).toFixed(2)} cores, and it has ${cores}. `
        : `At ${num(TARGET_REFRESH)}/s the signatures alone would take ${((2 * TARGET_REFRESH) / r.signRate).toFixed(2)} of its ${cores} cores. `) +
      `Refreshes run at ${ratio(refreshRate, r.signPairs.result.perSecond)} of the pair rate: a refresh costs ${cpuText(refresh)} of CPU ` +
      `against ${ms(totalCpu(signPair))} for its two signatures, with ${storeCallText(refresh.storeCalls)} on the store ` +
      `(${statements(refresh)} SQL statements), and the event loop was ${elu(r.refreshes)} busy. The HTTP floor is ` +
      `${num(r.httpFloor.result.perSecond)} calls/s, so HTTP and Fastify take about ${((refreshRate / r.httpFloor.result.perSecond) * 100).toFixed(0)}% ` +
      `of the event loop at this rate; the rest is the request's own work (token building, the family and user read and fold) ` +
      `on the main thread, which the two signatures do not use: they run on the thread pool.`,
  );
  const own = requestStatements(signIn.storeCalls);
  const others = signIn.sqlStatements !== undefined ? Math.max(0, signIn.sqlStatements - own) : undefined;
  const budget = totalCpu(verify) * (1 / TARGET_RATIO - 1);
  notes.push(
    `Done so far (this run measures all of it): a sign-in reads its user and the last auth-log entry in one statement, ` +
      `finds the user through a remembered username (checked against the user's state), takes pool, client and group ` +
      `settings from the stream cache, and writes its auth-log entry and refresh-token family in one \`appendMany\` ` +
      `(one transaction, one round trip, no NOTIFY since nothing reads those types quickly); a refresh reads its family ` +
      `and user in one statement and writes nothing without rotation; the event store's statements are prepared. ` +
      (others !== undefined
        ? `Of the ${statements(signIn)} statements per sign-in above, the request sends ${num(own, 1)} and the in-process ` +
          `projections' polls and checkpoints the other ${num(others, 1)}. `
        : '') +
      `What is left besides the verify: two RS256 signatures (${ms(totalCpu(signPair))} of CPU in the reference), HTTP ` +
      `(the floor above, client and server both in this process), and the main thread's JSON, row decoding, deciding and ` +
      `token building. A ratio of ${TARGET_RATIO} needs all of that within ${ms(budget)} per sign-in; next candidates are ` +
      `the Nest/Fastify route's per-call work and decoding only the event fields a sign-in folds.`,
  );
  // The same work with and without the verifies beside it (this process's CPU only, both under load).
  const alone = loadCpuMs(r.withoutVerify);
  const beside = loadCpuMs(r.signIns) - loadCpuMs(r.verifies);
  notes.push(
    `Contention: with the verify replaced by a stub, the rest of a sign-in costs this process ${ms(alone)} of CPU ` +
      `(${num(r.withoutVerify.result.perSecond)} sign-ins/s); next to the verifies it costs ${ms(beside)} (sign-in minus verify, ` +
      `both under load). ` +
      (beside > alone * 1.2
        ? `So about ${ms(beside - alone)} per sign-in is the same code running slower beside memory-hard verifies ` +
          `(${r.argon2}) on ${os.availableParallelism()} shared cores: caches and memory bandwidth, not more work. On its own the rest ` +
          `would allow about ${(loadCpuMs(r.verifies) / (loadCpuMs(r.verifies) + alone)).toFixed(2)}× (this process's CPU only).`
        : `The verifies barely slow the rest down.`),
  );
  notes.push(
    `The refresh target needs more cores than this box has: two RSA-2048 signatures per refresh at ${num(r.signRate)}/s per ` +
      `core cap ${os.availableParallelism()} cores at ${num(signCeiling)} refreshes/s with nothing else running. Measure it on ` +
      `a machine (or across instances) with at least ${Math.ceil((2 * TARGET_REFRESH) / Math.max(1, r.signRate)) + 1} cores, ` +
      `with UV_THREADPOOL_SIZE at least the core count so the signatures can use them all.`,
  );
  return notes;
}

/** PasswordHasher's limit (min(thread pool size - 1, cores + 1)). */
const maxVerifies = () => Math.max(1, Math.min((Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1, os.availableParallelism() + 1));

function threads(): string {
  return (process.env.UV_THREADPOOL_SIZE ?? '4').split(' ')[0];
}

if (isMain(import.meta.url)) runAlone(benchSignIn);
