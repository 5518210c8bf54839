/**
 * The cost of the personal-data envelope (docs/history.md "Erasure", issue 11 part 4): the same
 * appends and reads through the plain SqlEventStore and through the envelope around it, on the
 * same database, alternating rounds, on PostgreSQL and PGlite. Arms:
 * - sign-up: a new user's UserSignedUp (username, attributes, address and agent sealed; the new
 *   subject's data key made in one more statement before the append);
 * - sign-in: SignInSucceeded on an existing user's auth log (address and agent sealed; key cached);
 * - read: a user's stream (sign-up and confirmation) read back and opened (key cached).
 * Also the CPU of sealing and opening one event, next to its digest (the chain's per-event work).
 *
 *   npm run build && DATABASE_URL=... node dist/bench/erasure-envelope.js
 */
import { randomBytes } from 'node:crypto';
import { Secrets } from '../src/crypto/secrets.js';
import { PgDatabase } from '../src/db/pg-database.js';
import type { SqlDatabase } from '../src/db/sql.js';
import { DataKeys, openWithDataKey } from '../src/event-store/data-keys.js';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { eventDigest } from '../src/event-store/event-hash.js';
import type { EventStore, NewEvent, RecordedEvent } from '../src/event-store/event-store.port.js';
import { PersonalDataEnvelope } from '../src/event-store/personal-data-envelope.js';
import { SqlEventStore } from '../src/event-store/sql-event-store.js';
import { withMetadata } from '../src/shared/command-handler.js';
import { freshPgDatabase, serverUrl, tempPglite } from './support/databases.js';
import { closedLoop, mergeRounds, type ClosedLoopResult } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio } from './support/stats.js';
import { BENCH_POOL, benchContext, newUser } from './support/user-events.js';

const ROUNDS = 3;
const ROUND_MS = scaled(2_500);
const WARMUP_MS = scaled(800);
const SIGN_IN_USERS = scaled(2_000);
const CONTEXT = { ...benchContext, clientIp: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench/1.0' };

type ArmName = 'sign-up' | 'sign-in' | 'read';
interface Arm {
  name: ArmName;
  plain: ClosedLoopResult;
  sealed: ClosedLoopResult;
  rounds: Array<{ plain: number; sealed: number }>;
}

export async function benchErasureEnvelope(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const results: Array<{ label: string; arms: Arm[] }> = [];
  const fresh = await freshPgDatabase();
  try {
    const db = new PgDatabase({ connectionString: fresh.url, max: 8, applicationName: 'cairn-bench' });
    try {
      results.push({ label: 'PostgreSQL (8 writers)', arms: await measure(db, 8) });
    } finally {
      await db.close();
    }
  } finally {
    await fresh.drop();
  }
  const lite = await tempPglite();
  let liteVersion: string;
  try {
    liteVersion = await lite.describe();
    results.push({ label: 'PGlite (4 writers)', arms: await measure(lite.db, 4) });
  } finally {
    await lite.dispose();
  }
  writeSection('erasure-envelope', report(results, await cpuCosts(), formatMachine(machine, 'node dist/bench/erasure-envelope.js'), liteVersion));
}

const signUp = (n: number): { streamId: string; event: NewEvent } => {
  const user = newUser(n, false);
  return { streamId: user.streamId, event: withMetadata([user.events[0]], CONTEXT, new Date())[0] };
};
const signIn = (sub: string): NewEvent =>
  withMetadata(
    [
      {
        type: 'SignInSucceeded',
        data: { poolId: BENCH_POOL, sub, clientId: 'benchclient0000000000000', flow: 'USER_PASSWORD_AUTH', at: new Date().toISOString() },
      },
    ],
    CONTEXT,
    new Date(),
  )[0];

async function measure(db: SqlDatabase, workers: number): Promise<Arm[]> {
  const plain = await SqlEventStore.open(db, { wakeFor: () => false });
  const keys = await DataKeys.open(db, new Secrets(randomBytes(32)));
  const sealed = new PersonalDataEnvelope(plain, keys);
  try {
    // Existing users (through the envelope: their keys exist and, after the warm-up, are cached).
    const subs: string[] = [];
    const readable: Record<'plain' | 'sealed', string[]> = { plain: [], sealed: [] };
    for (let i = 0; i < SIGN_IN_USERS; i++) {
      const { streamId, event } = signUp(1_000_000 + i);
      const store = i % 2 === 0 ? sealed : plain;
      const confirmed = withMetadata(
        [{ type: 'UserConfirmed', data: { confirmedAt: new Date().toISOString(), verifiedAttribute: 'email' } }],
        CONTEXT,
        new Date(),
      );
      await store.append(streamId, [event, ...confirmed], { expectedRevision: 'no_stream' });
      (i % 2 === 0 ? readable.sealed : readable.plain).push(streamId);
      subs.push(streamId.slice(-36));
    }
    let n = 0;
    const ops: Record<ArmName, (store: EventStore, which: 'plain' | 'sealed') => () => Promise<unknown>> = {
      'sign-up': (store) => () => {
        const { streamId, event } = signUp(n++);
        return store.append(streamId, [event], { expectedRevision: 'no_stream' });
      },
      'sign-in': (store) => () => {
        const sub = subs[n++ % subs.length];
        return store.append(`authlog-${BENCH_POOL}-${sub}`, [signIn(sub)], { expectedRevision: 'any' });
      },
      read: (store, which) => () => {
        const list = readable[which];
        return store.readStream(list[n++ % list.length]).then((events: RecordedEvent[]) => {
          if (events.length !== 2) throw new Error('short read');
        });
      },
    };
    const arms: Arm[] = [];
    for (const name of ['sign-up', 'sign-in', 'read'] as ArmName[]) {
      const runs: Record<'plain' | 'sealed', ClosedLoopResult[]> = { plain: [], sealed: [] };
      const rounds: Arm['rounds'] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const round = { plain: 0, sealed: 0 };
        // Alternate which goes first, so a drift of the machine does not favour one.
        for (const which of r % 2 === 0 ? (['plain', 'sealed'] as const) : (['sealed', 'plain'] as const)) {
          const op = ops[name](which === 'plain' ? plain : sealed, which);
          const result = await closedLoop({ workers, warmupMs: WARMUP_MS, durationMs: ROUND_MS, op: async () => void (await op()) });
          runs[which].push(result);
          round[which] = result.perSecond;
        }
        rounds.push(round);
      }
      arms.push({ name, plain: mergeRounds(runs.plain), sealed: mergeRounds(runs.sealed), rounds });
    }
    return arms;
  } finally {
    await keys.stop();
  }
}

interface CpuCosts {
  seal: number;
  decrypt: number;
  reopen: number;
  digest: number;
  argon2Ms: number;
}

/**
 * µs of CPU per event, no database: sealing (AES-256-GCM, key cached), opening it the first time
 * (decrypt) and again (the envelope keeps opened plaintext), against the digest the chain takes
 * anyway; and one argon2id hash at the service's default costs, which every sign-up and
 * password sign-in pays.
 */
async function cpuCosts(): Promise<CpuCosts> {
  const key = randomBytes(32);
  const keys = {
    forWrite: async () => key,
    forRead: async (s: Iterable<string>) => new Map([...s].map((x) => [x, key])),
    onErasure: () => undefined,
  } as unknown as DataKeys;
  const envelope = new PersonalDataEnvelope({} as EventStore, keys);
  const { streamId, event } = signUp(1);
  const N = scaled(20_000);
  const time = async (fn: () => unknown) => {
    for (let i = 0; i < 1000; i++) await fn();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await fn();
    return ((performance.now() - t0) * 1000) / N;
  };
  const [stored] = await envelope.seal(streamId, [event]);
  const recorded = { ...stored, streamId, revision: 0n, position: { commit: 1n, prepare: 1n } } as RecordedEvent;
  const sealed = (stored.metadata.personal as { c: string }).c;
  const seal = await time(() => envelope.seal(streamId, [event]));
  const decrypt = await time(() => JSON.parse(openWithDataKey(key, sealed, event.metadata.eventId)));
  const reopen = await time(() => envelope.open([recorded]));
  const digest = await time(() => eventDigest({ streamId, eventId: event.metadata.eventId, type: event.type, data: event.data, metadata: event.metadata }));
  const hasher = new PasswordHasher({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  const hashes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await hasher.hash(`bench-password-${i}`);
    hashes.push(performance.now() - t0);
  }
  return { seal, decrypt, reopen, digest, argon2Ms: distribution(hashes).p50 };
}

function report(results: Array<{ label: string; arms: Arm[] }>, cpu: CpuCosts, machine: string, liteVersion: string): string {
  const lines = [
    '## Erasure: the personal-data envelope',
    '',
    'Appends and reads through the plain event store and through the personal-data envelope around it (src/event-store/personal-data-envelope.ts), on the same database, alternating rounds of equal length; ratio = plain rate / envelope rate (1.00× = free).',
    '',
  ];
  for (const { label, arms } of results) {
    lines.push(`### ${label}`, '');
    lines.push(
      markdownTable(
        ['Operation', 'Plain /s', 'Envelope /s', 'Cost (plain ÷ envelope)', 'p50 plain', 'p50 envelope', 'p99 envelope', 'Rounds (plain / envelope)'],
        arms.map((a) => {
          const p = distribution(a.plain.latencies);
          const s = distribution(a.sealed.latencies);
          return [
            a.name,
            num(a.plain.perSecond),
            num(a.sealed.perSecond),
            ratio(a.plain.perSecond, a.sealed.perSecond),
            ms(p.p50),
            ms(s.p50),
            ms(s.p99),
            a.rounds.map((r) => `${num(r.plain)} / ${num(r.sealed)}`).join(', '),
          ];
        }),
      ),
      '',
    );
  }
  const signUpPg = results[0]?.arms.find((a) => a.name === 'sign-up');
  const added = signUpPg ? distribution(signUpPg.sealed.latencies).p50 - distribution(signUpPg.plain.latencies).p50 : 0;
  lines.push(
    `CPU per event, no database: sealing ${num(cpu.seal, 1)} µs; opening ${num(cpu.decrypt, 1)} µs the first time, ${num(cpu.reopen, 1)} µs again (opened plaintext kept per process until an erasure); the chain's digest of the same event ${num(cpu.digest, 1)} µs (sealing ${ratio(cpu.seal, cpu.digest)} of it).`,
    '',
    `- Where the cost goes: a sealed event costs one AES-256-GCM context (most of the sealing time) and about 150 bytes more JSON; a new person's first event one more statement (their data key, \`INSERT … ON CONFLICT DO NOTHING\`, wrapped under the master key), which is most of the sign-up arm's difference; reads of a person's events one more statement per batch only when their key is not cached (10 minutes).`,
    `- In proportion: one argon2id hash at the default costs took ${ms(cpu.argon2Ms)} here (every sign-up and password sign-in pays one); the envelope added ${ms(Math.max(0, added))} to a PostgreSQL sign-up append at the median, ${num((100 * Math.max(0, added)) / cpu.argon2Ms, 1)}% of that hash.`,
    `- PGlite: ${liteVersion}.`,
    `- ${machine}${scaleNote()}`,
  );
  return lines.join('\n');
}

if (isMain(import.meta.url)) runAlone(benchErasureEnvelope);
