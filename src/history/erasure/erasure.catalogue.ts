import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { UserPersonalDataErased } from './erasure.events.js';

/** Catalogue entry of the erasure event (spread into EVENT_CATALOGUE). */
export const ERASURE_CATALOGUE: { UserPersonalDataErased: CatalogueEntry<UserPersonalDataErased> } = {
  UserPersonalDataErased: {
    stream: 'erasures-<poolId>',
    description:
      "A user's data key was destroyed (erase): their events' personal fields read as erased from now on, in replays, read models, Kafka re-publication and exports; the hash chain is unchanged.",
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      erasedSub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      hadKey: true,
      plaintextEvents: 0,
      at: '2026-01-05T00:00:00.000Z',
    },
  },
};
