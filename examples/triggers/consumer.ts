/**
 * Runs the example hooks as a Kafka consumer group beside the service:
 *
 *   npm run build && KAFKA_BROKERS=localhost:9092 node dist/examples/triggers/consumer.js
 *
 * with the deployment's TRIGGER_FUNCTIONS naming `kafka:<TRIGGER_TOPIC>` for the pool's functions.
 * Start as many as you like with the same TRIGGER_GROUP: Kafka shares the requests among them.
 */
import { runTriggerConsumer } from '../../src/triggers/sdk/trigger-sdk.js';
import { handlers } from './handlers.js';

const consumer = await runTriggerConsumer({
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim()),
  topic: process.env.TRIGGER_TOPIC ?? 'cairn.hooks',
  groupId: process.env.TRIGGER_GROUP ?? 'cairn-example-hooks',
  handlers,
});
console.log('example hooks: consuming trigger requests');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void consumer.stop().then(() => process.exit(0));
  });
}
