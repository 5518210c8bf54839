import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger, createPlatform } from './platform/platform.js';
import { createServer } from './server.js';
import { claimDataDir } from './cli.js';

/** `npm start`: the service on its configured storage (embedded PGlite under ./data by default). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);
  // The embedded database belongs to one process (the CLI checks this before touching it).
  const releaseDataDir = await claimDataDir(config);
  const platform = await createPlatform(config, logger);
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
  await app.listen(config.PORT, config.HOST);
  logger.info({ url: await app.getUrl(), eventStore: platform.store.kind, production: config.PRODUCTION }, 'cairn listening');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await platform.close();
    await releaseDataDir();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
