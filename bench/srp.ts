/**
 * SRP and TOTP-MFA sign-ins of the running app over the Cognito wire protocol, on PostgreSQL:
 * - USER_SRP_AUTH + PASSWORD_VERIFIER sign-ins/s (a client in this process doing Cognito's SRP
 *   with native arithmetic) against the raw SRP math of one sign-in (the server's three 3072-bit
 *   exponentiations and the client's two) measured on one core in the same run: SRP has no
 *   argon2, so that math, which runs on the event loop, is the floor;
 * - USER_PASSWORD_AUTH + SOFTWARE_TOKEN_MFA sign-ins/s against the raw argon2id verify rate and
 *   the plain USER_PASSWORD_AUTH rate of the same users, measured in alternating rounds.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/srp.js
 */
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import os from 'node:os';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Algorithm, hash as rsHash, verify as rsVerify } from '@node-rs/argon2';
import { generateSync } from 'otplib';
import { g, k, modPowN, N, newVerifier, padHex, poolName, serverEphemeral, srpTimestamp, verifyClaim } from '../src/crypto/srp.js';
import { type BenchApp, startBenchApp, WireClient } from './support/cognito-app.js';
import { serverUrl } from './support/databases.js';
import { closedLoop, type ClosedLoopResult, mergeRounds } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num } from './support/stats.js';

/** Below the sign-in guard's 20 guesses in flight per address (every client here is 127.0.0.1). */
const CLIENTS = 8;
/** Enough users that the TOTP clients never run out of unused time steps (three per user and 30 s). */
const USERS = scaled(600);
const ROUNDS = 3;
const ROUND_MS = scaled(4_000);
const WARMUP_MS = scaled(1_000);
const MATH_MS = scaled(2_000);
const SEED_CONCURRENCY = 8;
const PASSWORD = 'Bench-Horse-Battery-9';
const TARGET = 'AWSCognitoIdentityProviderService';

interface Challenge {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: { AccessToken?: string };
}

const big = (hex: string) => BigInt(`0x${hex || '0'}`);
const hexHash = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

/** The client half of Cognito's SRP (as amazon-cognito-identity-js computes it), with OpenSSL's exponentiation. */
class SrpClient {
  readonly a = big(randomBytes(32).toString('hex'));
  readonly A = modPowN(g, this.a);

  claim(poolId: string, userId: string, password: string, p: Record<string, string>, now: Date): Record<string, string> {
    const B = big(p.SRP_B);
    const u = big(hexHash(padHex(this.A) + padHex(B)));
    const x = big(
      hexHash(
        padHex(big(p.SALT)) +
          createHash('sha256')
            .update(`${poolName(poolId)}${userId}:${password}`)
            .digest('hex'),
      ),
    );
    const base = (((B - ((k * modPowN(g, x)) % N)) % N) + N) % N;
    const S = modPowN(base, this.a + u * x);
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), 'Caldera Derived Key', 16));
    const timestamp = srpTimestamp(now);
    const signature = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from(poolName(poolId)), Buffer.from(userId), Buffer.from(p.SECRET_BLOCK, 'base64'), Buffer.from(timestamp)]))
      .digest('base64');
    return { USERNAME: userId, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp };
  }
}

interface Run {
  srp: ClosedLoopResult;
  /** One sign-in's SRP math (server and client), back to back on one core: operations/s. */
  mathRate: number;
  serverMathMs: number;
  totp: ClosedLoopResult;
  password: ClosedLoopResult;
  verifies: ClosedLoopResult;
  seedSeconds: number;
}

export async function benchSrp(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const app = await startBenchApp('postgres');
  const wire = new WireClient(app.url, CLIENTS);
  try {
    const run = await measure(app, wire);
    writeSection('srp', report(run, formatMachine(machine, 'node dist/bench/srp.js')));
  } finally {
    wire.close();
    await app.destroy();
  }
}

async function measure(app: BenchApp, wire: WireClient): Promise<Run> {
  const seedStart = performance.now();
  const { poolId, clientId, seeds, setMfa } = await seed(app);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const usernames = seeds.map((s) => s.username);
  let next = 0;

  // 1. USER_SRP_AUTH, MFA off.
  const srpSignIn = async () => {
    const username = usernames[next++ % usernames.length];
    const client = new SrpClient();
    const first = await wire.call<Challenge>(`${TARGET}.InitiateAuth`, {
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, SRP_A: client.A.toString(16) },
    });
    const p = first.ChallengeParameters ?? {};
    const done = await wire.call<Challenge>(`${TARGET}.RespondToAuthChallenge`, {
      ChallengeName: 'PASSWORD_VERIFIER',
      ClientId: clientId,
      ChallengeResponses: client.claim(poolId, p.USER_ID_FOR_SRP, PASSWORD, p, new Date()),
    });
    if (!done.AuthenticationResult?.AccessToken) throw new Error('SRP sign-in answered without tokens');
  };
  const srp = await loop(srpSignIn, ROUNDS * ROUND_MS);

  // 2. The same math alone: the server's B, v^u and the shared secret, the client's A and S.
  const verifier = newVerifier(poolId, 'someone', PASSWORD);
  let math = 0;
  let serverMs = 0;
  const end = performance.now() + MATH_MS;
  while (performance.now() < end) {
    const client = new SrpClient();
    const t0 = performance.now();
    const ephemeral = serverEphemeral(verifier.verifier);
    serverMs += performance.now() - t0;
    const block = randomBytes(64).toString('base64');
    const claim = client.claim(poolId, 'someone', PASSWORD, { SRP_B: ephemeral.B, SALT: verifier.salt, SECRET_BLOCK: block }, new Date());
    const t1 = performance.now();
    const ok = verifyClaim({
      poolId,
      userId: 'someone',
      verifier: verifier.verifier,
      A: client.A.toString(16),
      ephemeral,
      secretBlock: block,
      timestamp: claim.TIMESTAMP,
      signature: claim.PASSWORD_CLAIM_SIGNATURE,
    });
    serverMs += performance.now() - t1;
    if (!ok) throw new Error('the SRP reference failed its own claim');
    math++;
  }
  const mathRate = math / (MATH_MS / 1000);

  // 3. TOTP MFA against plain password sign-ins and argon2 verifies, in alternating rounds.
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
  const passwordSignIn = async () => {
    const r = await wire.call<Challenge>(`${TARGET}.InitiateAuth`, {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: usernames[next++ % usernames.length], PASSWORD },
    });
    if (!r.AuthenticationResult?.AccessToken) throw new Error('password sign-in answered without tokens');
  };
  // A TOTP code counts once per user and time step: each sign-in takes the next user with a step left.
  const totpSignIn = async () => {
    for (let tries = 0; tries < seeds.length; tries++) {
      const s = seeds[next++ % seeds.length];
      const now = Math.floor(Date.now() / 1000);
      const current = Math.floor(now / 30);
      // The current step or the next (the server accepts one step either way; the one before may already be behind its clock).
      const step = [current, current + 1].find((t) => t > s.lastStep);
      if (step === undefined) continue;
      s.lastStep = step;
      const started = await wire.call<Challenge>(`${TARGET}.InitiateAuth`, {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: s.username, PASSWORD },
      });
      if (started.ChallengeName !== 'SOFTWARE_TOKEN_MFA') throw new Error(`expected SOFTWARE_TOKEN_MFA, got ${started.ChallengeName}`);
      const done = await wire.call<Challenge>(`${TARGET}.RespondToAuthChallenge`, {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ClientId: clientId,
        Session: started.Session,
        ChallengeResponses: { USERNAME: s.username, SOFTWARE_TOKEN_MFA_CODE: generateSync({ secret: s.secret, epoch: step * 30 }) },
      });
      if (!done.AuthenticationResult?.AccessToken) throw new Error('TOTP sign-in answered without tokens');
      return;
    }
    // Every user's steps are used: wait for the next one (rare with USERS sized to the rate).
    await new Promise((resolve) => setTimeout(resolve, 200));
    return totpSignIn();
  };
  const totpRounds: ClosedLoopResult[] = [];
  const passwordRounds: ClosedLoopResult[] = [];
  const verifyRounds: ClosedLoopResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await setMfa('OFF');
    passwordRounds.push(await loop(passwordSignIn, ROUND_MS));
    await setMfa('OPTIONAL');
    totpRounds.push(await loop(totpSignIn, ROUND_MS));
    verifyRounds.push(await loop(verify, ROUND_MS));
  }
  return {
    srp,
    mathRate,
    serverMathMs: serverMs / math,
    totp: mergeRounds(totpRounds),
    password: mergeRounds(passwordRounds),
    verifies: mergeRounds(verifyRounds),
    seedSeconds,
  };
}

const loop = (op: () => Promise<void>, durationMs: number) => closedLoop({ workers: CLIENTS, warmupMs: WARMUP_MS, durationMs, op: () => op() });

interface Seed {
  username: string;
  secret: string;
  lastStep: number;
}

/** Users with a password (and so an SRP verifier) and a verified TOTP authenticator; MFA off until the TOTP rounds. */
async function seed(app: BenchApp): Promise<{ poolId: string; clientId: string; seeds: Seed[]; setMfa: (m: 'OFF' | 'OPTIONAL') => Promise<void> }> {
  const sdk = new CognitoIdentityProviderClient({ endpoint: app.url, region: app.platform.config.REGION, credentials: app.admin, maxAttempts: 1 });
  const poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench-srp' }))).UserPool!.Id!;
  const clientId = (
    await sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'bench',
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    )
  ).UserPoolClient!.ClientId!;
  const seeds: Seed[] = [];
  for (let i = 0; i < USERS; i += SEED_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(SEED_CONCURRENCY, USERS - i) }, (_, j) => `user-${i + j}`);
    seeds.push(
      ...(await Promise.all(
        batch.map(async (Username) => {
          await sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }));
          await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
          const signedIn = await sdk.send(
            new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: Username, PASSWORD } }),
          );
          const AccessToken = signedIn.AuthenticationResult!.AccessToken!;
          const { SecretCode } = await sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
          const step = Math.floor(Date.now() / 30_000);
          await sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: generateSync({ secret: SecretCode!, epoch: step * 30 }) }));
          return { username: Username, secret: SecretCode!, lastStep: step };
        }),
      )),
    );
  }
  const setMfa = async (mode: 'OFF' | 'OPTIONAL') => {
    await sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: mode,
        ...(mode === 'OFF' ? {} : { SoftwareTokenMfaConfiguration: { Enabled: true } }),
      }),
    );
  };
  return { poolId, clientId, seeds, setMfa };
}

const rate = (r: ClosedLoopResult) => num(r.perSecond, 1);
const lat = (r: ClosedLoopResult) => {
  const d = distribution(r.latencies);
  return `${ms(d.p50)} / ${ms(d.p99)}`;
};
const failures = (r: ClosedLoopResult) => (r.failures.size === 0 ? '0' : [...r.failures].map(([k, v]) => `${k} ${v}`).join(', '));

function report(r: Run, machine: string): string {
  const x = (a: number, b: number) => `**${(a / b).toFixed(2)}×**`;
  return [
    '## SRP and TOTP-MFA sign-ins',
    '',
    machine + scaleNote(),
    `- ${USERS} users seeded in ${r.seedSeconds.toFixed(0)} s (password, so an SRP verifier, and a verified TOTP authenticator each); ${CLIENTS} concurrent clients in this process, on ${os.cpus().length} cores, PostgreSQL.`,
    '- The floor of USER_SRP_AUTH is its arithmetic, not argon2 (SRP checks the claim against the stored verifier, no password hash is verified): ' +
      `the server's three 3072-bit exponentiations take ${ms(r.serverMathMs)} per sign-in, the client's two about as long, and both run on this one event loop (OpenSSL, synchronous). ` +
      'The reference is that math alone, back to back on one core.',
    "- TOTP-MFA sign-ins are a password sign-in (one argon2 verify) plus the SOFTWARE_TOKEN_MFA answer (the TOTP check, the code's time step recorded on the user's stream, the family and log entry); " +
      "each user's code counts once per 30 s step, so the clients rotate through the users. Rounds alternate with plain password sign-ins (MFA off) and raw argon2 verifies.",
    '',
    markdownTable(
      ['Measured', 'per second', 'p50 / p99', 'failures', 'reference', 'ratio'],
      [
        [
          'USER_SRP_AUTH + PASSWORD_VERIFIER',
          rate(r.srp),
          lat(r.srp),
          failures(r.srp),
          `SRP math (server + client), one core: ${num(r.mathRate, 1)}/s`,
          x(r.srp.perSecond, r.mathRate),
        ],
        [
          'USER_PASSWORD_AUTH + SOFTWARE_TOKEN_MFA',
          rate(r.totp),
          lat(r.totp),
          failures(r.totp),
          `argon2id verify: ${rate(r.verifies)}/s`,
          x(r.totp.perSecond, r.verifies.perSecond),
        ],
        [
          'USER_PASSWORD_AUTH (MFA off, same users)',
          rate(r.password),
          lat(r.password),
          failures(r.password),
          `argon2id verify: ${rate(r.verifies)}/s`,
          x(r.password.perSecond, r.verifies.perSecond),
        ],
      ],
    ),
    '',
    `TOTP-MFA against plain password sign-ins of the same run: ${x(r.totp.perSecond, r.password.perSecond)} (two requests and two writes, the TOTP step on the user stream then the family with the log entry, instead of one request and one write).`,
  ].join('\n');
}

if (isMain(import.meta.url)) runAlone(benchSrp);
