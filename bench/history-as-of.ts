/**
 * As-of queries (issue 11 part 2): AdminGetUser and ListUsers over 100,000 users at an instant
 * 1,000,000 events back, from the as-of read model, against the same queries on today's
 * directory (the reference) and against replaying the log from its start (what the read model
 * saves). Also the lookups a user's history needs (refresh-token families: read model against a
 * scan of the log) and one history page of a user with many sign-ins. PostgreSQL.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/history-as-of.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PgDatabase } from '../src/db/pg-database.js';
import type { SqlDatabase } from '../src/db/sql.js';
import type { GlobalPosition, NewEvent, RecordedEvent } from '../src/event-store/event-store.port.js';
import { formatPosition } from '../src/event-store/positions.js';
import { SqlEventStore } from '../src/event-store/sql-event-store.js';
import { Secrets } from '../src/crypto/secrets.js';
import { authLogStream, type SignInSucceeded } from '../src/auth/auth-log.events.js';
import { refreshFamilyStream, type RefreshTokenIssued } from '../src/auth/refresh-token.events.js';
import { parseInstant } from '../src/history/as-of/instant.js';
import { replayDirectory } from '../src/history/as-of/replay.js';
import { AS_OF_FAMILIES } from '../src/history/as-of/tables.js';
import { userTypeShape } from '../src/history/as-of/user-snapshot.js';
import { HistoryUsers } from '../src/history/history-users.js';
import { ListUsersAsOfHandler, ListUsersAsOfQuery, UserAsOfHandler, UserAsOfQuery } from '../src/history/queries/as-of.js';
import { UserHistoryHandler, UserHistoryQuery } from '../src/history/queries/user-history.js';
import { fold } from '../src/shared/decider.js';
import { withMetadata } from '../src/shared/command-handler.js';
import type { ReadModels } from '../src/shared/ports.js';
import { ListUsersHandler, ListUsersQuery } from '../src/user-pools/queries/list-users.js';
import { Pools } from '../src/user-pools/pools.js';
import { userDecider } from '../src/user-pools/user.decider.js';
import type { UserEvent } from '../src/user-pools/user.events.js';
import { Users } from '../src/user-pools/users.js';
import { systemClock } from '../src/shared/clock.js';
import { historyAsOfProjection } from '../projections/history/as-of.projection.js';
import type { Projection } from '../projections/projection.js';
import { userDirectoryProjection } from '../projections/user-directory/user-directory.projection.js';
import { bulkAppend, type SeedRow } from './history-seed.js';
import { freshPgDatabase, serverUrl } from './support/databases.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio } from './support/stats.js';
import { BENCH_POOL, benchContext, createBenchPool, newUser } from './support/user-events.js';

const USERS_BEFORE = scaled(100_000);
/** Events written after the instant: attribute changes, sign-ins (two events each), new users (two each). */
const AFTER = { updates: scaled(400_000), signIns: scaled(250_000), newUsers: scaled(50_000) };
/** One user signs in this often after the instant (a busy history). */
const BUSY_SIGN_INS = scaled(500);
const CHUNK = 5_000;
const BATCH = 500;
const BEFORE_AT = new Date('2026-01-01T00:00:00.000Z');
const INSTANT_AT = '2026-01-15T00:00:00.000Z';
const AFTER_AT = new Date('2026-02-01T00:00:00.000Z');

const noWait: ReadModels = { waitFor: async () => undefined };

export async function benchHistoryAsOf(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const fresh = await freshPgDatabase();
  try {
    const db = new PgDatabase({ connectionString: fresh.url, max: 8, applicationName: 'cairn-bench' });
    try {
      const body = await measure(db);
      writeSection('history-as-of', `${body.head}\n${formatMachine(machine, 'node dist/bench/history-as-of.js')}${scaleNote()}\n${body.rest}`);
    } finally {
      await db.close();
    }
  } finally {
    await fresh.drop();
  }
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

async function samples(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await timed(() => f(i))).ms);
  return out;
}

const p50 = (xs: number[]) => distribution(xs).p50;
const lat = (xs: number[]) => `${ms(distribution(xs).p50)} / ${ms(distribution(xs).p99)}`;

async function measure(db: SqlDatabase) {
  const store = await SqlEventStore.open(db, { wakeFor: () => false });
  await createBenchPool(store);
  // The pool was decided "now"; a time instant in the past must see it, so it is dated with the first part of the log.
  await db.query(`UPDATE es_events SET metadata = jsonb_set(metadata, '{occurredAt}', to_jsonb($1::text)) WHERE stream_id = $2`, [
    BEFORE_AT.toISOString(),
    `userpool-${BENCH_POOL}`,
  ]);

  // 1. The log before the instant: users signed up and confirmed, then each renamed once.
  console.log(`history-as-of: seeding ${num(USERS_BEFORE)} users before the instant`);
  const seedStart = performance.now();
  const subs: string[] = [];
  const revisions = new Map<string, number>();
  let rows: SeedRow[] = [];
  const flush = async (force = false) => {
    if (rows.length >= CHUNK || (force && rows.length > 0)) {
      await bulkAppend(db, rows);
      rows = [];
    }
  };
  const push = async (streamId: string, event: NewEvent) => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    rows.push({ streamId, revision, event });
    await flush();
  };
  const user = (n: number, at: Date) => {
    const u = newUser(n, true);
    subs.push(u.streamId.slice(`user-${BENCH_POOL}-`.length));
    return withMetadata(u.events, benchContext, at).map((event) => ({ streamId: u.streamId, event }));
  };
  const rename = (sub: string, n: number, at: Date): NewEvent =>
    withMetadata([{ type: 'UserAttributesUpdated', data: { attributes: { name: `Renamed ${n}` }, at: at.toISOString() } }], benchContext, at)[0];
  for (let n = 0; n < USERS_BEFORE; n++) for (const r of user(n, BEFORE_AT)) await push(r.streamId, r.event);
  for (let n = 0; n < USERS_BEFORE; n++) await push(`user-${BENCH_POOL}-${subs[n]}`, rename(subs[n], n, BEFORE_AT));
  await flush(true);
  const instant = (await store.headPosition())!;
  const eventsBefore = revisionsTotal(revisions) + 1;

  // 2. A million events after it: renames, sign-ins (log entry + refresh-token family), new users.
  console.log(`history-as-of: seeding ${num(AFTER.updates + AFTER.signIns * 2 + AFTER.newUsers * 2)} events after the instant`);
  const busy = subs[0];
  const signIn = async (sub: string) => {
    const familyId = randomUUID();
    const at = AFTER_AT.toISOString();
    const ok: SignInSucceeded = { type: 'SignInSucceeded', data: { poolId: BENCH_POOL, sub, clientId: 'benchclient', flow: 'USER_PASSWORD_AUTH', at } };
    const issued: RefreshTokenIssued = {
      type: 'RefreshTokenIssued',
      data: {
        familyId,
        poolId: BENCH_POOL,
        sub,
        clientId: 'benchclient',
        refreshTokenHash: randomBytes(32).toString('base64url'),
        authTime: at,
        issuedAt: at,
        expiresAt: at,
      },
    };
    const [a, b] = withMetadata([ok, issued], { ...benchContext, clientIp: '203.0.113.7', userAgent: 'bench' }, AFTER_AT);
    await push(authLogStream(BENCH_POOL, sub), a);
    await push(refreshFamilyStream(familyId), b);
  };
  const pick = (i: number) => subs[(i * 7919) % USERS_BEFORE];
  let updates = 0;
  let signIns = 0;
  let created = 0;
  for (let i = 0; updates < AFTER.updates || signIns < AFTER.signIns || created < AFTER.newUsers; i++) {
    if (updates < AFTER.updates) {
      await push(`user-${BENCH_POOL}-${pick(i)}`, rename(pick(i), i, AFTER_AT));
      updates++;
    }
    if (signIns < AFTER.signIns && i % 8 < 5) {
      await signIn(signIns < BUSY_SIGN_INS ? busy : pick(i + 1));
      signIns++;
    }
    if (created < AFTER.newUsers && i % 8 === 0) for (const r of user(USERS_BEFORE + created++, AFTER_AT)) await push(r.streamId, r.event);
  }
  await flush(true);
  const eventsTotal = revisionsTotal(revisions) + 1;
  const seedSeconds = (performance.now() - seedStart) / 1000;
  await db.query('VACUUM ANALYZE es_events');
  await db.query('VACUUM ANALYZE es_streams');

  // 3. Both read models over the whole log, one pass, each batch applied to each in its own transaction.
  console.log(`history-as-of: building the as-of read model and the user directory over ${num(eventsTotal)} events`);
  const build = { asOf: 0, directory: 0 };
  for (const p of [historyAsOfProjection, userDirectoryProjection]) await db.transaction((tx) => p.setup(tx));
  const apply = async (p: Projection, events: RecordedEvent[]) => {
    const relevant = p.handles ? events.filter((e) => p.handles!.has(e.type)) : events;
    if (relevant.length === 0) return 0;
    return (await timed(() => db.transaction((tx) => p.apply(tx, relevant)))).ms;
  };
  let after: GlobalPosition | undefined;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: BATCH });
    if (batch.length === 0) break;
    build.asOf += await apply(historyAsOfProjection, batch);
    build.directory += await apply(userDirectoryProjection, batch);
    after = batch[batch.length - 1].position;
  }
  await db.query('VACUUM ANALYZE');

  // 4. Queries at the instant.
  const secrets = new Secrets(randomBytes(32));
  const users = new HistoryUsers(store, db, new Users(store, secrets, noWait));
  const at = { position: formatPosition(instant), time: INSTANT_AT };
  const ctx = benchContext;
  const userAsOf = new UserAsOfHandler(store, noWait, users);
  const listAsOf = new ListUsersAsOfHandler(store, db, noWait, users);
  const listNow = new ListUsersHandler(new Pools(store, systemClock, noWait), db);
  const history = new UserHistoryHandler(store, db, noWait, users);
  const sample = (i: number) => (i * 104729) % USERS_BEFORE;
  console.log('history-as-of: AdminGetUser as of the instant, and today (reference)');
  const getNow = await samples(scaled(200), (i) =>
    store.readStream(`user-${BENCH_POOL}-${subs[sample(i)]}`).then((e) => fold(userDecider, e as never as UserEvent[])),
  );
  const getAsOf = await samples(scaled(200), (i) =>
    userAsOf.execute(new UserAsOfQuery({ poolId: BENCH_POOL, username: `BenchUser${sample(i)}`, at: at.position }, ctx)),
  );
  const getAsOfTime = await samples(scaled(200), (i) =>
    userAsOf.execute(new UserAsOfQuery({ poolId: BENCH_POOL, username: `BenchUser${sample(i)}`, at: at.time }, ctx)),
  );
  console.log('history-as-of: ListUsers as of the instant, and today (reference)');
  const page = { limit: 60 };
  const nowFirst = await samples(30, () => listNow.execute(new ListUsersQuery({ poolId: BENCH_POOL, ...page }, ctx)));
  const asOfFirst = await samples(30, () => listAsOf.execute(new ListUsersAsOfQuery({ poolId: BENCH_POOL, at: at.position, ...page }, ctx)));
  const asOfFirstTime = await samples(30, () => listAsOf.execute(new ListUsersAsOfQuery({ poolId: BENCH_POOL, at: at.time, ...page }, ctx)));
  const filter = 'email ^= "bench.user4242"';
  const nowFiltered = await samples(30, () => listNow.execute(new ListUsersQuery({ poolId: BENCH_POOL, filter, ...page }, ctx)));
  const asOfFiltered = await samples(30, () => listAsOf.execute(new ListUsersAsOfQuery({ poolId: BENCH_POOL, at: at.position, filter, ...page }, ctx)));
  // Deep pages: 20 pages in a row from the middle of the listing.
  const mid = await listAsOf.execute(new ListUsersAsOfQuery({ poolId: BENCH_POOL, at: at.position, filter: 'username ^= "benchuser5"', limit: 1 }, ctx));
  const walk = async () => {
    let token = mid.PaginationToken;
    for (let k = 0; k < 20 && token; k++)
      token = (
        await listAsOf.execute(
          new ListUsersAsOfQuery({ poolId: BENCH_POOL, at: at.position, filter: 'username ^= "benchuser5"', limit: 60, paginationToken: token }, ctx),
        )
      ).PaginationToken;
  };
  const deep = await samples(3, walk);

  console.log('history-as-of: ListUsers as of the instant by replaying the log from its start');
  const replays = await samples(2, async () => {
    const replay = await replayDirectory(store, parseInstant(at.position));
    return replay.poolUsers(BENCH_POOL).slice(0, 60).map(userTypeShape);
  });
  const check = await replayDirectory(store, parseInstant(at.position));
  const fromReplay = check.poolUsers(BENCH_POOL).slice(0, 60).map(userTypeShape);
  const fromModel = (await listAsOf.execute(new ListUsersAsOfQuery({ poolId: BENCH_POOL, at: at.position, ...page }, ctx))).Users;
  const agree = JSON.stringify(fromReplay) === JSON.stringify(fromModel);
  const usersAtInstant = check.poolUsers(BENCH_POOL).length;

  console.log("history-as-of: finding users' refresh-token families");
  const familyUsers = Array.from({ length: 20 }, (_, i) => pick(i * 3 + 1));
  const familiesModel = await samples(familyUsers.length, (i) =>
    db.query(`SELECT family_id FROM ${AS_OF_FAMILIES} WHERE pool_id = $1 AND sub = $2`, [BENCH_POOL, familyUsers[i]]),
  );
  const familiesScan = await samples(3, (i) =>
    db.query(`SELECT stream_id FROM es_events WHERE type = 'RefreshTokenIssued' AND data->>'poolId' = $1 AND data->>'sub' = $2`, [BENCH_POOL, familyUsers[i]]),
  );
  console.log('history-as-of: a history page of a user with many sign-ins');
  const busyPage = await samples(10, () => history.execute(new UserHistoryQuery({ poolId: BENCH_POOL, username: busy, limit: 100 }, ctx)));
  const busyEvents = (await history.execute(new UserHistoryQuery({ poolId: BENCH_POOL, username: busy, limit: 100_000 }, ctx))).events.length;
  const busyRead = await samples(10, () => store.readStream(`user-${BENCH_POOL}-${busy}`));

  const sizes = await db.query<{ t: string; size: string }>(
    `SELECT relname AS t, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class WHERE relname IN ('es_events', 'rm_users_v1', 'rm_history_users_v1', 'rm_history_families_v1') ORDER BY relname`,
  );

  const eventsAfter = eventsTotal - eventsBefore;
  const head = '## History: as-of queries at an instant a million events back (PostgreSQL)\n';
  const table = markdownTable(
    ['Query (at the instant)', 'As of the instant p50 / p99', 'Reference (today) p50 / p99', 'Ratio (p50)'],
    [
      [
        "AdminGetUser by username, at a log position (name from the read model, then the user's stream replayed)",
        lat(getAsOf),
        `${lat(getNow)} (read + fold of the user's stream, as AdminGetUser)`,
        `**${ratio(p50(getAsOf), p50(getNow))}**`,
      ],
      ['AdminGetUser by username, at a time', lat(getAsOfTime), lat(getNow), ratio(p50(getAsOfTime), p50(getNow))],
      [
        'ListUsers, first page of 60, at a log position',
        lat(asOfFirst),
        `${lat(nowFirst)} (ListUsers on the user directory)`,
        `**${ratio(p50(asOfFirst), p50(nowFirst))}**`,
      ],
      ['ListUsers, first page of 60, at a time', lat(asOfFirstTime), lat(nowFirst), ratio(p50(asOfFirstTime), p50(nowFirst))],
      [`ListUsers with Filter \`${filter}\``, lat(asOfFiltered), lat(nowFiltered), ratio(p50(asOfFiltered), p50(nowFiltered))],
      ['ListUsers, 20 pages of 60 in a row from the middle (per walk)', lat(deep), 'n/a', 'n/a'],
      [
        'ListUsers first page by replaying the log from its start to the instant',
        lat(replays),
        lat(asOfFirst) + ' (the read model, above)',
        `**${ratio(p50(replays), p50(asOfFirst))}**`,
      ],
    ],
  );
  const families = markdownTable(
    ["Finding a user's refresh-token families", 'p50 / p99', 'Ratio to the read model'],
    [
      ['Read model `rm_history_families_v1` (what the history query uses)', lat(familiesModel), '1.00×'],
      ["Scan of the log (`type = 'RefreshTokenIssued' AND data->>'sub' = ...`, no index)", lat(familiesScan), ratio(p50(familiesScan), p50(familiesModel))],
    ],
  );
  const buildRate = (msTotal: number) => num(eventsTotal / (msTotal / 1000));
  const rest = `- Log: 1 pool; ${num(USERS_BEFORE)} users signed up, confirmed and renamed before the instant (${num(eventsBefore)} events, occurredAt ${BEFORE_AT.toISOString()});
  after it ${num(eventsAfter)} events (occurredAt ${AFTER_AT.toISOString()}): ${num(AFTER.updates)} renames of those users, ${num(AFTER.signIns)} sign-ins
  (\`SignInSucceeded\` + a \`RefreshTokenIssued\` family each; ${num(BUSY_SIGN_INS)} of them by one user), ${num(AFTER.newUsers)} new users. ${num(eventsTotal)} events in all,
  seeded in ${seedSeconds.toFixed(0)} s without the hash chain (\`bench/history-seed.ts\`; the read side does not read it), then \`VACUUM ANALYZE\`.
- The instant: log position ${at.position} (the head after the first part, ${num(eventsAfter)} events before today's head) and the time ${at.time};
  ${num(usersAtInstant)} users existed then. Queries go through the use-case handlers (\`src/history/queries\`), one at a time.
- Read models built in one pass over the log (batches of ${BATCH}, as the runner): as-of read model ${buildRate(build.asOf)} events/s of apply time,
  user directory ${buildRate(build.directory)} events/s (reference, same batches): ${ratio(build.asOf, build.directory)} of its apply time.
  Sizes: ${sizes.rows.map((r) => `${r.t} ${r.size}`).join(', ')}.
- Replay and read model agree on the first page at the instant: **${agree ? 'yes' : 'NO'}**.

${table}

${families}

A history page (100 events) of the user with ${num(busyEvents)} events (${num(BUSY_SIGN_INS)} sign-ins, each its own refresh-token family): ${lat(busyPage)};
reference, reading that user's main stream alone: ${lat(busyRead)} (${ratio(p50(busyPage), p50(busyRead))}).

**What this means / next steps**

- Replaying the log from its start to an instant ${num(eventsAfter)} events back costs ${ms(p50(replays))} for one ListUsers page
  (${ratio(p50(replays), p50(asOfFirst))} the read model's time): too slow for a query, so ListUsers and group members as of an instant read the
  as-of read model (\`rm_history_users_v1\`: one row per version of a user, with the interval of the log it held for). No snapshots are needed on top:
  a page costs ${ratio(p50(asOfFirst), p50(nowFirst))} of today's ListUsers.
- AdminGetUser as of an instant replays only the user's own stream (a few events): ${ratio(p50(getAsOf), p50(getNow))} of AdminGetUser's own read,
  the extra being three more reads: the pool's stream (as it stood then), the head the read model is waited for, and the name's lookup in the read model (a past name may belong to a deleted user).
- A user's refresh-token families come from the read model: a scan of the log costs ${ratio(p50(familiesScan), p50(familiesModel))} of it and grows with the log.
  Considered and not taken: an expression index on es_events (a write on every sign-in's append, on the append path, SQL stores only), and a join from the
  user's sign-ins to the family written in the same transaction (no new write, but it rests on that convention, which EventStoreDB's appendMany does not
  keep; not measured here, the seeding batches thousands of sign-ins per transaction). The read model costs its rows (sizes above) and nothing on the append path.
- A busy user's history page reads every stream of the user (${num(BUSY_SIGN_INS)} families here) on each page; an index of the user's event positions
  in the read model would make a page cost its own size, if users with thousands of sign-ins matter.
`;
  return { head, rest };
}

function revisionsTotal(revisions: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const r of revisions.values()) n += r + 1;
  return n;
}

if (isMain(import.meta.url)) runAlone(benchHistoryAsOf);
