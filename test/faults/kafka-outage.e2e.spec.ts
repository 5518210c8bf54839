import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdkClient } from '../cognito/support.js';
import { type RunningApp, startApp } from '../support/app.js';
import { TopicReader, deleteTopic, kafkaBrokers, kafkaService, uniqueTopic } from '../support/kafka.js';
import { REPO } from '../support/processes.js';
import { eventually } from '../support/wait.js';
import { type Outcome, percentiles, signUpLoad } from './support/load.js';

const run = promisify(execFile);
const TEST_MS = 240_000;

/** SIGKILL of the test broker (scripts/services/kafka.sh kill): no clean shutdown, log recovery at the next start. */
const killBroker = () => run('bash', ['scripts/services/kafka.sh', 'kill'], { cwd: REPO, timeout: 120_000 });

describe('the Kafka broker killed under sign-up load and restarted (issue 19, through the AWS SDK)', () => {
  let app: RunningApp | undefined;
  let reader: TopicReader | undefined;
  const topic = uniqueTopic('outage');

  afterAll(async () => {
    // Whatever happened, the shared broker is left running.
    await kafkaService('start');
    await reader?.stop().catch(() => undefined);
    await app?.destroy();
    await deleteTopic(topic).catch(() => undefined);
  }, TEST_MS);

  test(
    'every event in the log reaches the topic (by event id), and the API keeps its latency meanwhile',
    async () => {
      app = await startApp('postgres', { KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic });
      const forwarder = app.platform.forwarder!;
      const admin = sdkClient(app.url);
      const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'kafka-outage' }))).UserPool!.Id!;
      const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
      await eventually(() => forwarder.status().leader && forwarder.status().forwarded > 0, 30_000, 'the forwarder forwarding');

      const load = signUpLoad(app.url, clientId, 4);
      const startedAt = Date.now();
      await eventually(() => load.acked().length >= 80, 60_000, '80 sign-ups before the kill');
      const killedAt = Date.now();
      await killBroker();
      // Down long enough for the forwarder to fail a send six times over (each bounded by kafkajs'
      // own retries and timeouts, then our backoff), and for as much load as before.
      const failedSends = () => Number(/send failed \(attempt (\d+)\)/.exec(forwarder.status().lastError ?? '')?.[1] ?? 0);
      await eventually(
        () => {
          if (failedSends() >= 6 && load.ackedSince(killedAt) >= 80) return true;
          throw new Error(
            `${load.ackedSince(killedAt)} acknowledged since the kill, ${load.outcomes.length} answered; forwarder ${JSON.stringify(forwarder.status())}`,
          );
        },
        90_000,
        'load while the broker is down',
      );
      const restartedAt = Date.now();
      await kafkaService('start');
      await eventually(() => load.ackedSince(restartedAt) >= 20, 60_000, 'sign-ups after the restart');
      await load.stop();

      // The API did not notice: every call answered, at the latency it had before.
      expect(load.outcomes.filter((o) => o.result !== 'ok')).toEqual([]);
      const ms = (from: number, to: number) => load.outcomes.filter((o: Outcome) => o.startedAt >= from && o.startedAt < to).map((o) => o.ms);
      const before = percentiles(ms(startedAt, killedAt));
      const during = percentiles(ms(killedAt, restartedAt));
      process.stdout.write(
        `kafka outage: before p50 ${before.p50} ms p99 ${before.p99} ms (n=${before.n}); broker down p50 ${during.p50} ms p99 ${during.p99} ms (n=${during.n}); down ${restartedAt - killedAt} ms\n`,
      );
      expect(during.p50).toBeLessThanOrEqual(before.p50 * 2 + 25);
      expect(during.p99).toBeLessThanOrEqual(before.p99 * 3 + 250);

      // Every event of the log is on the topic once the forwarder caught up (duplicates allowed).
      const db = app.platform.db;
      const inLog = (await db.query<{ id: string }>(`SELECT metadata->>'eventId' AS id FROM es_events`)).rows.map((r) => r.id);
      reader = await TopicReader.start(topic);
      const r = reader;
      await eventually(
        async () => {
          if (!(await r.caughtUp())) return false;
          const counts = r.countsById();
          return inLog.every((id) => counts.has(id));
        },
        90_000,
        'every logged event on the topic',
      );
      expect(inLog.length).toBeGreaterThan(160);
    },
    TEST_MS,
  );
});
