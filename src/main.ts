import 'reflect-metadata';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { lifecycle } from './observability/lifecycle.js';
import { metrics } from './observability/metrics.js';
import { watchPlatform } from './observability/platform-metrics.js';
import { drainHttp, InFlightRequests } from './observability/shutdown.js';
import { tracingFromEnv } from './observability/tracing.js';
import { createLogger, createPlatform } from './platform/platform.js';
import { createServer } from './server.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ensureDemo } from './oauth/demo.js';
import { claimDataDir } from './cli.js';

/** `npm start`: the service on its configured storage (embedded PGlite under ./data by default). */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // First, so that every span of the process has a provider (off unless OTEL_* says where to send).
  const tracingOptions = tracingFromEnv();
  const tracing = tracingOptions ? (await import('./observability/tracing-sdk.js')).startTracing(tracingOptions) : undefined;
  const logger = createLogger(config);
  // The embedded database belongs to one process (the CLI checks this before touching it).
  const releaseDataDir = await claimDataDir(config);
  const platform = await createPlatform(config, logger);
  const unwatchMetrics = watchPlatform(metrics, platform);
  // Said once, on the start that created them; afterwards only their existence is logged.
  if (platform.masterKeyCreatedAt) {
    process.stdout.write(`\nA master key was generated at ${platform.masterKeyCreatedAt}. Back it up: without it, stored secrets cannot be read.\n`);
  }
  if (platform.bootstrapKey) {
    process.stdout.write(
      `\nBootstrap admin access key (shown only this once):\n  access key id:     ${platform.bootstrapKey.accessKeyId}\n  secret access key: ${platform.bootstrapKey.secretAccessKey}\n\n`,
    );
  }
  const app = await createServer(platform);
  const server = app.getHttpServer() as Server;
  const inFlight = new InFlightRequests(server);
  await app.listen(config.PORT, config.HOST);
  // The embedded default's demo pool and app client, so the hosted pages can be opened at once.
  if (config.DEMO ?? (!config.PRODUCTION && !config.DATABASE_URL)) {
    try {
      const { demo, created } = await ensureDemo(app.get(CommandBus), app.get(QueryBus), config.PUBLIC_BASE_URL);
      if (created) logger.info({ poolId: demo.poolId, clientId: demo.clientId }, 'demo pool created');
      process.stdout.write(`\nDemo app: open ${demo.url} (pool ${demo.poolId}, app client ${demo.clientId}; DEMO=false turns it off)\n\n`);
    } catch (error) {
      logger.warn({ err: error }, 'the demo pool could not be set up');
    }
  }
  logger.info(
    { url: await app.getUrl(), eventStore: platform.store.kind, production: config.PRODUCTION, tracing: !!tracing, node: process.version },
    'cairn listening',
  );

  /**
   * SIGTERM / SIGINT: readiness turns 503 at once; the listener closes (new connections are
   * refused); requests in flight get up to half of SHUTDOWN_TIMEOUT_MS to finish; then the
   * platform stops (projections hand their leader lock over, the forwarder flushes, the
   * database closes) and the process exits 0. Past SHUTDOWN_TIMEOUT_MS it exits 1 regardless.
   */
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      logger.info({ signal }, 'shutdown already under way');
      return;
    }
    closing = true;
    lifecycle.beginShutdown();
    const timeoutMs = config.SHUTDOWN_TIMEOUT_MS;
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    logger.info({ signal, inFlight: inFlight.size, timeoutMs }, 'shutting down: no new connections, draining requests');
    const drain = await drainHttp(server, inFlight, () => app.getHttpAdapter().close(), Math.floor(timeoutMs / 2));
    if (!drain.drained) logger.warn({ abandoned: drain.abandoned }, 'requests still running at the drain bound were cut off');
    unwatchMetrics();
    await app.close();
    await platform.close();
    await tracing?.shutdown();
    await releaseDataDir();
    logger.info({ signal }, 'stopped');
    process.exit(0);
  };
  const onSignal = (signal: string) =>
    void shutdown(signal).catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
