import type { Provider } from '@nestjs/common';
import { requestRebuild } from '../../projections/checkpoints.js';
import { OUTBOX, PROJECTION_CONTROL, type ProjectionControl } from '../admin/admin.use-cases.js';
import { AdminKeys } from '../admin/admin-keys.js';
import { SignInNameCache } from '../auth/sign-in-name-cache.js';
import type { GlobalPosition } from '../event-store/event-store.port.js';
import { CLOCK, DELIVERY, HASHER, IDS, LOG, READ_DB, READ_MODELS, type ReadModels, SECRETS, SETTINGS, type ServiceSettings, STORE } from '../shared/ports.js';
import { DATA_KEYS } from '../history/erasure/erasure.ports.js';
import { KeyRing } from '../tokens/key-ring.js';
import { Metrics, metrics } from '../observability/metrics.js';
import { OPS_SETTINGS, opsSettings } from '../observability/ports.js';
import { TRIGGERS } from '../triggers/trigger.port.js';
import type { Platform } from './platform.js';
import { IP_LOCATIONS, ipLocations } from '../auth/risk/ip-locations.js';
import { COMPROMISED_PASSWORDS, compromisedPasswords } from '../user-pools/risk/compromised-passwords.js';

/**
 * The composition root's bindings: each port token and shared service to the platform's
 * instance. Use cases name what they need; nothing below this file sees the Platform object.
 */
export function platformProviders(platform: Platform): Provider[] {
  const settings: ServiceSettings = {
    publicBaseUrl: platform.config.PUBLIC_BASE_URL,
    defaultRegion: platform.config.REGION,
    accountId: platform.config.AWS_ACCOUNT_ID,
    adminTokenPool: platform.config.ADMIN_TOKEN_POOL,
  };
  return [
    { provide: STORE, useValue: platform.store },
    { provide: CLOCK, useValue: platform.clock },
    { provide: IDS, useValue: platform.ids },
    { provide: SECRETS, useValue: platform.secrets },
    { provide: HASHER, useValue: platform.hasher },
    { provide: DELIVERY, useValue: platform.delivery },
    { provide: TRIGGERS, useValue: platform.triggers },
    { provide: READ_DB, useValue: platform.db },
    { provide: DATA_KEYS, useValue: platform.dataKeys },
    { provide: READ_MODELS, useValue: readModels(platform) },
    { provide: SETTINGS, useValue: settings },
    { provide: LOG, useValue: platform.logger },
    { provide: KeyRing, useValue: platform.keyRing },
    { provide: AdminKeys, useValue: platform.adminKeys },
    { provide: SignInNameCache, useValue: platform.signInNames },
    { provide: PROJECTION_CONTROL, useValue: projectionControl(platform) },
    { provide: OUTBOX, useValue: platform.delivery.outbox ?? null },
    { provide: OPS_SETTINGS, useValue: opsSettings(platform.config) },
    { provide: Metrics, useValue: metrics },
    { provide: COMPROMISED_PASSWORDS, useValue: compromisedPasswords(platform.config.COMPROMISED_PASSWORDS_FILE) },
    { provide: IP_LOCATIONS, useValue: ipLocations(platform.config.IP_LOCATIONS_FILE) },
  ];
}

/**
 * Read-your-writes: before a write answers, wait (bounded) until the read model has applied it,
 * so the caller's next read sees it. A timeout is logged, not failed: the write itself is durable.
 */
function readModels(platform: Platform): ReadModels {
  return {
    async waitFor(projection: string, position: GlobalPosition | undefined) {
      if (!position || platform.config.CONSISTENCY_TIMEOUT_MS === 0) return;
      const ok = await platform.runner.waitFor(projection, position, platform.config.CONSISTENCY_TIMEOUT_MS);
      if (!ok) platform.logger.warn({ projection, position: `${position.commit}/${position.prepare}` }, 'read models lag behind a write');
    },
  };
}

function projectionControl(platform: Platform): ProjectionControl {
  return {
    lag: () => platform.runner.lag(),
    forwarder: () => platform.forwarder?.status(),
    async rebuild(name) {
      const known = (await platform.runner.lag()).some((p) => p.name === name);
      if (!known) return false;
      if (platform.runner.isLeader) await platform.runner.rebuild(name);
      else await requestRebuild(platform.db, name);
      return true;
    },
  };
}
