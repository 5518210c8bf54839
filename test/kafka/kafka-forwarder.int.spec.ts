import { setTimeout as sleep } from 'node:timers/promises';
import { PgDatabase } from '../../src/db/pg-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { comparePositions, formatPosition, parsePosition } from '../../src/event-store/positions.js';
import { readCheckpoint } from '../../projections/checkpoints.js';
import { KAFKA_FORWARDER, KafkaForwarder } from '../../projections/kafka-forwarder.js';
import { testEvent } from '../support/events.js';
import { TopicReader, deleteTopic, kafkaBrokers, kafkaService, quietLogger, uniqueTopic } from '../support/kafka.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/wait.js';

// `testTimeout` in a jest project config is not applied, so each test and hook says its own.
const TEST_MS = 45_000;

interface Node {
  db: PgDatabase;
  store: SqlEventStore;
}

describe('KafkaForwarder (real Kafka and PostgreSQL)', () => {
  let url: string;
  let topic: string;
  let cleanups: (() => Promise<void>)[] = [];
  let logs: string[][] = [];

  beforeEach(async () => {
    const fresh = await freshDatabase('kfwd');
    url = fresh.url;
    topic = uniqueTopic('fwd');
    const name = topic;
    cleanups = [fresh.drop, () => deleteTopic(name)];
    logs = [];
  });

  afterEach(async () => {
    // A test that stopped the broker and failed must not leave it down (nor its topic behind).
    await kafkaService('start');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    // The forwarders' logs (kafkajs is loud while the broker restarts), on demand.
    if (process.env.KAFKA_TEST_LOGS) for (const lines of logs) console.log(lines.join('\n'));
  }, TEST_MS);

  /** One "process": its own pool and event store on the test database. */
  async function node(): Promise<Node> {
    const db = new PgDatabase({ connectionString: url, max: 4 });
    const store = await SqlEventStore.open(db);
    cleanups.push(() => store.close());
    return { db, store };
  }

  function forwarder({ db, store }: Node, batchSize = 50): KafkaForwarder {
    const logger = quietLogger();
    logs.push(logger.lines);
    const f = new KafkaForwarder({ store, db, brokers: kafkaBrokers(), topic, batchSize, logger });
    cleanups.push(() => f.stop());
    return f;
  }

  async function reader(): Promise<TopicReader> {
    const r = await TopicReader.start(topic);
    cleanups.push(() => r.stop());
    return r;
  }

  async function checkpoint(db: PgDatabase): Promise<string | undefined> {
    const cp = await readCheckpoint(db, KAFKA_FORWARDER);
    return cp?.position && formatPosition(cp.position);
  }

  /** Waits for the stored checkpoint to reach `expected`; a timeout says where it and the forwarders were. */
  async function checkpointReaches(db: PgDatabase, expected: string, ms: number, forwarders: KafkaForwarder[]): Promise<void> {
    await eventually(
      async () => {
        const actual = await checkpoint(db);
        if (actual !== expected) {
          throw new Error(`checkpoint ${actual}, want ${expected}; forwarders ${JSON.stringify(forwarders.map((f) => f.status()))}`);
        }
        return true;
      },
      ms,
      `checkpoint ${expected}`,
    );
  }

  /**
   * Appends `count` single-event writes round-robin over `streams`; returns the event ids and
   * the last one's position. (Not headPosition(): it lags while any transaction on the server
   * that began earlier is still open, such as a forwarder moving its checkpoint.)
   */
  async function appendSeries(
    store: SqlEventStore,
    count: number,
    opts: { streams: string[]; spacingMs?: number; at?: Record<number, () => unknown> },
  ): Promise<{ ids: string[]; last: string }> {
    const ids: string[] = [];
    let last = '';
    for (let i = 0; i < count; i++) {
      await opts.at?.[i]?.();
      const event = testEvent('ThingHappened', { n: i });
      const written = await store.append(opts.streams[i % opts.streams.length], [event], { expectedRevision: 'any' });
      ids.push(event.metadata.eventId);
      last = formatPosition(written.position);
      if (opts.spacingMs) await sleep(opts.spacingMs);
    }
    return { ids, last };
  }

  /** Samples `probe` for `ms` and fails on the first false. */
  async function holdsFor(ms: number, probe: () => Promise<boolean>, what: string): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!(await probe())) throw new Error(`no longer true: ${what}`);
      await sleep(100);
    }
  }

  /** Per stream, the first sighting of each revision comes in increasing order (duplicates aside). */
  function expectOrderedPerStream(r: TopicReader): void {
    const seen = new Set<string>();
    const lastRevision = new Map<string, number>();
    for (const m of r.messages()) {
      if (seen.has(m.headers['event-id'])) continue;
      seen.add(m.headers['event-id']);
      const revision = Number(m.value.revision);
      expect(revision).toBe((lastRevision.get(m.key) ?? -1) + 1);
      lastRevision.set(m.key, revision);
    }
  }

  const streams = (n: number) => Array.from({ length: n }, (_, i) => `user-pool1-${topic}-${i}`);

  test(
    'forwards every event in order per stream with key, headers and a redacted value',
    async () => {
      const n = await node();
      const ss = streams(4);
      const ids: string[] = [];
      let last = '';
      for (let i = 0; i < 10; i++) {
        const events = ss.map((_, s) =>
          testEvent('UserSignedUp', { n: i, username: `u${s}`, passwordHash: '$argon2id$v=19$SECRET-HASH', nested: { codeHash: 'SECRET-CODE' } }),
        );
        for (const [s, stream] of ss.entries()) {
          last = formatPosition((await n.store.append(stream, [events[s]], { expectedRevision: 'any' })).position);
        }
        ids.push(...events.map((e) => e.metadata.eventId));
      }
      const f = forwarder(n, 7);
      await f.start();

      await checkpointReaches(n.db, last, 15_000, [f]);
      expect(f.status()).toMatchObject({ leader: true, checkpoint: last, forwarded: 40 });

      const r = await reader();
      await eventually(() => r.caughtUp(), 15_000, 'reader caught up');
      expect(await r.partitionCount()).toBe(3);
      const messages = r.messages();
      expect(messages).toHaveLength(40);
      expect(new Set(messages.map((m) => m.headers['event-id']))).toEqual(new Set(ids));
      for (const m of messages) {
        expect(m.key).toBe(m.value.streamId);
        expect(m.headers['event-id']).toBe(m.value.metadata.eventId);
        expect(m.headers['event-type']).toBe('UserSignedUp');
        expect(m.headers['global-position']).toBe(m.value.position);
        expect(m.value.data).toEqual({ n: expect.any(Number), username: expect.any(String), nested: {} });
        expect(m.raw).not.toMatch(/passwordHash|codeHash|SECRET-/);
      }
      expectOrderedPerStream(r);
      // The checkpoint is the newest forwarded event's position.
      const newest = messages
        .map((m) => parsePosition(m.headers['global-position']))
        .sort(comparePositions)
        .at(-1);
      expect(newest && formatPosition(newest)).toBe(last);
    },
    TEST_MS,
  );

  test(
    'delivers every event at least once across a broker restart mid-stream',
    async () => {
      const n = await node();
      const f = forwarder(n, 20);
      await f.start();
      await eventually(() => f.status().leader, 10_000, 'leadership');

      let restarted: Promise<void> | undefined;
      let forwardedBeforeRestart = 0;
      const { ids, last } = await appendSeries(n.store, 300, {
        streams: streams(6),
        spacingMs: 10,
        at: {
          100: async () => {
            await eventually(() => f.status().forwarded >= 50, 10_000, 'forwarding under way');
            forwardedBeforeRestart = f.status().forwarded;
            restarted = kafkaService('restart');
          },
        },
      });
      await restarted;

      await checkpointReaches(n.db, last, 30_000, [f]);
      expect(forwardedBeforeRestart).toBeGreaterThan(0);
      expect(forwardedBeforeRestart).toBeLessThan(300);
      expect(f.status().lastError).toMatch(/send failed|create topic|connect producer|stepping down/);

      const r = await reader();
      await eventually(() => r.caughtUp(), 20_000, 'reader caught up');
      const counts = r.countsById();
      expect(ids.filter((id) => !counts.has(id))).toEqual([]);
      expect(counts.size).toBe(300);
      expectOrderedPerStream(r);
    },
    TEST_MS,
  );

  test(
    'moves the checkpoint only after the broker acknowledged',
    async () => {
      const n = await node();
      const f = forwarder(n, 10);
      await f.start();
      const { ids: before, last: acked } = await appendSeries(n.store, 10, { streams: streams(2) });
      await checkpointReaches(n.db, acked, 15_000, [f]);

      await kafkaService('stop');
      const { ids: during, last } = await appendSeries(n.store, 20, { streams: streams(2) });
      await eventually(() => /send failed/.test(f.status().lastError ?? ''), 15_000, 'a failed send');
      await holdsFor(1500, async () => (await checkpoint(n.db)) === acked, 'checkpoint stays at the acked position');
      expect(f.status().checkpoint).toBe(acked);

      await kafkaService('start');
      await checkpointReaches(n.db, last, 20_000, [f]);
      const r = await reader();
      await eventually(() => r.caughtUp(), 20_000, 'reader caught up');
      const counts = r.countsById();
      expect([...before, ...during].filter((id) => !counts.has(id))).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'a new instance resumes from the checkpoint without re-sending',
    async () => {
      const n = await node();
      const first = forwarder(n);
      await first.start();
      const { ids: old, last: oldHead } = await appendSeries(n.store, 15, { streams: streams(3) });
      await checkpointReaches(n.db, oldHead, 15_000, [first]);
      await first.stop();
      expect(first.status().leader).toBe(false);

      const { ids: fresh, last: newHead } = await appendSeries(n.store, 10, { streams: streams(3) });
      expect(await checkpoint(n.db)).toBe(oldHead);
      const second = forwarder(n);
      await second.start();
      await checkpointReaches(n.db, newHead, 15_000, [second]);
      expect(second.status().forwarded).toBe(10);

      const r = await reader();
      await eventually(() => r.caughtUp(), 15_000, 'reader caught up');
      const counts = r.countsById();
      expect(r.messages()).toHaveLength(25);
      for (const id of [...old, ...fresh]) expect([id, counts.get(id)]).toEqual([id, 1]);
    },
    TEST_MS,
  );

  test(
    'two forwarders on one database: one leads, the other takes over when it stops',
    async () => {
      const a = forwarder(await node(), 20);
      const b = forwarder(await node(), 20);
      await a.start();
      await b.start();
      await eventually(() => a.status().leader || b.status().leader, 10_000, 'a leader');
      const [leader, standby] = a.status().leader ? [a, b] : [b, a];
      await holdsFor(700, async () => leader.status().leader && !standby.status().leader, 'exactly one leader');

      const writer = await node();
      let stopped: Promise<void> | undefined;
      const { ids, last } = await appendSeries(writer.store, 200, {
        streams: streams(4),
        spacingMs: 5,
        at: {
          80: async () => {
            await eventually(() => leader.status().forwarded > 0, 10_000, 'leader forwarding');
            stopped = leader.stop();
          },
        },
      });
      await stopped;
      await eventually(() => standby.status().leader, 10_000, 'standby takes over');

      await checkpointReaches(writer.db, last, 20_000, [a, b]);
      expect(leader.status().forwarded).toBeGreaterThan(0);
      expect(standby.status().forwarded).toBeGreaterThan(0);
      expect(leader.status().forwarded + standby.status().forwarded).toBe(200);

      const r = await reader();
      await eventually(() => r.caughtUp(), 15_000, 'reader caught up');
      const counts = r.countsById();
      expect(r.messages()).toHaveLength(200);
      for (const id of ids) expect([id, counts.get(id)]).toEqual([id, 1]);
      expectOrderedPerStream(r);
    },
    TEST_MS,
  );

  test(
    'steps down when its lock connection dies, then leads again',
    async () => {
      const n = await node();
      const f = forwarder(n, 5);
      await f.start();
      const { ids: before, last: first } = await appendSeries(n.store, 10, { streams: streams(2) });
      await checkpointReaches(n.db, first, 15_000, [f]);

      const killed = await n.db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cairn-lock' AND datname = current_database()`,
      );
      expect(killed.rowCount).toBe(1);
      await eventually(() => /stepping down/.test(f.status().lastError ?? ''), 10_000, 'stepping down');

      const { ids: after, last } = await appendSeries(n.store, 10, { streams: streams(2) });
      await checkpointReaches(n.db, last, 15_000, [f]);
      expect(f.status().leader).toBe(true);
      const r = await reader();
      await eventually(() => r.caughtUp(), 15_000, 'reader caught up');
      const counts = r.countsById();
      expect([...before, ...after].filter((id) => !counts.has(id))).toEqual([]);
    },
    TEST_MS,
  );

  test(
    'stops on a checkpoint conflict and resumes from where the other process left it',
    async () => {
      const n = await node();
      const f = forwarder(n, 5);
      await f.start();
      const { ids: early, last: fifth } = await appendSeries(n.store, 5, { streams: streams(2) });
      const { ids: late, last: tenth } = await appendSeries(n.store, 5, { streams: streams(2) });
      await checkpointReaches(n.db, tenth, 15_000, [f]);

      // Someone else (an operator, a forwarder that still thinks it leads) moves it back.
      const [commit, prepare] = fifth.split('/');
      await n.db.query(`UPDATE consumer_checkpoints SET commit_pos = $1, prepare_pos = $2 WHERE name = $3`, [commit, prepare, KAFKA_FORWARDER]);
      const { ids: more, last } = await appendSeries(n.store, 3, { streams: streams(2) });
      await eventually(() => /CheckpointConflict/.test(f.status().lastError ?? ''), 10_000, 'the conflict');
      await checkpointReaches(n.db, last, 15_000, [f]);

      // Resumed after the fifth event: events 6-10 went out twice, the rest once.
      const r = await reader();
      await eventually(() => r.caughtUp(), 15_000, 'reader caught up');
      const counts = r.countsById();
      expect(early.map((id) => counts.get(id))).toEqual([1, 1, 1, 1, 1]);
      expect(late.map((id) => counts.get(id))).toEqual([2, 2, 2, 2, 2]);
      expect(more.every((id) => (counts.get(id) ?? 0) >= 1)).toBe(true);
    },
    TEST_MS,
  );
});
