/**
 * This service beside Keycloak on the same machine and PostgreSQL server, driven by the same
 * load generator in alternating rounds: password sign-ins (InitiateAuth USER_PASSWORD_AUTH
 * against Keycloak's direct access grant), refreshes (REFRESH_TOKEN_AUTH against the
 * refresh_token grant) and client_credentials (the pool domain's /oauth2/token against
 * Keycloak's token endpoint). Each row is the ratio of this service's rate to Keycloak's, with
 * p50 / p99 and the RSS and CPU of both processes. Both hash passwords with argon2id at this
 * service's parameters.
 *
 *   npm run bench:keycloak      (builds, fetches Keycloak with Maven once into .services/keycloak)
 *
 * Keycloak and this service each run as a process of their own, each with a fresh database on
 * the server at DATABASE_URL; both are stopped and both databases dropped at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.js';
import { formatCpu } from '../support/cpu.js';
import { freshPgDatabase, serverUrl, type FreshDatabase } from '../support/databases.js';
import { closedLoop, mergeRounds, type ClosedLoopResult } from '../support/load.js';
import { formatMachine, machineInfo } from '../support/machine.js';
import { isMain, runAlone } from '../support/paths.js';
import { type SectionId, writeSection } from '../support/results.js';
import { scaled, scaleNote } from '../support/scale.js';
import { distribution, markdownTable, ms, num, ratio } from '../support/stats.js';
import { basicAuth, form, FORM, HttpLoad } from './http-load.js';
import { type Argon2Parameters, KEYCLOAK_VERSION, type KeycloakProcess, startKeycloak } from './keycloak-dist.js';
import { type CairnProcess, cpuSeconds, mib, rssBytes, rssSampler, startCairn, startFlags } from './processes.js';

/** Not in bench/support/results.ts's list: written after the listed sections. */
const SECTION = 'keycloak' as SectionId;
const CLIENTS = 32;
const USERS = scaled(100);
const ROUNDS = 4;
/** Measured time per operation and service, split into ROUNDS rounds that alternate between the two. */
const MEASURE_MS = scaled(20_000);
/** The first round of each row warms both up longer (the JVM's JIT, connection pools). */
const FIRST_WARMUP_MS = scaled(5_000);
const ROUND_WARMUP_MS = scaled(1_000);
const SEED_CONCURRENCY = 8;
const PASSWORD = 'Bench-Horse-Battery-9';
const REALM = 'bench';
const TARGET = 'AWSCognitoIdentityProviderService.InitiateAuth';
const AMZ_JSON = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET };

type Op = (worker: number) => Promise<void>;

interface Side {
  name: string;
  pid: () => number;
  ops: { signIn: Op; refresh: Op; clientCredentials: Op };
}

interface Phase {
  result: ClosedLoopResult;
  /** CPU of the service's process during the window, % of one core. */
  cpuPct: number;
  /** RSS of the service's process during the window. */
  rss: { peak: number; last: number; mean: number };
}

const ROWS = [
  ['signIn', 'Password sign-in', 'InitiateAuth USER_PASSWORD_AUTH', 'direct access grant (grant_type=password, scope openid)'],
  ['refresh', 'Refresh', 'InitiateAuth REFRESH_TOKEN_AUTH', 'grant_type=refresh_token'],
  [
    'clientCredentials',
    'client_credentials',
    'POST /oauth2/token on the pool domain (a resource-server scope)',
    'grant_type=client_credentials (service account)',
  ],
] as const;

export async function benchKeycloak(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cairn-bench-kc-'));
  const databases: FreshDatabase[] = [];
  let keycloak: KeycloakProcess | undefined;
  let cairn: CairnProcess | undefined;
  const clients: HttpLoad[] = [];
  try {
    const cairnDb = await freshPgDatabase();
    databases.push(cairnDb);
    const kcDb = await freshPgDatabase();
    databases.push(kcDb);
    // The service's argon2id parameters, as its configuration resolves them; Keycloak gets the same.
    const config = loadConfig({ ...process.env, DATABASE_URL: cairnDb.url, DATA_DIR: dataDir });
    const argon2: Argon2Parameters = { memoryKib: config.ARGON2_MEMORY_KIB, iterations: config.ARGON2_ITERATIONS, parallelism: config.ARGON2_PARALLELISM };
    const kcUrl = new URL(kcDb.url);

    console.log(`keycloak: starting Keycloak ${KEYCLOAK_VERSION} (first start on an empty database takes a while)`);
    const kcStart = performance.now();
    keycloak = await startKeycloak({
      jdbcUrl: `jdbc:postgresql://${kcUrl.hostname}:${kcUrl.port}${kcUrl.pathname}`,
      dbUser: decodeURIComponent(kcUrl.username),
      dbPassword: decodeURIComponent(kcUrl.password),
      argon2,
    });
    const kcStartSeconds = (performance.now() - kcStart) / 1000;
    console.log(`keycloak: ready in ${kcStartSeconds.toFixed(0)} s; starting this service`);
    const cStart = performance.now();
    cairn = await startCairn({
      databaseUrl: cairnDb.url,
      dataDir,
      env: {
        ARGON2_MEMORY_KIB: String(argon2.memoryKib),
        ARGON2_ITERATIONS: String(argon2.iterations),
        ARGON2_PARALLELISM: String(argon2.parallelism),
      },
    });
    const cairnStartSeconds = (performance.now() - cStart) / 1000;

    const idle = { cairn: rssBytes(cairn.pid), keycloak: rssBytes(keycloak.javaPid()) };

    const seedStart = performance.now();
    const kc = await seedKeycloak(keycloak, argon2);
    const kcSeedSeconds = (performance.now() - seedStart) / 1000;
    const cSeedStart = performance.now();
    const cc = await seedCairn(cairn);
    const cairnSeedSeconds = (performance.now() - cSeedStart) / 1000;
    const storedHash = await keycloakCredential(kcDb.url);
    console.log(`keycloak: seeded ${USERS} users on each (Keycloak ${kcSeedSeconds.toFixed(0)} s, this service ${cairnSeedSeconds.toFixed(0)} s)`);

    const cairnHttp = new HttpLoad(cairn.url, CLIENTS);
    const kcHttp = new HttpLoad(keycloak.url, CLIENTS);
    clients.push(cairnHttp, kcHttp);
    const usernames = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    const tokenPath = `/realms/${REALM}/protocol/openid-connect/token`;

    const cairnTokens: string[] = [];
    const kcTokens: string[] = [];
    const keep = (tokens: string[], token: string | undefined) => {
      if (!token) throw new Error('no refresh token');
      if (tokens.length < USERS) tokens.push(token);
      else tokens[Math.floor(Math.random() * tokens.length)] = token;
    };
    let cairnUser = 0;
    let kcUser = 0;
    let cairnToken = 0;
    let kcToken = 0;
    const cairnSide: Side = {
      name: 'this service',
      pid: () => cairn!.pid,
      ops: {
        signIn: async (w) => {
          const r = await cairnHttp.json<{ AuthenticationResult?: { AccessToken?: string; IdToken?: string; RefreshToken?: string } }>(
            'POST',
            '/',
            JSON.stringify({
              AuthFlow: 'USER_PASSWORD_AUTH',
              ClientId: cc.appClientId,
              AuthParameters: { USERNAME: usernames[cairnUser++ % USERS], PASSWORD },
            }),
            AMZ_JSON,
            w,
          );
          if (!r.AuthenticationResult?.AccessToken || !r.AuthenticationResult.IdToken) throw new Error('sign-in answered without tokens');
          keep(cairnTokens, r.AuthenticationResult.RefreshToken);
        },
        refresh: async (w) => {
          const r = await cairnHttp.json<{ AuthenticationResult?: { AccessToken?: string; IdToken?: string } }>(
            'POST',
            '/',
            JSON.stringify({
              AuthFlow: 'REFRESH_TOKEN_AUTH',
              ClientId: cc.appClientId,
              AuthParameters: { REFRESH_TOKEN: cairnTokens[cairnToken++ % cairnTokens.length] },
            }),
            AMZ_JSON,
            w,
          );
          if (!r.AuthenticationResult?.AccessToken || !r.AuthenticationResult.IdToken) throw new Error('refresh answered without tokens');
        },
        clientCredentials: async (w) => {
          const r = await cairnHttp.json<{ access_token?: string }>(
            'POST',
            '/auth/bench/oauth2/token',
            form({ grant_type: 'client_credentials', scope: 'api/read' }),
            {
              ...FORM,
              authorization: basicAuth(cc.m2mClientId, cc.m2mSecret),
            },
            w,
          );
          if (!r.access_token) throw new Error('client_credentials answered without a token');
        },
      },
    };
    const kcSide: Side = {
      name: 'Keycloak',
      pid: () => keycloak!.javaPid(),
      ops: {
        signIn: async (w) => {
          const r = await kcHttp.json<{ access_token?: string; id_token?: string; refresh_token?: string }>(
            'POST',
            tokenPath,
            form({ grant_type: 'password', client_id: 'app', username: usernames[kcUser++ % USERS], password: PASSWORD, scope: 'openid' }),
            FORM,
            w,
          );
          if (!r.access_token || !r.id_token) throw new Error('sign-in answered without tokens');
          keep(kcTokens, r.refresh_token);
        },
        refresh: async (w) => {
          const r = await kcHttp.json<{ access_token?: string; id_token?: string }>(
            'POST',
            tokenPath,
            form({ grant_type: 'refresh_token', client_id: 'app', refresh_token: kcTokens[kcToken++ % kcTokens.length] }),
            FORM,
            w,
          );
          if (!r.access_token || !r.id_token) throw new Error('refresh answered without tokens');
        },
        clientCredentials: async (w) => {
          const r = await kcHttp.json<{ access_token?: string }>(
            'POST',
            tokenPath,
            form({ grant_type: 'client_credentials' }),
            { ...FORM, authorization: basicAuth('m2m', kc.m2mSecret) },
            w,
          );
          if (!r.access_token) throw new Error('client_credentials answered without a token');
        },
      },
    };

    // One sign-in per user on each before anything is measured (refresh tokens for the refresh rows).
    for (const side of [cairnSide, kcSide]) {
      for (let i = 0; i < USERS; i += SEED_CONCURRENCY) {
        await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, USERS - i) }, (_, k) => side.ops.signIn(k)));
      }
    }
    const rested = { cairn: rssBytes(cairn.pid), keycloak: rssBytes(keycloak.javaPid()) };

    const results = new Map<string, { cairn: Phase; keycloak: Phase }>();
    for (const [key, label] of ROWS) {
      const rounds: { cairn: Phase[]; keycloak: Phase[] } = { cairn: [], keycloak: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const warmup = round === 0 ? FIRST_WARMUP_MS : ROUND_WARMUP_MS;
        // Alternate which goes first, so neither always follows the other's load.
        const order = round % 2 === 0 ? [cairnSide, kcSide] : [kcSide, cairnSide];
        for (const side of order) {
          console.log(`keycloak: ${label}, round ${round + 1}/${ROUNDS}, ${side.name}`);
          (side === cairnSide ? rounds.cairn : rounds.keycloak).push(await phase(side, side.ops[key], warmup));
        }
      }
      results.set(key, { cairn: mergePhases(rounds.cairn), keycloak: mergePhases(rounds.keycloak) });
    }
    const end = { cairn: rssBytes(cairn.pid), keycloak: rssBytes(keycloak.javaPid()) };

    writeSection(
      SECTION,
      report({
        machine: formatMachine(machine, 'npm run bench:keycloak'),
        results,
        argon2,
        storedHash,
        memory: { idle, rested, end },
        startup: { keycloak: kcStartSeconds, cairn: cairnStartSeconds },
        seed: { keycloak: kcSeedSeconds, cairn: cairnSeedSeconds },
      }),
    );
  } finally {
    for (const c of clients) c.close();
    await cairn?.stop().catch((e: unknown) => console.error('keycloak: stopping this service failed:', e));
    await keycloak?.stop().catch((e: unknown) => console.error('keycloak: stopping Keycloak failed:', e));
    for (const db of databases) await db.drop().catch((e: unknown) => console.error('keycloak: dropping a database failed:', e));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function phase(side: Side, op: Op, warmupMs: number): Promise<Phase> {
  let cpu0 = Number.NaN;
  let t0 = 0;
  let sampler: ReturnType<typeof rssSampler> | undefined;
  const result = await closedLoop({
    workers: CLIENTS,
    warmupMs,
    durationMs: MEASURE_MS / ROUNDS,
    onMeasureStart: () => {
      cpu0 = cpuSeconds(side.pid());
      t0 = performance.now();
      sampler = rssSampler(side.pid);
    },
    op,
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpuPct = ((cpuSeconds(side.pid()) - cpu0) / seconds) * 100;
  return { result, cpuPct, rss: sampler?.stop() ?? { peak: Number.NaN, last: Number.NaN, mean: Number.NaN } };
}

function mergePhases(phases: readonly Phase[]): Phase {
  return {
    result: mergeRounds(phases.map((p) => p.result)),
    cpuPct: phases.reduce((a, p) => a + p.cpuPct, 0) / phases.length,
    rss: {
      peak: Math.max(...phases.map((p) => p.rss.peak)),
      last: phases[phases.length - 1].rss.last,
      mean: phases.reduce((a, p) => a + p.rss.mean, 0) / phases.length,
    },
  };
}

/** A pool with a domain and a resource server, a public app client, a confidential client_credentials client, USERS confirmed users. */
async function seedCairn(cairn: CairnProcess): Promise<{ appClientId: string; m2mClientId: string; m2mSecret: string }> {
  const sdk = new CognitoIdentityProviderClient({ endpoint: cairn.url, region: 'us-east-1', credentials: cairn.admin, maxAttempts: 1 });
  try {
    const poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench-keycloak' }))).UserPool!.Id!;
    await sdk.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'bench' }));
    await sdk.send(
      new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'api', Name: 'api', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] }),
    );
    const app = (
      await sdk.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!;
    const m2m = (
      await sdk.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'm2m',
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['api/read'],
        }),
      )
    ).UserPoolClient!;
    for (let i = 0; i < USERS; i += SEED_CONCURRENCY) {
      await Promise.all(
        Array.from({ length: Math.min(SEED_CONCURRENCY, USERS - i) }, async (_, k) => {
          const Username = `user-${i + k}`;
          await sdk.send(
            new AdminCreateUserCommand({
              UserPoolId: poolId,
              Username,
              TemporaryPassword: PASSWORD,
              MessageAction: 'SUPPRESS',
              UserAttributes: [
                { Name: 'email', Value: `${Username}@example.test` },
                { Name: 'email_verified', Value: 'true' },
                { Name: 'given_name', Value: 'Bench' },
                { Name: 'family_name', Value: `User ${i + k}` },
              ],
            }),
          );
          await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
        }),
      );
    }
    return { appClientId: app.ClientId!, m2mClientId: m2m.ClientId!, m2mSecret: m2m.ClientSecret! };
  } finally {
    sdk.destroy();
  }
}

/**
 * Through Keycloak's admin REST API: a realm whose password policy hashes with argon2 (the
 * provider's memory, parallelism and type set at start-up, the iterations by the policy), a
 * public client with the direct access grant, a confidential client with a service account, and
 * the same USERS users (same names, password and attributes), enabled, email verified.
 */
async function seedKeycloak(kc: KeycloakProcess, argon2: Argon2Parameters): Promise<{ m2mSecret: string }> {
  const http = new HttpLoad(kc.url, SEED_CONCURRENCY);
  let token = '';
  let tokenAt = 0;
  const adminToken = async () => {
    // The master realm's access tokens live 60 s.
    if (Date.now() - tokenAt > 30_000) {
      const r = await http.json<{ access_token: string }>(
        'POST',
        '/realms/master/protocol/openid-connect/token',
        form({ grant_type: 'password', client_id: 'admin-cli', username: kc.adminUser, password: kc.adminPassword }),
        FORM,
      );
      token = r.access_token;
      tokenAt = Date.now();
    }
    return token;
  };
  let socket = 0;
  const admin = async (method: string, path: string, body?: unknown) => {
    const a = await http.request(
      method,
      `/admin${path}`,
      body === undefined ? undefined : JSON.stringify(body),
      { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
      socket++,
    );
    if (a.status >= 300) throw new Error(`Keycloak admin ${method} ${path} answered ${a.status}: ${a.body.slice(0, 300)}`);
    return a.body ? (JSON.parse(a.body) as unknown) : undefined;
  };
  try {
    await admin('POST', '/realms', {
      realm: REALM,
      enabled: true,
      passwordPolicy: `hashAlgorithm(argon2) and hashIterations(${argon2.iterations})`,
      // Cognito's default access and ID token lifetime, so both sign tokens of the same validity.
      accessTokenLifespan: 3600,
    });
    await admin('POST', `/realms/${REALM}/clients`, {
      clientId: 'app',
      publicClient: true,
      directAccessGrantsEnabled: true,
      standardFlowEnabled: false,
    });
    await admin('POST', `/realms/${REALM}/clients`, {
      clientId: 'm2m',
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
      clientAuthenticatorType: 'client-secret',
    });
    const [m2m] = (await admin('GET', `/realms/${REALM}/clients?clientId=m2m`)) as { id: string }[];
    const secret = (await admin('GET', `/realms/${REALM}/clients/${m2m.id}/client-secret`)) as { value: string };
    for (let i = 0; i < USERS; i += SEED_CONCURRENCY) {
      await Promise.all(
        Array.from({ length: Math.min(SEED_CONCURRENCY, USERS - i) }, (_, k) =>
          admin('POST', `/realms/${REALM}/users`, {
            username: `user-${i + k}`,
            enabled: true,
            email: `user-${i + k}@example.test`,
            emailVerified: true,
            firstName: 'Bench',
            lastName: `User ${i + k}`,
            credentials: [{ type: 'password', value: PASSWORD, temporary: false }],
          }),
        ),
      );
    }
    return { m2mSecret: secret.value };
  } finally {
    http.close();
  }
}

/** What Keycloak stored for one user's password (algorithm and parameters, no hash), read from its database. */
async function keycloakCredential(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, application_name: 'cairn-bench' });
  await client.connect();
  try {
    const r = await client.query<{ credential_data: string }>(`SELECT credential_data FROM credential WHERE type = 'password' LIMIT 1`);
    return r.rows[0]?.credential_data ?? 'n/a';
  } finally {
    await client.end();
  }
}

interface Report {
  machine: string;
  results: Map<string, { cairn: Phase; keycloak: Phase }>;
  argon2: Argon2Parameters;
  storedHash: string;
  memory: Record<'idle' | 'rested' | 'end', { cairn: number; keycloak: number }>;
  startup: { keycloak: number; cairn: number };
  seed: { keycloak: number; cairn: number };
}

function report(r: Report): string {
  const lat = (x: ClosedLoopResult) => {
    const d = distribution(x.latencies);
    return `${ms(d.p50)} / ${ms(d.p99)}`;
  };
  const failures = (x: ClosedLoopResult) => [...x.failures.entries()].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
  const table = markdownTable(
    [
      'Operation',
      'This service /s',
      'Keycloak /s',
      'Ratio (this / Keycloak)',
      'p50 / p99 this service',
      'p50 / p99 Keycloak',
      'RSS peak this service / Keycloak',
      'CPU of the process this service / Keycloak',
      'Failures this service / Keycloak',
    ],
    ROWS.map(([key, label]) => {
      const { cairn, keycloak } = r.results.get(key)!;
      return [
        label,
        num(cairn.result.perSecond, cairn.result.perSecond < 100 ? 1 : 0),
        num(keycloak.result.perSecond, keycloak.result.perSecond < 100 ? 1 : 0),
        `**${ratio(cairn.result.perSecond, keycloak.result.perSecond)}**`,
        lat(cairn.result),
        lat(keycloak.result),
        `${mib(cairn.rss.peak)} / ${mib(keycloak.rss.peak)}`,
        `${cairn.cpuPct.toFixed(0)}% / ${keycloak.cpuPct.toFixed(0)}% of a core`,
        `${failures(cairn.result)} / ${failures(keycloak.result)}`,
      ];
    }),
  );
  const ops = ROWS.map(([, label, c, k]) => `  - ${label}: this service ${c}; Keycloak ${k}`).join('\n');
  const machineCpu = ROWS.map(([key, label]) => {
    const { cairn, keycloak } = r.results.get(key)!;
    return `${label} ${formatCpu(cairn.result.cpu).replace(/^node \d+% of a core, /, '')} (this service's rounds) / ${formatCpu(keycloak.result.cpu).replace(/^node \d+% of a core, /, '')} (Keycloak's)`;
  }).join('; ');
  const ahead = ROWS.filter(([key]) => {
    const { cairn, keycloak } = r.results.get(key)!;
    return cairn.result.perSecond > keycloak.result.perSecond;
  }).map(([, label]) => label);
  const behind = ROWS.filter(([, label]) => !ahead.includes(label)).map(([, label]) => label);
  return `## Beside Keycloak: the same load on both, same machine and PostgreSQL server

${r.machine}
- Keycloak ${KEYCLOAK_VERSION} (org.keycloak:keycloak-quarkus-dist from Maven Central, fetched by \`mvn dependency:copy\`),
  \`kc.sh build --db=postgres --health-enabled=true\` then \`kc.sh start --optimized\` (production mode, plain HTTP on loopback,
  \`--cache=local\`, kc.sh's JVM defaults: G1, -Xms64m -Xmx512m), on its own fresh database; started in ${r.startup.keycloak.toFixed(0)} s
  (schema creation included). This service: \`node ${startFlags().join(' ')} dist/src/main.js\` (as \`npm start\` launches it; PRODUCTION=true, projections in-process, no Kafka, LOG_LEVEL warn),
  on its own fresh database on the same server; started in ${r.startup.cairn.toFixed(1)} s. Each is a process of its own; the load
  generator is a third (this one).
- Passwords: argon2id at this service's parameters (m=${r.argon2.memoryKib} KiB, t=${r.argon2.iterations}, p=${r.argon2.parallelism}) on both.
  Keycloak's argon2 provider is set with \`--spi-password-hashing--argon2--type=id --…--memory=${r.argon2.memoryKib} --…--parallelism=${r.argon2.parallelism}\`
  and the realm's password policy \`hashAlgorithm(argon2) and hashIterations(${r.argon2.iterations})\`; what it stored for a user:
  \`${r.storedHash}\`.
- The same ${USERS} users on both (same names, password, email verified, given and family name), made through each one's admin API
  (this service: AdminCreateUser + AdminSetUserPassword(Permanent) through the AWS SDK, ${r.seed.cairn.toFixed(0)} s; Keycloak: a realm,
  a public client with the direct access grant, a confidential client with a service account, POST /admin/realms/${REALM}/users with the
  password credential, ${r.seed.keycloak.toFixed(0)} s), then one sign-in per user on each before anything is measured.
- What each row sends:
${ops}
  Both sign-ins answer an access, an ID and a refresh token (RS256 access and ID tokens on both; Keycloak's refresh token is an
  HS512 JWT and it issues a new one on each refresh, this service keeps the refresh token, as Cognito does without rotation). Keycloak's
  access tokens were set to live 3,600 s, as this service's default.
- Load: ${CLIENTS} closed-loop clients over keep-alive HTTP/1.1 (node:http, one socket each, the same code for both), users and
  refresh tokens taken round-robin; each answer is checked for its tokens. ${MEASURE_MS / 1000} s measured per row and service in
  ${ROUNDS} rounds alternating between the two, the first of the pair alternating too (${FIRST_WARMUP_MS / 1000} s warm-up before each
  row's first round on each, ${ROUND_WARMUP_MS / 1000} s before later ones). RSS is VmRSS of the service's process (Keycloak: the JVM, not kc.sh)
  sampled every 200 ms in the measured windows; CPU is the process's own from /proc.${scaleNote()}

${table}

Memory of the two processes outside the load (VmRSS): started and idle this service ${mib(r.memory.idle.cairn)}, Keycloak
${mib(r.memory.idle.keycloak)}; after seeding and one sign-in per user ${mib(r.memory.rested.cairn)} / ${mib(r.memory.rested.keycloak)};
after all rows ${mib(r.memory.end.cairn)} / ${mib(r.memory.end.keycloak)}.

**What this means**

- Ahead of Keycloak on: ${ahead.length ? ahead.join(', ') : 'no row'}${behind.length ? `; not ahead on: ${behind.join(', ')}` : ' (every row)'}.
- Machine busy during the rows (whole machine, both services, the load generator and the neighbours): ${machineCpu}.
- The machine is shared: other processes (other test suites) ran during this run on its 2 cores, so absolute rates wander
  between runs; the alternating rounds spread that noise over both services, and the ratios are the figures to compare.
- Password sign-ins are bound by argon2id on 2 cores on both sides (same parameters); the ratio there is mostly each side's argon2
  implementation and what it does besides. Refreshes and client_credentials do no password hashing: they measure each service's
  request path, token signing and storage.
`;
}

if (isMain(import.meta.url)) runAlone(benchKeycloak);
