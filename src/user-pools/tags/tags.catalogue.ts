import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { UserPoolTagged, UserPoolUntagged } from './tags.events.js';

/** Catalogue entries of the tag events (spread into EVENT_CATALOGUE). */
export const TAG_CATALOGUE: { UserPoolTagged: CatalogueEntry<UserPoolTagged>; UserPoolUntagged: CatalogueEntry<UserPoolUntagged> } = {
  UserPoolTagged: {
    stream: 'tags-<poolId>',
    description: 'Tags were set on a user pool (TagResource): new keys added, the values of existing ones replaced.',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', tags: { Environment: 'Production' }, at: '2026-01-01T00:00:00.000Z' },
  },
  UserPoolUntagged: {
    stream: 'tags-<poolId>',
    description: 'Tags were removed from a user pool (UntagResource).',
    secretFields: [],
    example: { poolId: 'us-east-1_AbCdEfGhI', keys: ['Environment'], at: '2026-01-02T00:00:00.000Z' },
  },
};
