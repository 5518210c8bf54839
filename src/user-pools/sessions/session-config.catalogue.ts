import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { UserPoolClientSessionConfigurationSet, UserPoolSessionConfigurationSet } from './session-config.events.js';

/** Catalogue entries of the session-configuration events (spread into EVENT_CATALOGUE). */
export const SESSION_CONFIG_CATALOGUE: {
  UserPoolSessionConfigurationSet: CatalogueEntry<UserPoolSessionConfigurationSet>;
  UserPoolClientSessionConfigurationSet: CatalogueEntry<UserPoolClientSessionConfigurationSet>;
} = {
  UserPoolSessionConfigurationSet: {
    stream: 'sessionconfig-<poolId>',
    description: "A pool's session tracking was turned on or off, with the most token sessions a user may hold.",
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', userSessionTracking: 'ENABLED', maxPerUser: 20, at: '2026-01-01T00:00:00.000Z' },
  },
  UserPoolClientSessionConfigurationSet: {
    stream: 'sessionconfig-<poolId>',
    description: 'How long an app client silently reuses a managed-login (SSO) session, in minutes.',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', clientId: 'abcdefghijklmnopqrstuvwxyz', maxValidityMinutes: 60, at: '2026-01-01T00:00:00.000Z' },
  },
};
