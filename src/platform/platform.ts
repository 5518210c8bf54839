import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from './logger.js';
import { KafkaForwarder } from '../../projections/kafka-forwarder.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { userDirectoryProjection } from '../../projections/user-directory/user-directory.projection.js';
import { groupsProjection } from '../../projections/groups/groups.projection.js';
import { userSessionsProjection } from '../../projections/user-sessions/user-sessions.projection.js';
import { historyAsOfProjection } from '../../projections/history/as-of.projection.js';
import { logCheckpointsProjection } from '../../projections/history/log-checkpoints.projection.js';
import { identitiesProjection } from '../../projections/identities/identities.projection.js';
import { AdminKeys, type NewAdminKey } from '../admin/admin-keys.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { SignInGuard } from '../auth/sign-in-guard.js';
import type { AppConfig } from '../config/config.js';
import { loadOrCreateMasterKey } from '../crypto/master-key.js';
import { checkMasterKey } from '../crypto/master-key-check.js';
import { Secrets } from '../crypto/secrets.js';
import { DatabaseHealth } from '../db/database-health.js';
import { PgDatabase } from '../db/pg-database.js';
import type { SqlDatabase } from '../db/sql.js';
import type { AppendNotice, EventStore } from '../event-store/event-store.port.js';
import { SqlEventStore } from '../event-store/sql-event-store.js';
import { CachingEventStore } from '../event-store/caching-event-store.js';
import { DataKeys } from '../event-store/data-keys.js';
import { PersonalDataEnvelope } from '../event-store/personal-data-envelope.js';
import { metrics } from '../observability/metrics.js';
import { meterAppends } from '../observability/platform-metrics.js';
import { MessageDelivery } from '../messaging/delivery.js';
import { KeyRing } from '../tokens/key-ring.js';
import { SignInNameCache } from '../auth/sign-in-name-cache.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { type Ids, randomIds } from '../shared/ids.js';
import type { Triggers } from '../triggers/trigger.port.js';
import { TriggerDispatcher } from '../triggers/trigger-dispatcher.js';
import { KafkaTransport } from '../triggers/transports/kafka.transport.js';
import { ModuleTransport } from '../triggers/transports/module.transport.js';
import { WebhookTransport } from '../triggers/transports/webhook.transport.js';
import { parseTriggerFunctions, parseTriggerKeys } from '../config/trigger-functions.js';

/** Everything the API and the projections need, built once from the configuration. */
export interface Platform {
  config: AppConfig;
  logger: Logger;
  /** The one source of "now" (tests move a ManualClock instead of sleeping). */
  clock: Clock;
  ids: Ids;
  /** Synchronous trigger hooks (none until pools configure them). */
  triggers: Triggers;
  /** Read models (and the event store, unless EventStoreDB is used). */
  db: SqlDatabase;
  store: EventStore;
  /** Per-person data keys of the personal-data envelope (erasure destroys them). */
  dataKeys: DataKeys;
  runner: ProjectionRunner;
  forwarder: KafkaForwarder | undefined;
  secrets: Secrets;
  hasher: PasswordHasher;
  delivery: MessageDelivery;
  adminKeys: AdminKeys;
  /** Usernames this process has resolved to user streams (checked on every use). */
  signInNames: SignInNameCache;
  /** Per-pool JWT signing keys: sign, verify, JWKS, rotation. */
  keyRing: KeyRing;
  /** Set on the very first start only: the bootstrap admin key to say once. */
  bootstrapKey: NewAdminKey | undefined;
  masterKeyCreatedAt: string | undefined;
  close(): Promise<void>;
}

export { createLogger };

export const PROJECTIONS = [
  userDirectoryProjection,
  groupsProjection,
  userSessionsProjection,
  historyAsOfProjection,
  logCheckpointsProjection,
  identitiesProjection,
];

/** Stream categories kept in memory by the platform's store (see CachingEventStore). */
export const CACHED_CATEGORIES = ['userpool', 'client', 'group', 'groups'];

/**
 * Opens storage per the configuration (embedded PGlite, PostgreSQL or EventStoreDB + PostgreSQL).
 * The store is seen through the personal-data envelope (docs/history.md "Erasure"), whose data
 * keys are wrapped under the master key (`secrets`; read from the configuration when not given).
 */
export async function openStorage(config: AppConfig, logger?: Logger, secrets?: Secrets): Promise<{ db: SqlDatabase; store: EventStore; dataKeys: DataKeys }> {
  const wrap =
    secrets ?? new Secrets((await loadOrCreateMasterKey({ fromEnv: config.MASTER_KEY, dataDir: config.DATA_DIR, production: config.PRODUCTION })).key);
  const options = { wakeFor: wakeFor(config) };
  let db: SqlDatabase;
  let store: EventStore;
  if (config.DATABASE_URL) {
    // Outages are logged once each (database unavailable / back), through the service's logger.
    db = new PgDatabase({ connectionString: config.DATABASE_URL, max: 20, health: new DatabaseHealth(logger) });
    // The KurrentDB client and PGlite are loaded only when configured: each holds tens of MiB a
    // deployment that does not use it would carry for nothing.
    store = config.EVENTSTORE_URL
      ? await (await import('../event-store/eventstoredb-event-store.js')).EventStoreDbEventStore.open(config.EVENTSTORE_URL)
      : await SqlEventStore.open(db, options);
  } else {
    await mkdir(config.DATA_DIR, { recursive: true });
    db = await (await import('../db/pglite-database.js')).PgliteDatabase.open(join(config.DATA_DIR, 'pglite'));
    store = await SqlEventStore.open(db, options);
  }
  const dataKeys = await DataKeys.open(db, wrap);
  return { db, store: new PersonalDataEnvelope(store, dataKeys), dataKeys };
}

/**
 * Appends that get a NOTIFY: those a projection reads or a stream cache keeps, in any process
 * (every instance runs the same projections and caches). With a Kafka forwarder configured here,
 * every append. Others (a sign-in's auth-log entry and refresh token) reach subscribers on their
 * next poll, within 200 ms — also a forwarder that runs in a separate projections process.
 */
function wakeFor(config: AppConfig): ((written: AppendNotice) => boolean) | undefined {
  const wakers = PROJECTIONS.map((p) => p.wakesOn ?? p.handles);
  if (config.KAFKA_BROKERS || wakers.some((types) => !types)) return undefined;
  const types = new Set(wakers.flatMap((t) => [...(t ?? [])]));
  const categories = new Set(CACHED_CATEGORIES);
  return (written) => written.types.some((t) => types.has(t)) || written.categories.some((c) => categories.has(c));
}

/** What a test or benchmark may replace in the platform it starts. */
export interface PlatformOverrides {
  clock?: Clock;
  ids?: Ids;
  triggers?: Triggers;
  /** A hasher of the test's (e.g. one that counts the verifies it makes). */
  hasher?: PasswordHasher;
}

export async function createPlatform(config: AppConfig, logger = createLogger(config), overrides: PlatformOverrides = {}): Promise<Platform> {
  const clock = overrides.clock ?? systemClock;
  const master = await loadOrCreateMasterKey({ fromEnv: config.MASTER_KEY, dataDir: config.DATA_DIR, production: config.PRODUCTION });
  const secrets = new Secrets(master.key);
  const storage = await openStorage(config, logger, secrets);
  const { db } = storage;
  try {
    await checkMasterKey(db, secrets.keyCheck(), clock.now());
  } catch (error) {
    if (storage.store.kind === 'eventstoredb') await storage.store.close();
    await db.close();
    throw error;
  }
  // Pools, app clients, groups and memberships are read on every sign-in and rarely written.
  const cached = storage.store.watchAppends ? new CachingEventStore(storage.store, { categories: CACHED_CATEGORIES }) : storage.store;
  // Append latency and conflicts for /metrics (the store keeps its class).
  const store = meterAppends(cached, metrics);
  // Hooks: where each function a pool's LambdaConfig names runs (TRIGGER_FUNCTIONS).
  const dispatcher = overrides.triggers
    ? undefined
    : new TriggerDispatcher({
        functions: parseTriggerFunctions(config.TRIGGER_FUNCTIONS),
        transports: {
          module: new ModuleTransport(config.TRIGGER_MODULE_DIR),
          webhook: new WebhookTransport(),
          ...(config.KAFKA_BROKERS ? { kafka: new KafkaTransport({ brokers: config.KAFKA_BROKERS, replyTopic: config.TRIGGER_REPLY_TOPIC }) } : {}),
        },
        store,
        log: logger,
        observe: (kind, outcome, seconds) => metrics.observeTrigger(kind, outcome, seconds),
        deadlineMs: config.TRIGGER_DEADLINE_MS,
        keys: parseTriggerKeys(config.TRIGGER_KEYS),
      });
  const triggers: Triggers = overrides.triggers ?? (dispatcher as TriggerDispatcher);
  const runner = new ProjectionRunner(store, db, PROJECTIONS, {
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
  });
  const inProcess = config.PROJECTIONS === 'in-process';
  const forwarder =
    inProcess && config.KAFKA_BROKERS
      ? new KafkaForwarder({ store, db, brokers: config.KAFKA_BROKERS, topic: config.KAFKA_TOPIC, logger: pinoAdapter(logger) })
      : undefined;
  const adminKeys = new AdminKeys(store, secrets, clock);
  const bootstrapKey = await adminKeys.ensureBootstrap(
    config.ADMIN_ACCESS_KEY_ID && config.ADMIN_SECRET_ACCESS_KEY
      ? { accessKeyId: config.ADMIN_ACCESS_KEY_ID, secretAccessKey: config.ADMIN_SECRET_ACCESS_KEY }
      : undefined,
  );
  const delivery = new MessageDelivery({ smtpUrl: config.SMTP_URL, mailFrom: config.MAIL_FROM, production: config.PRODUCTION });
  if (inProcess) await runner.start();
  else await runner.ensureReadModels();
  // The sign-in guard's table (operational state, not a read model: it is never replayed).
  await SignInGuard.setup(db);
  if (forwarder) await forwarder.start();
  return {
    config,
    logger,
    clock,
    ids: overrides.ids ?? randomIds,
    triggers,
    db,
    store,
    dataKeys: storage.dataKeys,
    runner,
    forwarder,
    secrets,
    hasher:
      overrides.hasher ??
      new PasswordHasher({ memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_ITERATIONS, parallelism: config.ARGON2_PARALLELISM }),
    delivery,
    adminKeys,
    signInNames: new SignInNameCache(),
    keyRing: new KeyRing(store, secrets, () => clock.now(), { issuer: (poolId) => `${config.PUBLIC_BASE_URL}/${poolId}` }),
    bootstrapKey,
    masterKeyCreatedAt: master.created ? master.path : undefined,
    close: async () => {
      await dispatcher?.close();
      await forwarder?.stop();
      await runner.stop();
      delivery.close();
      if (store instanceof CachingEventStore) await store.stop();
      await storage.dataKeys.stop();
      if (store.kind === 'eventstoredb') await store.close();
      await db.close();
    },
  };
}

function pinoAdapter(logger: Logger) {
  return { info: (m: string) => logger.info(m), warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) };
}
