/**
 * Kafka forwarder throughput and commit-to-ack latency (projections/kafka-forwarder.ts), on
 * PostgreSQL and the test broker (target ≥ 5,000 events/s, commit-to-ack p99 ≤ 100 ms):
 *   1. catch-up: a backlog of sign-up events in the log, forwarded from the checkpoint to the
 *      broker's acknowledgement (acks = all), events/s;
 *   2. live: appends at a fixed rate while the forwarder runs, the time from each append's commit
 *      (its return to the writer) to the broker's acknowledgement of the batch holding it;
 * against the reference measured in the same run: a bare kafkajs producer (idempotent, acks = all,
 * the same batch size) sending the very messages the forwarder sends, read back from the log.
 *
 *   npm run build && DATABASE_URL=... KAFKA_BROKERS=... node dist/bench/kafka-forwarder.js
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { PgDatabase } from '../src/db/pg-database.js';
import type { RecordedEvent, StreamWrite } from '../src/event-store/event-store.port.js';
import { formatPosition } from '../src/event-store/positions.js';
import { SqlEventStore } from '../src/event-store/sql-event-store.js';
import { redactEvent } from '../src/events/redaction.js';
import { withMetadata } from '../src/shared/command-handler.js';
import { KafkaForwarder } from '../projections/kafka-forwarder.js';
import { cpuMeter, formatCpu } from './support/cpu.js';
import { freshPgDatabase, serverUrl } from './support/databases.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio, sleep } from './support/stats.js';
import { benchContext, createBenchPool, newUser } from './support/user-events.js';

const BACKLOG_USERS = scaled(30_000); // two events each (UserSignedUp, UserConfirmed)
const USERS_PER_WRITE = 100;
const BATCH = 500; // the forwarder's default batch size
const LIVE_RATES = [1_000, 5_000]; // events/s offered in the live phases (5,000: the target)
const LIVE_MS = scaled(8_000);
const LIVE_TICK_MS = 10;
const MAX_IN_FLIGHT = 64;
const TARGET_RATE = 5_000;
const TARGET_P99_MS = 100;

export function kafkaBrokersFromEnv(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: `bash scripts/services/kafka.sh start && source .services/env`');
  return brokers.split(',').map((b) => b.trim());
}

/** What the forwarder sends for an event (projections/kafka-forwarder.ts toMessage). */
function messageOf(event: RecordedEvent): Message {
  return {
    key: event.streamId,
    value: JSON.stringify(redactEvent(event)),
    headers: { 'event-type': event.type, 'event-id': event.metadata.eventId, 'global-position': formatPosition(event.position) },
  };
}

function userWrites(from: number, users: number): StreamWrite[] {
  const now = new Date();
  return Array.from({ length: users }, (_, i) => {
    const user = newUser(from + i, true);
    return { streamId: user.streamId, events: withMetadata(user.events, benchContext, now), options: { expectedRevision: 'no_stream' } };
  });
}

export interface ForwarderRun {
  backlog: number;
  meanMessageBytes: number;
  reference: { perSecond: number; ms: number };
  readRate: number;
  catchUp: { perSecond: number; wallPerSecond: number; batches: number; meanBatch: number };
  live: LiveRun[];
}

interface LiveRun {
  rate: number;
  offered: number;
  forwardedPerSecond: number;
  latency: ReturnType<typeof distribution>;
  batches: number;
  meanBatch: number;
  appendP99: number;
  cpu: string;
}

export async function measureForwarder(label = 'kafka-forwarder'): Promise<ForwarderRun> {
  const brokers = kafkaBrokersFromEnv();
  const fresh = await freshPgDatabase();
  const db = new PgDatabase({ connectionString: fresh.url, max: 12, applicationName: 'cairn-bench' });
  const kafka = new Kafka({ clientId: 'bench-forwarder', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const suffix = `${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
  const topics = { reference: `bench.ref.${suffix}`, forwarded: `bench.fwd.${suffix}` };
  let forwarder: KafkaForwarder | undefined;
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
    });
    const store = await SqlEventStore.open(db);
    await createBenchPool(store);

    // The backlog.
    for (let n = 0; n < BACKLOG_USERS; n += USERS_PER_WRITE) await store.appendMany(userWrites(n, Math.min(USERS_PER_WRITE, BACKLOG_USERS - n)));
    // Readers see an event once every older transaction on the server has ended (docs/architecture.md): wait for all.
    const expected = 1 + BACKLOG_USERS * 2;
    let logged = await store.readAll({ maxCount: 10_000_000 });
    for (const until = performance.now() + 60_000; logged.length < expected; logged = await store.readAll({ maxCount: 10_000_000 })) {
      if (performance.now() > until) throw new Error(`only ${logged.length} of ${expected} events readable after 60 s`);
      await sleep(50);
    }
    const messages = logged.map(messageOf);
    const meanMessageBytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value as string) + Buffer.byteLength(m.key as string), 0) / messages.length;

    // Reading the log alone, in the forwarder's batch size (how much of the budget the reads take).
    let t0 = performance.now();
    for (let at = 0; at < logged.length; at += BATCH) await store.readAll({ after: at === 0 ? undefined : logged[at - 1].position, maxCount: BATCH });
    const readRate = logged.length / ((performance.now() - t0) / 1000);

    // Reference: the same messages from a bare producer with the forwarder's settings.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: topics.reference, acks: -1, messages: messages.slice(0, BATCH) }); // warm-up (metadata, connections)
    t0 = performance.now();
    for (let at = 0; at < messages.length; at += BATCH) await producer.send({ topic: topics.reference, acks: -1, messages: messages.slice(at, at + BATCH) });
    const referenceMs = performance.now() - t0;
    await producer.disconnect();

    // Catch-up: the forwarder from an empty checkpoint over the backlog.
    const acked = new Map<string, number>();
    const batches: { at: number; size: number }[] = [];
    forwarder = new KafkaForwarder({
      store,
      db,
      brokers,
      topic: topics.forwarded,
      clientId: label,
      onForwarded: (events) => {
        const at = performance.now();
        batches.push({ at, size: events.length });
        for (const e of events) acked.set(e.metadata.eventId, at);
      },
    });
    const started = performance.now();
    await forwarder.start();
    while (forwarder.status().forwarded < logged.length) {
      if (performance.now() - started > 300_000) throw new Error(`catch-up stalled: ${JSON.stringify(forwarder.status())}`);
      await sleep(5);
    }
    const wallMs = batches[batches.length - 1].at - started;
    const steadyMs = batches[batches.length - 1].at - batches[0].at;
    const catchUp = {
      perSecond: (logged.length - batches[0].size) / (steadyMs / 1000),
      wallPerSecond: logged.length / (wallMs / 1000),
      batches: batches.length,
      meanBatch: logged.length / batches.length,
    };

    // Live: appends at fixed rates (open loop, by the clock), commit-to-ack per event.
    const live: LiveRun[] = [];
    let next = BACKLOG_USERS;
    let cpu = '';
    for (const rate of LIVE_RATES) {
      const liveBatchesFrom = batches.length;
      const committed = new Map<string, number>();
      const appendMs: number[] = [];
      const usersPerTick = Math.max(1, Math.round((rate / 2) * (LIVE_TICK_MS / 1000)));
      const ticks = Math.round(LIVE_MS / LIVE_TICK_MS);
      const inFlight = new Set<Promise<void>>();
      const meter = cpuMeter();
      const liveStart = performance.now();
      for (let k = 0; k < ticks; k++) {
        const due = liveStart + k * LIVE_TICK_MS;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
        const writes = userWrites(next, usersPerTick);
        next += usersPerTick;
        const a0 = performance.now();
        const work = store.appendMany(writes).then(() => {
          const at = performance.now();
          appendMs.push(at - a0);
          for (const w of writes) for (const e of w.events) committed.set(e.metadata.eventId, at);
        });
        const tracked = work.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
      await Promise.all(inFlight);
      const offeredMs = performance.now() - liveStart;
      const waitUntil = performance.now() + 120_000;
      while ([...committed.keys()].some((id) => !acked.has(id))) {
        if (performance.now() > waitUntil) throw new Error('live events not all forwarded within 120 s');
        await sleep(5);
      }
      cpu = formatCpu(meter.stop());
      const latencies = [...committed].map(([id, at]) => acked.get(id)! - at);
      const liveBatches = batches.slice(liveBatchesFrom);
      live.push({
        rate,
        offered: committed.size / (offeredMs / 1000),
        forwardedPerSecond: committed.size / ((liveBatches[liveBatches.length - 1].at - liveStart) / 1000),
        latency: distribution(latencies),
        batches: liveBatches.length,
        meanBatch: liveBatches.reduce((sum, b) => sum + b.size, 0) / liveBatches.length,
        appendP99: distribution(appendMs).p99,
        cpu,
      });
      await sleep(1_000);
    }
    return {
      backlog: logged.length,
      meanMessageBytes,
      reference: { perSecond: messages.length / (referenceMs / 1000), ms: referenceMs },
      readRate,
      catchUp,
      live,
    };
  } finally {
    await forwarder?.stop().catch(() => undefined);
    await admin.deleteTopics({ topics: Object.values(topics), timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await db.close().catch(() => undefined);
    await fresh.drop();
  }
}

export async function benchKafkaForwarder(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const runs: ForwarderRun[] = [];
  for (let r = 0; r < rounds; r++) {
    runs.push(await measureForwarder());
    console.log(`bench: kafka-forwarder round ${r + 1}: ${JSON.stringify(runs[r])}`);
  }
  const rows = runs.map((run, i) => [
    String(i + 1),
    `**${num(run.catchUp.perSecond)}/s** (${num(run.catchUp.wallPerSecond)}/s with start-up)`,
    `${num(run.reference.perSecond)}/s`,
    `**${ratio(run.catchUp.perSecond, run.reference.perSecond)}**`,
    `${num(run.readRate)}/s`,
    `${num(run.catchUp.batches)} × ${num(run.catchUp.meanBatch, 0)}`,
  ]);
  const liveRows = runs.flatMap((run, i) =>
    run.live.map((l) => [
      String(i + 1),
      `${num(l.rate)}/s`,
      `${num(l.offered)}/s → ${num(l.forwardedPerSecond)}/s`,
      `${ms(l.latency.p50)} / **${ms(l.latency.p99)}** / ${ms(l.latency.max)}`,
      `${num(l.batches)} × ${num(l.meanBatch, 1)}`,
      ms(l.appendP99),
      l.cpu,
    ]),
  );
  const worstRate = Math.min(...runs.map((r) => r.catchUp.perSecond));
  const atTarget = runs.map((r) => r.live.find((l) => l.rate === TARGET_RATE)!);
  const worstP99 = Math.max(...atTarget.map((l) => l.latency.p99));
  const body = `## Kafka forwarder: events/s to acknowledged produce, commit-to-ack latency

${formatMachine(machine, 'node dist/bench/kafka-forwarder.js')}
- Kafka: the single-node KRaft test broker on loopback (scripts/services/kafka.sh), shared with the other test runs on the machine; topics of 3 partitions, replication 1${scaleNote()}
- Log: ${num(runs[0].backlog)} events (sign-ups and confirmations as the user-pool slice writes them, ${num(runs[0].meanMessageBytes)} bytes a message on average, key included) appended before the forwarder starts, on a fresh bench_<random> database.
- Catch-up: the forwarder starts from an empty checkpoint; rate = events acknowledged between its first and its last batch acknowledgement (with start-up: from \`start()\`, leadership and topic check included). Acknowledged = the broker acked the batch (acks = all, idempotent producer) and the checkpoint passed it.
- Live: ${LIVE_RATES.map((r) => num(r)).join(' and ')} events/s offered for ${num(LIVE_MS / 1000)} s each (appendMany of new users every ${LIVE_TICK_MS} ms, open loop, at most ${MAX_IN_FLIGHT} in flight), the forwarder caught up; commit-to-ack = the forwarder's acknowledgement of the batch holding the event − the append's return to the writer, same process.
- Reference: a bare kafkajs producer with the forwarder's settings (idempotent, one request in flight, acks = all) sending the very messages the forwarder sends (read back from the log and serialised the same way), ${BATCH} a request, to its own topic. Also shown: reading the log alone in batches of ${BATCH}.
- ${rounds} rounds in one process, one after the other.

Catch-up:

${markdownTable(['Round', 'Catch-up events/s', 'Reference: bare producer msgs/s', 'Ratio', 'Log read alone', 'Batches × mean size'], rows)}

Live:

${markdownTable(['Round', 'Offered', 'Appended → forwarded', 'Commit-to-ack p50 / p99 / max', 'Batches × mean size', 'Append p99', 'CPU'], liveRows)}

**What this means / next steps**

- The forwarder reads a batch of ${BATCH} from the log, serialises it (secret fields removed), sends it with acks = all and moves its checkpoint after the ack. Since the pipelining change the read and serialisation of the next batch and the checkpoint move of the previous one overlap the send, so a batch costs about one produce round trip; the send itself stays one at a time (the idempotent producer's sequence numbers and the order per stream need that). The ratio to the bare producer is what the log read, serialisation and checkpoint still cost on top.
- On this shared 2-core machine the bare producer itself is the ceiling: kafkajs spends tens of microseconds of CPU per message (record encoding, CRC32C, the murmur2 partitioner, Buffer growth) and the broker's JVM shares the same two cores with every other test run, so both absolute rates move with the load average; compare the ratio.
- Next steps if the absolute target matters on a small box: larger batches per request only pay once the per-message cost is lower (a native client such as librdkafka-based bindings, or fewer headers); on a machine with idle cores the same code is bounded by the broker round trip instead.

- Target ≥ ${num(TARGET_RATE)} events/s: **${worstRate >= TARGET_RATE ? 'met' : 'not met'}** (lowest round ${num(worstRate)}/s). Commit-to-ack p99 ≤ ${TARGET_P99_MS} ms at ${num(TARGET_RATE)} events/s offered: **${worstP99 <= TARGET_P99_MS ? 'met' : 'not met'}** (highest round ${ms(worstP99)}).
`;
  writeSection('kafka-forwarder', body);
}

if (isMain(import.meta.url)) runAlone(benchKafkaForwarder);
