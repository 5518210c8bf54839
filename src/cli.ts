import 'reflect-metadata';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdminKeys } from './admin/admin-keys.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { loadOrCreateMasterKey } from './crypto/master-key.js';
import { checkMasterKey } from './crypto/master-key-check.js';
import { Secrets } from './crypto/secrets.js';
import { openStorage } from './platform/platform.js';
import { systemContext } from './shared/request-context.js';
import { HISTORY_USAGE, runHistoryCli, type HistoryCliStorage } from './history/history-cli.js';
import { ProjectionRunner } from '../projections/runner.js';

const USAGE = `usage: npm run cli -- admin-keys <list | create [label] | revoke <access key id>>
${HISTORY_USAGE}

Manages the deployment's admin access keys (SigV4 for the Cognito API, HTTP Basic for REST).
Uses the same configuration as the service (DATABASE_URL, or the embedded data folder).
With the embedded database the service must be stopped first (one process owns the folder);
a running service offers the same through its admin REST routes /v1/admin/keys.`;

/** The embedded database belongs to one process: the service records its pid here. */
export const pidFile = (config: Pick<AppConfig, 'DATA_DIR'>) => join(config.DATA_DIR, 'cairn.pid');

export async function claimDataDir(config: AppConfig): Promise<() => Promise<void>> {
  if (config.DATABASE_URL) return async () => undefined;
  await mkdir(config.DATA_DIR, { recursive: true });
  const file = pidFile(config);
  const other = Number(await readFile(file, 'utf8').catch(() => ''));
  if (other && other !== process.pid && isAlive(other)) {
    throw new Error(`the embedded database in ${config.DATA_DIR} is in use by process ${other}; stop it first (or use its admin REST routes)`);
  }
  await writeFile(file, String(process.pid));
  return async () => void (await unlink(file).catch(() => undefined));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Storage for the history commands (opened only by those that read the database). */
async function openHistoryStorage(): Promise<HistoryCliStorage> {
  const config = loadConfig();
  const release = await claimDataDir(config);
  const master = await loadOrCreateMasterKey({ fromEnv: config.MASTER_KEY, dataDir: config.DATA_DIR, production: config.PRODUCTION });
  const secrets = new Secrets(master.key);
  const { db, store, dataKeys } = await openStorage(config, undefined, secrets);
  await checkMasterKey(db, secrets.keyCheck(), new Date());
  // The service's runner keeps the as-of read model; the CLI only waits (bounded) for its checkpoint.
  const checkpoints = new ProjectionRunner(store, db, []);
  const readModels = {
    async waitFor(name: string, position: Parameters<ProjectionRunner['waitFor']>[1] | undefined) {
      if (position && !(await checkpoints.waitFor(name, position, 5000)))
        process.stderr.write(`warning: read model ${name} is behind the log; answers may miss the newest events\n`);
    },
  };
  return {
    store,
    db,
    secrets,
    dataKeys,
    readModels,
    close: async () => {
      await dataKeys.stop();
      if (store.kind === 'eventstoredb') await store.close();
      await db.close();
      await release();
    },
  };
}

async function main(argv: string[]): Promise<void> {
  const [group, command, arg] = argv;
  if (group === 'history' || group === 'erase-user') {
    process.exitCode = await runHistoryCli(group === 'history' ? argv.slice(1) : argv, openHistoryStorage, (text) => process.stdout.write(text));
    return;
  }
  if (group !== 'admin-keys' || !command) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const release = await claimDataDir(config);
  const { db, store } = await openStorage(config);
  try {
    const master = await loadOrCreateMasterKey({ fromEnv: config.MASTER_KEY, dataDir: config.DATA_DIR, production: config.PRODUCTION });
    const secrets = new Secrets(master.key);
    await checkMasterKey(db, secrets.keyCheck(), new Date());
    const keys = new AdminKeys(store, secrets);
    switch (command) {
      case 'list':
        for (const k of await keys.list()) process.stdout.write(`${k.accessKeyId}\t${k.createdAt}\t${k.label}\n`);
        break;
      case 'create': {
        const pair = await keys.create(arg ?? 'cli');
        process.stdout.write(`access key id:     ${pair.accessKeyId}\nsecret access key: ${pair.secretAccessKey}\n(shown only this once)\n`);
        break;
      }
      case 'revoke':
        if (!arg) throw new Error('revoke needs the access key id');
        await keys.revoke(arg, systemContext(`cli-revoke-${arg}`));
        process.stdout.write(`revoked ${arg}\n`);
        break;
      default:
        process.stderr.write(`${USAGE}\n`);
        process.exitCode = 2;
    }
  } finally {
    if (store.kind === 'eventstoredb') await store.close();
    await db.close();
    await release();
  }
}

if (process.argv[1]?.endsWith('cli.js')) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
