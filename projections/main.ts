import { ConfigError, loadConfig } from '../src/config/config.js';
import { logDeliveryOptions } from '../src/platform/log-delivery.providers.js';
import { createLogger, openStorage, PROJECTIONS } from '../src/platform/platform.js';
import { CHECKPOINT_SCHEMA, readCheckpoint, requestRebuild } from './checkpoints.js';
import { KafkaForwarder } from './kafka-forwarder.js';
import { LogDeliveryWorker } from './log-delivery/log-delivery.worker.js';
import { ProjectionRunner } from './runner.js';

/**
 * The projections (and the Kafka forwarder) as their own process:
 *   node dist/projections/main.js             run; single-active with failover
 *   node dist/projections/main.js rebuild <name>   drop and replay one read model
 *   node dist/projections/main.js lag         print each projection's lag as JSON
 */
async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const { db, store } = await openStorage(config, logger);
  const runner = new ProjectionRunner(store, db, PROJECTIONS, {
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
  });
  const [command, name] = argv;

  if (command === 'lag') {
    await db.exec(CHECKPOINT_SCHEMA);
    process.stdout.write(JSON.stringify(await runner.lag(), null, 2) + '\n');
    return db.close();
  }

  if (command === 'rebuild') {
    if (!PROJECTIONS.some((p) => p.name === name)) throw new Error(`unknown projection ${name}; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
    await db.exec(CHECKPOINT_SCHEMA);
    await runner.start();
    // Whoever leads does the rebuild: this process if nobody else runs, else the running leader.
    const leaderHere = await Promise.race([runner.ready().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 2000))]);
    if (leaderHere) {
      await runner.rebuild(name);
    } else {
      await requestRebuild(db, name);
      logger.info(`rebuild of ${name} requested from the running leader`);
      for (;;) {
        const cp = await readCheckpoint(db, name);
        if (!cp?.rebuildRequested) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await runner.ready();
    logger.info(`projection ${name} rebuilt and caught up`);
    await runner.stop();
    return db.close();
  }

  if (command !== undefined) throw new Error(`unknown command ${command}`);
  const forwarder = config.KAFKA_BROKERS
    ? new KafkaForwarder({
        store,
        db,
        brokers: config.KAFKA_BROKERS,
        topic: config.KAFKA_TOPIC,
        logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
      })
    : undefined;
  // Log delivery (SetLogDeliveryConfiguration) follows the log beside the projections.
  const logDelivery = new LogDeliveryWorker(store, db, logger, logDeliveryOptions(config));
  await runner.start();
  await forwarder?.start();
  logDelivery.start();
  logger.info('projection runner started (standby until it holds the leader lock)');
  const shutdown = async () => {
    await logDelivery.stop();
    await forwarder?.stop();
    await runner.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
