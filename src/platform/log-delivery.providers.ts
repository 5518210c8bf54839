import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import type { DeliveryOptions } from '../../projections/log-delivery/destinations.js';
import { LOG_DELIVERY_OPTIONS, LogDeliveryWorker } from '../../projections/log-delivery/log-delivery.worker.js';
import type { AppConfig } from '../config/config.js';
import type { Platform } from './platform.js';

/** Where the log delivery worker writes and posts (LOG_DELIVERY_DIR, LOG_DELIVERY_WEBHOOKS, KAFKA_BROKERS). */
export function logDeliveryOptions(config: AppConfig): DeliveryOptions {
  return {
    dir: config.LOG_DELIVERY_DIR ?? join(config.DATA_DIR, 'log-delivery'),
    kafkaBrokers: config.KAFKA_BROKERS,
    webhooks: config.LOG_DELIVERY_WEBHOOKS ?? {},
  };
}

/**
 * The log delivery worker runs with the projections: in the API process when they are in-process
 * (the embedded default), else in the projections process (projections/main.ts). Either way it is
 * single-active across processes (an advisory lock).
 */
export function logDeliveryProviders(platform: Platform): Provider[] {
  if (platform.config.PROJECTIONS !== 'in-process') return [];
  return [{ provide: LOG_DELIVERY_OPTIONS, useValue: logDeliveryOptions(platform.config) }, LogDeliveryWorker];
}
