import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { LogDeliveryConfigurationSet } from './log-delivery.events.js';

/** Catalogue entry of the log delivery event (spread into EVENT_CATALOGUE). */
export const LOG_DELIVERY_CATALOGUE: { LogDeliveryConfigurationSet: CatalogueEntry<LogDeliveryConfigurationSet> } = {
  LogDeliveryConfigurationSet: {
    stream: 'logdelivery-<poolId>',
    description: "SetLogDeliveryConfiguration: the pool's log destinations, replaced as a whole; deliveries follow from the next event on.",
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      configurations: [{ logLevel: 'INFO', eventSource: 'userAuthEvents', s3BucketArn: 'arn:aws:s3:::auth-logs' }],
      at: '2026-01-01T00:00:00.000Z',
    },
  },
};
