/**
 * Sign-in throughput of the running app over the Cognito wire protocol: USER_PASSWORD_AUTH
 * with 32 concurrent clients against the raw argon2id verify rate measured in the same run
 * (target ratio ≥ 0.8), and REFRESH_TOKEN_AUTH per second (target ≥ 1,500/s) against the
 * rate of the two RS256 signatures each refresh needs. On PostgreSQL, then on PGlite.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/sign-in.js
 */
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
import { type BenchApp, type BenchStorage, startBenchApp, WireClient } from './support/cognito-app.js';
import { formatCpu } from './support/cpu.js';
import { serverUrl } from './support/databases.js';
import { closedLoop, mergeRounds, type ClosedLoopResult } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio } from './support/stats.js';

const CLIENTS = 32;
const USERS = scaled(200);
/** Measured time per operation, split into rounds that alternate with its reference. */
const MEASURE_MS = scaled(10_000);
const ROUNDS = 2;
const FIRST_WARMUP_MS = scaled(2_000);
const ROUND_WARMUP_MS = scaled(1_000);
const DIAG_MS = scaled(5_000);
/** Sequential operations on an idle app, to count store calls and see the unloaded latency. */
const PROBES = 20;
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
}

interface Phase {
  result: ClosedLoopResult;
  /** Event-loop utilisation of this process during the phase (0..1): the server and the clients share it. */
  elu: number;
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
  probes: { signIn: Probe; verify: Probe; refresh: Probe; signPair: Probe };
  refreshTokens: number;
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
  for (const [label, storage] of [['PostgreSQL', 'postgres'], ['PGlite', 'pglite']] as const) {
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
    const referenceHash = await rsHash(PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: ARGON2_MEMORY_KIB, timeCost: ARGON2_ITERATIONS, parallelism: ARGON2_PARALLELISM });
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
      verifyRounds.push(await phase(warmupMs, verify));
      console.log(`sign-in (${label}): round ${round + 1}/${ROUNDS}, USER_PASSWORD_AUTH`);
      signInRounds.push(await phase(warmupMs, signIn));
    }

    const refreshRounds: Phase[] = [];
    const signPairRounds: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const warmupMs = round === 0 ? FIRST_WARMUP_MS : ROUND_WARMUP_MS;
      console.log(`sign-in (${label}): round ${round + 1}/${ROUNDS}, RS256 pair reference`);
      signPairRounds.push(await phase(warmupMs, signPair));
      console.log(`sign-in (${label}): round ${round + 1}/${ROUNDS}, REFRESH_TOKEN_AUTH over ${num(refreshTokens.length)} tokens`);
      refreshRounds.push(await phase(warmupMs, refresh));
    }

    // The floor of any wire call: HTTP, Fastify and the route, refused before any lookup.
    console.log(`sign-in (${label}): breakdown, unknown-operation wire calls`);
    const httpFloor = await phase(ROUND_WARMUP_MS, async () => {
      try {
        await wire.call(`${TARGET_PREFIX}.BenchNoSuchOperation`, {});
      } catch (error) {
        if (error instanceof Error && error.name === 'UnknownOperationException') return;
        throw error;
      }
      throw new Error('an unknown operation was answered');
    }, DIAG_MS);

    return {
      label,
      storage: storageText,
      seedSeconds,
      signIns: mergePhases(signInRounds),
      verifies: mergePhases(verifyRounds),
      refreshes: mergePhases(refreshRounds),
      signPairs: mergePhases(signPairRounds),
      httpFloor,
      probes,
      refreshTokens: refreshTokens.length,
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
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
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

async function phase(warmupMs: number, op: () => Promise<unknown>, durationMs = MEASURE_MS / ROUNDS): Promise<Phase> {
  let elu0: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  const result = await closedLoop({
    workers: CLIENTS,
    warmupMs,
    durationMs,
    onMeasureStart: () => (elu0 = performance.eventLoopUtilization()),
    op: async () => {
      await op();
    },
  });
  const elu = elu0 ? performance.eventLoopUtilization(elu0).utilization : Number.NaN;
  return { result, elu };
}

function mergePhases(phases: readonly Phase[]): Phase {
  return { result: mergeRounds(phases.map((p) => p.result)), elu: phases.reduce((a, p) => a + p.elu, 0) / phases.length };
}

async function probe(app: BenchApp, op: () => Promise<unknown>): Promise<Probe> {
  await op(); // first-call costs (JIT, caches) stay out of the counts
  app.storeCalls.reset();
  const latencies: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const t0 = performance.now();
    await op();
    latencies.push(performance.now() - t0);
  }
  const storeCalls = new Map([...app.storeCalls.snapshot()].map(([k, v]) => [k, v / PROBES]));
  return { latencies, storeCalls };
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
    if (name === 'events read') continue;
    parts.push(name === 'readStream' ? `readStream ${fmt(count)} (${fmt(calls.get('events read') ?? 0)} events)` : `${name} ${fmt(count)}`);
  }
  return parts.length ? parts.join(', ') : 'none';
}

const p50 = (values: readonly number[]) => distribution(values).p50;

function report(runs: StorageRun[], errors: string[], machine: string): string {
  const signInTable = markdownTable(
    ['Storage', 'Sign-ins/s', 'Reference: argon2 verifies/s', `Ratio (target ≥ ${TARGET_RATIO})`, 'Sign-in p50 / p99', 'Verify p50 / p99', 'Failures', 'CPU during sign-ins', 'Event loop busy'],
    runs.map((r) => [
      r.label,
      `**${num(r.signIns.result.perSecond, 1)}**`,
      num(r.verifies.result.perSecond, 1),
      `**${ratio(r.signIns.result.perSecond, r.verifies.result.perSecond)}**`,
      lat(r.signIns.result),
      lat(r.verifies.result),
      failures(r.signIns.result),
      formatCpu(r.signIns.result.cpu),
      elu(r.signIns),
    ]),
  );
  const refreshTable = markdownTable(
    ['Storage', `Refreshes/s (target ≥ ${num(TARGET_REFRESH)})`, 'Reference: RS256 pairs/s', 'Ratio', 'Refresh p50 / p99', 'RS256 pair p50 / p99', 'Failures', 'CPU during refreshes', 'Event loop busy'],
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
    ['Storage', 'Operation', 'Unloaded p50 (one at a time)', 'Store calls per operation (request path)', 'Under load'],
    runs.flatMap((r) => [
      [r.label, 'USER_PASSWORD_AUTH', ms(p50(r.probes.signIn.latencies)), storeCallText(r.probes.signIn.storeCalls), `${num(r.signIns.result.perSecond, 1)}/s`],
      [r.label, 'argon2 verify (reference)', ms(p50(r.probes.verify.latencies)), '—', `${num(r.verifies.result.perSecond, 1)}/s`],
      [r.label, 'REFRESH_TOKEN_AUTH', ms(p50(r.probes.refresh.latencies)), storeCallText(r.probes.refresh.storeCalls), `${num(r.refreshes.result.perSecond)}/s`],
      [r.label, 'Two RS256 signatures (reference)', ms(p50(r.probes.signPair.latencies)), '—', `${num(r.signPairs.result.perSecond)}/s`],
      [
        r.label,
        'Unknown operation (HTTP floor)',
        '—',
        'none',
        `${num(r.httpFloor.result.perSecond)}/s (${formatCpu(r.httpFloor.result.cpu)}, event loop ${elu(r.httpFloor)} busy)`,
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
        `of its signing reference). PGlite runs every statement on the Node main thread, so storage work competes directly with ` +
        `HTTP, JSON and token signing there; it is the embedded single-node default, not the production store.`,
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
- Clients: ${CLIENTS} closed loops sending unsigned \`InitiateAuth\` over keep-alive HTTP/1.1 (node:http, no SDK), users
  taken round-robin; each operation checks it got tokens. ${MEASURE_MS / 1000} s measured per operation in ${ROUNDS} rounds that
  alternate with the reference (${FIRST_WARMUP_MS / 1000} s warm-up before the first round, ${ROUND_WARMUP_MS / 1000} s before later ones).
  The clients share this process's event loop with the server, so their own work (about the HTTP floor below) counts against the rates.
- Sign-in reference: raw \`@node-rs/argon2\` verify of a hash made at the service's parameters (${runs[0]?.argon2 ?? 'n/a'}),
  ${CLIENTS} in flight, same process, same rounds. Verifies and WebCrypto's RS256 signatures both run on libuv's thread pool
  (UV_THREADPOOL_SIZE=${threads}).
- Refresh reference: the two RS256 signatures (access + ID token) a refresh makes, through the app's own \`keyRing.sign\`
  with the pool's key and claims copied from real tokens, ${CLIENTS} pairs in flight, in-process (no HTTP, no storage):
  the cryptographic floor of a refresh. Refresh tokens cycle over those issued by the sign-ins (up to ${num(MAX_REFRESH_TOKENS)}).

USER_PASSWORD_AUTH:

${signInTable}

REFRESH_TOKEN_AUTH:

${refreshTable}

Breakdown: ${PROBES} operations one at a time on the idle app (store calls counted on \`platform.store\`, which the
request handlers use), and the HTTP floor (${DIAG_MS / 1000} s, ${CLIENTS} clients, \`X-Amz-Target\` of an unknown operation):

${breakdown}

**What this means / next steps**

${notes.map((n) => `- ${n}`).join('\n')}
`;
}

function pgNotes(r: StorageRun): string[] {
  const notes: string[] = [];
  const signInRatio = r.signIns.result.perSecond / r.verifies.result.perSecond;
  notes.push(
    signInRatio >= TARGET_RATIO
      ? `Target sign-ins ≥ ${TARGET_RATIO}× the argon2 verify rate on PostgreSQL: **met** (${signInRatio.toFixed(2)}×: ` +
          `${num(r.signIns.result.perSecond, 1)}/s against ${num(r.verifies.result.perSecond, 1)} verifies/s). The verify is the sign-in's cost; ` +
          `the rest of the request (${storeCallText(r.probes.signIn.storeCalls)}, two RS256 signatures, HTTP) fits in what the verifies leave of the 2 cores.`
      : `Target sign-ins ≥ ${TARGET_RATIO}× the argon2 verify rate on PostgreSQL: **not met** (${signInRatio.toFixed(2)}×: ` +
          `${num(r.signIns.result.perSecond, 1)}/s against ${num(r.verifies.result.perSecond, 1)} verifies/s).`,
  );
  const refreshRate = r.refreshes.result.perSecond;
  notes.push(
    refreshRate >= TARGET_REFRESH
      ? `Target REFRESH_TOKEN_AUTH ≥ ${num(TARGET_REFRESH)}/s on PostgreSQL: **met** (${num(refreshRate)}/s).`
      : `Target REFRESH_TOKEN_AUTH ≥ ${num(TARGET_REFRESH)}/s on PostgreSQL: **not met** (${num(refreshRate)}/s, ` +
          `${((refreshRate / TARGET_REFRESH) * 100).toFixed(0)}% of it; ${ratio(refreshRate, r.signPairs.result.perSecond)} of the ` +
          `${num(r.signPairs.result.perSecond)} RS256 pairs/s this box signs with nothing else to do, and the HTTP floor alone is ` +
          `${num(r.httpFloor.result.perSecond)} calls/s).`,
  );
  notes.push(...WHERE_TIME_GOES(r));
  return notes;
}

/** Filled in from the figures and the profile of a short run (see the report's notes). */
function WHERE_TIME_GOES(r: StorageRun): string[] {
  return [
    `A refresh makes ${storeCallText(r.probes.refresh.storeCalls)} on the store; a sign-in ${storeCallText(r.probes.signIn.storeCalls)}.`,
  ];
}

if (isMain(import.meta.url)) runAlone(benchSignIn);
