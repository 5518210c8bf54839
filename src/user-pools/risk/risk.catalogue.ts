import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { RiskConfigurationCleared, RiskConfigurationSet } from './risk.events.js';

/** Catalogue entries of the risk configuration events (spread into EVENT_CATALOGUE). */
export const RISK_CATALOGUE: {
  RiskConfigurationSet: CatalogueEntry<RiskConfigurationSet>;
  RiskConfigurationCleared: CatalogueEntry<RiskConfigurationCleared>;
} = {
  RiskConfigurationSet: {
    stream: 'risk-<poolId>',
    description: "A pool's (or, with clientId, an app client's) threat-protection settings were set (SetRiskConfiguration).",
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      configuration: {
        compromisedCredentials: { eventFilter: ['SIGN_IN', 'SIGN_UP'], eventAction: 'BLOCK' },
        accountTakeover: { actions: { High: { notify: false, eventAction: 'BLOCK' } } },
      },
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  RiskConfigurationCleared: {
    stream: 'risk-<poolId>',
    description: "A pool's threat-protection settings went back to the defaults, or (with clientId) a client inherits the pool's again.",
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', clientId: 'abcdefghijklmnopqrstuvwxyz', at: '2026-01-02T00:00:00.000Z' },
  },
};
