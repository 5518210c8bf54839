import { DatabaseHealth } from '../../src/db/database-health.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { formatPosition } from '../../src/event-store/positions.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { readCheckpoint } from '../../projections/checkpoints.js';
import { KAFKA_FORWARDER, KafkaForwarder } from '../../projections/kafka-forwarder.js';
import { testEvent } from '../support/events.js';
import { TopicReader, deleteTopic, kafkaBrokers, quietLogger, uniqueTopic } from '../support/kafka.js';
import { eventually } from '../support/wait.js';
import { type OwnPostgres, ownPostgres } from './support/own-postgres.js';

const TEST_MS = 120_000;

describe('the Kafka forwarder rides through a database restart (issue 19)', () => {
  let server: OwnPostgres;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    server = await ownPostgres();
  }, TEST_MS);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await server?.destroy();
  }, TEST_MS);

  test(
    'every event appended before, during and after the restart reaches the topic; the forwarder only warns',
    async () => {
      const url = await server.createDatabase('fwd');
      const topic = uniqueTopic('fwd-restart');
      cleanups.push(() => deleteTopic(topic));
      const logger = quietLogger();
      const health = new DatabaseHealth({ info: (_, m) => logger.info(m), warn: (_, m) => logger.warn(m) });
      const db = new PgDatabase({ connectionString: url, max: 4, health });
      const store = await SqlEventStore.open(db);
      cleanups.push(() => store.close());
      const forwarder = new KafkaForwarder({ store, db, brokers: kafkaBrokers(), topic, batchSize: 20, logger });
      cleanups.push(() => forwarder.stop());
      await forwarder.start();
      await eventually(() => forwarder.status().leader, 15_000, 'leadership');

      const ids: string[] = [];
      let last = '';
      /** Appends one event, retrying while the database is away; returns once it is committed. */
      const appendOne = async (i: number) => {
        const event = testEvent('ThingHappened', { i });
        const written = await eventually(() => store.append(`thing-${i % 5}`, [event], { expectedRevision: 'any' }), 30_000, `append ${i}`);
        ids.push(event.metadata.eventId);
        last = formatPosition(written.position);
      };
      for (let i = 0; i < 60; i++) await appendOne(i);
      await eventually(() => forwarder.status().forwarded > 0, 15_000, 'forwarding under way');
      await server.stop();
      await server.start();
      for (let i = 60; i < 120; i++) await appendOne(i);

      await eventually(
        async () => {
          const cp = await readCheckpoint(db, KAFKA_FORWARDER);
          return cp?.position !== undefined && formatPosition(cp.position) === last;
        },
        60_000,
        'checkpoint at the last event',
      );
      const reader = await TopicReader.start(topic);
      cleanups.push(() => reader.stop());
      await eventually(() => reader.caughtUp(), 30_000, 'reader caught up');
      const counts = reader.countsById();
      expect(ids.filter((id) => !counts.has(id))).toEqual([]);
      expect(forwarder.status().leader).toBe(true);
      expect(logger.lines.filter((l) => / error /.test(l))).toEqual([]);
    },
    TEST_MS,
  );
});
