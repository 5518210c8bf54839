import type { AppConfig } from '../config/config.js';
import { readinessMaxLagMs } from './readiness.js';

/**
 * What the health and metrics routes need from the configuration, as one injection token the
 * composition root binds (`{ provide: OPS_SETTINGS, useValue: opsSettings(platform.config) }`),
 * so the API surface never sees the Platform. Unbound, the defaults below apply (the
 * configuration's own defaults).
 */
export const OPS_SETTINGS = Symbol('OpsSettings');

export type MetricsAccess = AppConfig['METRICS'];

export interface OpsSettings {
  production: boolean;
  /** Readiness: most a projection may trail the log. */
  maxProjectionLagMs: number;
  /** Who may read GET /metrics. */
  metrics: MetricsAccess;
}

export function opsSettings(config: Pick<AppConfig, 'PRODUCTION' | 'CONSISTENCY_TIMEOUT_MS' | 'METRICS'>): OpsSettings {
  return { production: config.PRODUCTION, maxProjectionLagMs: readinessMaxLagMs(config), metrics: config.METRICS };
}

export const DEFAULT_OPS_SETTINGS: OpsSettings = opsSettings({ PRODUCTION: false, CONSISTENCY_TIMEOUT_MS: 5000, METRICS: 'public' });
