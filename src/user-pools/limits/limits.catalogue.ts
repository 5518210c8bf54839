import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { ProvisionedLimitUpdated } from './limits.events.js';

/** Catalogue entry of the provisioned-limit event (spread into EVENT_CATALOGUE). */
export const LIMITS_CATALOGUE: { ProvisionedLimitUpdated: CatalogueEntry<ProvisionedLimitUpdated> } = {
  ProvisionedLimitUpdated: {
    stream: 'limits',
    description: "UpdateProvisionedLimit: a category's request rate (requests per second, all pools of the deployment), enforced from then on.",
    secretFields: [],
    example: { category: 'UserAuthentication', value: 300, at: '2026-01-01T00:00:00.000Z' },
  },
};
