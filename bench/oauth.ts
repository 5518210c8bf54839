/**
 * OAuth token endpoint throughput on PostgreSQL: client_credentials grants/s with 32 concurrent
 * clients (target ≥ 3,000/s, p99 ≤ 30 ms) and authorization-code exchanges/s, each against the
 * RS256 signing rate measured in the same run (a client_credentials grant is one signature, an
 * exchange two plus one append: the refresh-token family and its grant record).
 *
 *   npm run build && DATABASE_URL=... node dist/bench/oauth.js
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startBenchApp } from './support/cognito-app.js';
import { serverUrl } from './support/databases.js';
import { closedLoop, type ClosedLoopResult } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio } from './support/stats.js';

const CLIENTS = 32;
const MEASURE_MS = scaled(10_000);
const WARMUP_MS = scaled(2_000);
const SIGN_RATE_MS = scaled(2_000);
const CODES = scaled(6_000);
const TARGET_GRANTS = 3_000;
const TARGET_P99_MS = 30;
const PASSWORD = 'Bench-Horse-Battery-9';
const CALLBACK = 'http://localhost:4999/cb';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Keep-alive HTTP for the load (fetch's per-request cost would be measured instead of the server's). */
function client(base: string) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS, maxFreeSockets: CLIENTS });
  return (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: Number(url.port),
          path,
          method,
          agent,
          headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('error', reject);
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const pathOf = (location: string | undefined) => {
  const u = new URL(location ?? '/', 'http://x');
  return `${u.pathname}${u.search}`;
};
const cookiesOf = (a: Answer) => (a.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);

function signRate(): number {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = randomBytes(300);
  let n = 0;
  const end = performance.now() + SIGN_RATE_MS;
  while (performance.now() < end) {
    sign('sha256', data, privateKey);
    n++;
  }
  return n / (SIGN_RATE_MS / 1000);
}

export async function benchOAuth(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const app = await startBenchApp('postgres');
  const http1 = client(app.url);
  try {
    const admin = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'us-east-1', credentials: app.admin, maxAttempts: 1 });
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'bench-oauth' }))).UserPool!.Id!;
    await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'bench' }));
    await admin.send(
      new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'api', Name: 'api', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] }),
    );
    const m2m = (
      await admin.send(
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
    const web = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid'],
          CallbackURLs: [CALLBACK],
          SupportedIdentityProviders: ['COGNITO'],
        }),
      )
    ).UserPoolClient!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bench', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'bench', Password: PASSWORD, Permanent: true }));

    // 1. The reference: RS256 signatures per second on one core (node:crypto, synchronous).
    const oneCore = signRate();
    const cores = os.availableParallelism();

    // 2. client_credentials, 32 clients.
    const basic = `Basic ${Buffer.from(`${m2m.ClientId}:${m2m.ClientSecret}`).toString('base64')}`;
    const grant = async () => {
      const r = await http1('POST', '/auth/bench/oauth2/token', 'grant_type=client_credentials&scope=api%2Fread', { ...FORM, authorization: basic });
      if (r.status !== 200) throw new Error(`client_credentials answered ${r.status}: ${r.body.slice(0, 200)}`);
    };
    const grants = await closedLoop({ workers: CLIENTS, warmupMs: WARMUP_MS, durationMs: MEASURE_MS, op: grant });

    // 3. Authorization codes: one sign-in through the hosted page, then the login session's codes.
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorizePath = `/auth/bench/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: web.ClientId!, redirect_uri: CALLBACK, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`;
    const first = await http1('GET', authorizePath);
    const jar = cookiesOf(first);
    const loginPage = await http1('GET', pathOf(first.headers.location), undefined, { cookie: jar.join('; ') });
    jar.push(...cookiesOf(loginPage));
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(loginPage.body)?.[1] ?? '';
    const posted = await http1(
      'POST',
      '/auth/bench/login',
      new URLSearchParams({ _csrf: field('_csrf'), i: field('i'), username: 'bench', password: PASSWORD }).toString(),
      { ...FORM, cookie: jar.join('; ') },
    );
    const resumed = await http1('GET', pathOf(posted.headers.location), undefined, { cookie: jar.join('; ') });
    jar.push(...cookiesOf(resumed));
    const codeOf = (a: Answer) => new URL(a.headers.location ?? 'x:/').searchParams.get('code');
    if (!codeOf(resumed)) throw new Error(`no code after the sign-in: ${resumed.status} ${resumed.headers.location}`);
    const mintStart = performance.now();
    const codes: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (codes.length < CODES) {
          const code = codeOf(await http1('GET', authorizePath, undefined, { cookie: jar.join('; ') }));
          if (!code) throw new Error('the login session gave no code');
          codes.push(code);
        }
      }),
    );
    const mintRate = codes.length / ((performance.now() - mintStart) / 1000);
    let next = 0;
    const exchange = async () => {
      const code = codes[next++];
      if (!code) throw new Error('out of codes');
      const r = await http1(
        'POST',
        '/auth/bench/oauth2/token',
        new URLSearchParams({ grant_type: 'authorization_code', client_id: web.ClientId!, code, redirect_uri: CALLBACK, code_verifier: verifier }).toString(),
        FORM,
      );
      if (r.status !== 200) throw new Error(`exchange answered ${r.status}: ${r.body.slice(0, 200)}`);
    };
    const exchanges = await closedLoop({
      workers: CLIENTS,
      warmupMs: Math.min(WARMUP_MS, 1000),
      durationMs: Math.min(MEASURE_MS, scaled(5_000)),
      op: exchange,
    });
    writeSection('oauth', report({ grants, exchanges, oneCore, cores, mintRate, codes: codes.length }, formatMachine(machine, 'node dist/bench/oauth.js')));
  } finally {
    await app.destroy();
  }
}

function report(
  r: { grants: ClosedLoopResult; exchanges: ClosedLoopResult; oneCore: number; cores: number; mintRate: number; codes: number },
  machine: string,
): string {
  const g = distribution(r.grants.latencies);
  const e = distribution(r.exchanges.latencies);
  const all = r.oneCore * r.cores;
  const failures = (x: ClosedLoopResult) => [...x.failures.entries()].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
  const metGrants = r.grants.perSecond >= TARGET_GRANTS && g.p99 <= TARGET_P99_MS;
  return `## OAuth token endpoint (bench/oauth.ts)

${machine}

PostgreSQL, the app in this process, ${CLIENTS} concurrent keep-alive HTTP clients in the same process (they share its CPU).
Reference: RS256 (RSA-2048) signatures per second measured in the same run with node:crypto on one core, ${num(r.oneCore)}/s
(× ${r.cores} cores = ${num(all)}/s, the ceiling for anything that signs once per request on this machine).

${markdownTable(
  ['operation', 'per second', 'p50', 'p99', 'signatures each', 'ratio to the one-core signing rate', 'ratio to all cores', 'failures'],
  [
    [
      'client_credentials grant (basic auth, a resource-server scope)',
      num(r.grants.perSecond),
      ms(g.p50),
      ms(g.p99),
      '1',
      ratio(r.grants.perSecond, r.oneCore),
      ratio(r.grants.perSecond, all),
      failures(r.grants),
    ],
    [
      'authorization-code exchange (PKCE, public client)',
      num(r.exchanges.perSecond),
      ms(e.p50),
      ms(e.p99),
      '2 + an append',
      ratio(r.exchanges.perSecond, r.oneCore / 2),
      ratio(r.exchanges.perSecond, all / 2),
      failures(r.exchanges),
    ],
  ],
)}

- Target for client_credentials: ≥ ${num(TARGET_GRANTS)}/s with p99 ≤ ${TARGET_P99_MS} ms: ${metGrants ? '**met**' : '**not met** on this machine'}.
- The exchanges used ${num(r.codes)} codes minted beforehand by the login session at ${num(r.mintRate)}/s (8 clients); each exchange consumes its code (one statement), appends the refresh-token family and its grant record (one transaction) and signs an access and an ID token.${scaleNote()}`;
}

if (isMain(import.meta.url)) runAlone(benchOAuth);
