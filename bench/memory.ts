/**
 * Memory of the service holding 100,000 users: RSS and V8 heap of `node dist/src/main.js` (its
 * own process, so the figures are the service's alone) when started empty (the reference),
 * after loading 100,000 users with group memberships, at rest, under a password sign-in load
 * and after it. Target: RSS ≤ 256 MB throughout.
 *
 * Loading goes through the service's own API, the fastest paths it has: the users arrive by a
 * user import job (CSV, CreateUserImportJob + StartUserImportJob), each joins a group by
 * AdminAddUserToGroup, and a sample of them gets a password by AdminSetUserPassword (imported
 * users have none). A sign-in for each of the 100,000 would take over ten minutes of argon2 on
 * this 2-core machine, so the sign-in load signs in that sample of distinct users, each once.
 *
 *   npm run bench:memory     (needs DATABASE_URL)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserImportJobCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  StartUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { HttpLoad } from './peers/http-load.js';
import { type CairnProcess, cpuSeconds, mib, rssBytes, rssSampler, type ServiceMemory, rssBreakdown, startCairn, startFlags } from './peers/processes.js';
import { freshPgDatabase, serverUrl } from './support/databases.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { type SectionId, writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, sleep } from './support/stats.js';

/** Not in bench/support/results.ts's list: written after the listed sections. */
const SECTION = 'memory' as SectionId;
const USERS = scaled(100_000);
const GROUPS = 10;
/** Every user joins one group; every EXTRA_GROUP_EVERY-th also joins a second one. */
const EXTRA_GROUP_EVERY = 4;
/** Distinct users given a password and signed in once each under load. */
const SAMPLE = Math.min(USERS, scaled(5_000));
const CLIENTS = 32;
const ADMIN_CONCURRENCY = 16;
/**
 * "At rest": this long after the last request. V8's memory reducer starts shrinking the heap only
 * once the allocation rate has stayed low for several seconds, so a shorter wait reads garbage
 * the idle process would have given back (5 s readings of the same run differed by 200 MiB).
 */
const REST_MS = 30_000;
const SAMPLE_EVERY_MS = 500;
const TARGET_BYTES = 256 * 2 ** 20;
const PASSWORD = 'Bench-Horse-Battery-9';

interface Reading {
  label: string;
  rss: number;
  memory: ServiceMemory;
  /** The same moment after a full garbage collection (what is live). */
  afterGc?: ServiceMemory;
}

export async function benchMemory(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const db = await freshPgDatabase();
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cairn-bench-memory-'));
  let cairn: CairnProcess | undefined;
  try {
    cairn = await startCairn({ databaseUrl: db.url, dataDir, probe: true });
    const svc = cairn;
    const readings: Reading[] = [];
    const read = async (label: string, gc: boolean) => {
      const memory = await svc.memory();
      const rss = rssBytes(svc.pid);
      const afterGc = gc ? await svc.memory({ gc: true }) : undefined;
      readings.push({ label, rss, memory, afterGc });
      console.log(`memory: ${label}: RSS ${mib(rss)}, heap used ${mib(memory.heapUsed)}${afterGc ? ` (${mib(afterGc.heapUsed)} after a GC)` : ''}`);
    };
    await sleep(REST_MS);
    await read('started, empty (reference)', true);

    const sdk = new CognitoIdentityProviderClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.admin, maxAttempts: 3 });
    let loadSeconds: Record<string, number>;
    const loadingPeaks = { import: Number.NaN, groups: Number.NaN };
    let clientId: string;
    try {
      const poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench-memory', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      clientId = (await sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] })))
        .UserPoolClient!.ClientId!;
      for (let g = 0; g < GROUPS; g++) await sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: `group-${g}`, Description: `Group ${g}` }));

      // 1. The users, by an import job.
      const importRss = rssSampler(() => svc.pid);
      const t0 = performance.now();
      const rows = Array.from({ length: USERS }, (_, i) => `user-${i},false,user-${i}@example.com,true,Given${i},Family${i}`);
      const csv = ['cognito:username,cognito:mfa_enabled,email,email_verified,given_name,family_name', ...rows].join('\n');
      const job = (
        await sdk.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'bench', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/Import' }))
      ).UserImportJob!;
      const uploaded = await fetch(job.PreSignedUrl!, { method: 'PUT', body: csv });
      if (uploaded.status !== 200) throw new Error(`upload failed: ${uploaded.status}`);
      await sdk.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }));
      for (;;) {
        const done = (await sdk.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }))).UserImportJob!;
        if (done.Status === 'Succeeded' && done.ImportedUsers === USERS) break;
        if (['Succeeded', 'Failed', 'Stopped'].includes(done.Status!)) throw new Error(`import ended ${done.Status} with ${done.ImportedUsers} users`);
        await sleep(250);
      }
      const importSeconds = (performance.now() - t0) / 1000;
      loadingPeaks.import = importRss.stop().peak;
      console.log(`memory: imported ${num(USERS)} users in ${importSeconds.toFixed(0)} s`);
      await read(`${num(USERS)} users imported`, false);

      // 2. Group memberships.
      const groupRss = rssSampler(() => svc.pid);
      const t1 = performance.now();
      const memberships: [string, string][] = [];
      for (let i = 0; i < USERS; i++) {
        memberships.push([`user-${i}`, `group-${i % GROUPS}`]);
        if (i % EXTRA_GROUP_EVERY === 0) memberships.push([`user-${i}`, `group-${(i + 1) % GROUPS}`]);
      }
      await inParallel(memberships, ADMIN_CONCURRENCY, ([Username, GroupName]) =>
        sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username, GroupName })).then(() => undefined),
      );
      const groupSeconds = (performance.now() - t1) / 1000;
      loadingPeaks.groups = groupRss.stop().peak;
      console.log(`memory: ${num(memberships.length)} memberships in ${groupSeconds.toFixed(0)} s`);

      // 3. Passwords for the sample (argon2id hashes on the service's side).
      const t2 = performance.now();
      const sample = Array.from({ length: SAMPLE }, (_, k) => `user-${Math.floor((k * USERS) / SAMPLE)}`);
      await inParallel(sample, 8, (Username) =>
        sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true })).then(() => undefined),
      );
      const passwordSeconds = (performance.now() - t2) / 1000;
      loadSeconds = { import: importSeconds, groups: groupSeconds, passwords: passwordSeconds, memberships: memberships.length };
      console.log(`memory: ${num(SAMPLE)} passwords set in ${passwordSeconds.toFixed(0)} s`);
    } finally {
      sdk.destroy();
    }
    await sleep(REST_MS);
    await read(`loaded, at rest (${REST_MS / 1000} s after the last write)`, true);

    // 4. Sign-ins: each sampled user once, CLIENTS at a time; RSS and heap sampled meanwhile.
    const wire = new HttpLoad(svc.url, CLIENTS);
    const sampleNames = Array.from({ length: SAMPLE }, (_, k) => `user-${Math.floor((k * USERS) / SAMPLE)}`);
    let peakRss = 0;
    let peakHeap = 0;
    let peakHeapTotal = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, rssBytes(svc.pid));
        const m = await svc.memory();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakHeapTotal = Math.max(peakHeapTotal, m.heapTotal);
        await sleep(SAMPLE_EVERY_MS);
      }
    })();
    const cpu0 = cpuSeconds(svc.pid);
    const t3 = performance.now();
    const latencies: number[] = [];
    const failures = new Map<string, number>();
    // Each sampled user once, CLIENTS at a time.
    await inParallel(sampleNames, CLIENTS, async (username, worker) => {
      const s = performance.now();
      try {
        const r = await wire.json<{ AuthenticationResult?: { AccessToken?: string } }>(
          'POST',
          '/',
          JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD } }),
          { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
          worker,
        );
        if (!r.AuthenticationResult?.AccessToken) throw new Error('sign-in answered without tokens');
        latencies.push(performance.now() - s);
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        failures.set(name, (failures.get(name) ?? 0) + 1);
      }
    });
    const signInSeconds = (performance.now() - t3) / 1000;
    const signInCpu = ((cpuSeconds(svc.pid) - cpu0) / signInSeconds) * 100;
    sampling = false;
    await sampler;
    wire.close();
    const underLoad = { peakRss, peakHeap, peakHeapTotal };
    console.log(`memory: ${num(latencies.length)} sign-ins in ${signInSeconds.toFixed(0)} s, peak RSS ${mib(peakRss)}`);
    await read('right after the sign-ins', false);
    await sleep(REST_MS);
    await read(`after the sign-ins, at rest (${REST_MS / 1000} s)`, true);
    const where = rssBreakdown(svc.pid);
    console.log(
      `memory: where the RSS is: file-backed ${mib(where.file)}, brk heap ${mib(where.brk)}, anonymous ${mib(where.anon)} (largest: ${where.largestAnon.map(mib).join(', ')})`,
    );
    if (process.env.MEMORY_HOLD_MS) {
      console.log(`memory: holding the service (pid ${svc.pid}) for ${process.env.MEMORY_HOLD_MS} ms`);
      await sleep(Number(process.env.MEMORY_HOLD_MS));
    }
    const hwm = peakRss;

    writeSection(
      SECTION,
      report({
        machine: formatMachine(machine, 'npm run bench:memory'),
        readings,
        loadSeconds,
        signIns: { count: latencies.length, seconds: signInSeconds, latencies, failures, cpuPct: signInCpu },
        underLoad,
        hwm,
        loadingPeaks,
      }),
    );
  } finally {
    await cairn?.stop().catch((e: unknown) => console.error('memory: stopping the service failed:', e));
    await db.drop().catch((e: unknown) => console.error('memory: dropping the database failed:', e));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        await work(items[i], worker);
      }
    }),
  );
}

interface Report {
  machine: string;
  readings: Reading[];
  loadSeconds: Record<string, number>;
  signIns: { count: number; seconds: number; latencies: number[]; failures: Map<string, number>; cpuPct: number };
  underLoad: { peakRss: number; peakHeap: number; peakHeapTotal: number };
  hwm: number;
  loadingPeaks: { import: number; groups: number };
}

function report(r: Report): string {
  const reference = r.readings[0];
  const row = (x: Reading) => [
    x.label,
    `**${mib(x.rss)}**`,
    `${(x.rss / reference.rss).toFixed(2)}×`,
    `${mib(x.memory.heapUsed)} / ${mib(x.memory.heapTotal)}`,
    x.afterGc ? `${mib(x.afterGc.heapUsed)} / ${mib(x.afterGc.rss)}` : '—',
    `${mib(x.memory.external)} (array buffers ${mib(x.memory.arrayBuffers)})`,
    x.rss <= TARGET_BYTES ? 'yes' : '**no**',
  ];
  const rows = r.readings.map(row);
  rows.splice(
    r.readings.findIndex((x) => x.label.startsWith('right after')),
    0,
    [
      `under sign-in load (${num(r.signIns.count)} sign-ins, peak of samples every ${SAMPLE_EVERY_MS} ms)`,
      `**${mib(r.underLoad.peakRss)}**`,
      `${(r.underLoad.peakRss / reference.rss).toFixed(2)}×`,
      `${mib(r.underLoad.peakHeap)} / ${mib(r.underLoad.peakHeapTotal)}`,
      '—',
      '—',
      r.underLoad.peakRss <= TARGET_BYTES ? 'yes' : '**no**',
    ],
  );
  const d = distribution(r.signIns.latencies);
  const failures = [...r.signIns.failures.entries()].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
  const worst = Math.max(r.underLoad.peakRss, ...r.readings.map((x) => x.rss));
  const loaded = r.readings.find((x) => x.label.startsWith('loaded'));
  const spaces = (m: ServiceMemory | undefined) =>
    m
      ? Object.entries(m.spaces)
          .filter(([, v]) => v > 2 ** 20)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${mib(v)}`)
          .join(', ')
      : 'n/a';
  return `## Memory: 100,000 users with groups, at rest and under sign-ins

${r.machine}
- The service as its own process, launched as \`npm start\` does: \`node ${startFlags().join(' ')} dist/src/main.js\` (PRODUCTION=true, projections in-process, no Kafka, LOG_LEVEL warn) on a fresh
  database on the PostgreSQL server above, Node's default heap limit. RSS is the process's VmRSS from /proc; heap figures are
  \`process.memoryUsage()\` inside it, asked over an IPC channel by a probe module loaded with \`--import\` (it answers and does nothing
  else; a full GC is run only for the "after a GC" column).
- Reference: the same process started on an empty database, measured ${REST_MS / 1000} s after it was ready.
- Loaded through the service's own API: ${num(USERS)} users by one user import job (CSV with email, email_verified, given and family
  name; ${num(r.loadSeconds.import)} s), ${num(r.loadSeconds.memberships)} group memberships over ${GROUPS} groups (each user in one,
  every ${EXTRA_GROUP_EVERY}th in a second) by AdminAddUserToGroup, ${ADMIN_CONCURRENCY} at a time (${num(r.loadSeconds.groups)} s), and a password
  for ${num(SAMPLE)} of them, spread evenly over the 100,000, by AdminSetUserPassword(Permanent) (${num(r.loadSeconds.passwords)} s; imported users have none).
- Sign-in load: those ${num(SAMPLE)} distinct users signed in once each by USER_PASSWORD_AUTH, ${CLIENTS} clients in a closed loop
  (${num(r.signIns.count)} sign-ins in ${num(r.signIns.seconds)} s, ${num(r.signIns.count / r.signIns.seconds, 1)}/s, p50 / p99 ${ms(d.p50)} / ${ms(d.p99)},
  failures ${failures}, service CPU ${r.signIns.cpuPct.toFixed(0)}% of a core). Not every one of the 100,000 signs in: at the ~100–150
  argon2id verifies/s this 2-core machine does, that alone would take 11–17 minutes; the sample is stated instead.${scaleNote()}

${markdownTable(['Moment', 'RSS', 'RSS vs the empty service', 'Heap used / total', 'After a full GC: heap used / RSS', 'External', `≤ 256 MB`], rows)}

- Target RSS ≤ 256 MB (${mib(TARGET_BYTES)}): ${worst <= TARGET_BYTES ? `**met**, worst reading ${mib(worst)}` : `**not met**, worst reading ${mib(worst)}`}; peak RSS seen while sampling the sign-ins ${mib(r.hwm)}.
- While loading (RSS sampled every 200 ms): peak ${mib(r.loadingPeaks.import)} during the import job, ${mib(r.loadingPeaks.groups)} while adding the memberships.
- V8 heap spaces over 1 MiB once loaded, after a GC: ${spaces(loaded?.afterGc)}.
- The machine is shared: other processes ran on its 2 cores during this run, which moves the times above but not what the service holds.
`;
}

if (isMain(import.meta.url)) runAlone(benchMemory);
