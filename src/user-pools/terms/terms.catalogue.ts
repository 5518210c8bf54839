import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { TermsAccepted, TermsCreated, TermsDeleted, TermsUpdated } from './terms.events.js';

const links = { 'cognito:default': 'https://terms.example.com', 'cognito:spanish': 'https://terms.example.com/es' };

/** Catalogue entries of the terms events (spread into EVENT_CATALOGUE). */
export const TERMS_CATALOGUE: {
  TermsCreated: CatalogueEntry<TermsCreated>;
  TermsUpdated: CatalogueEntry<TermsUpdated>;
  TermsDeleted: CatalogueEntry<TermsDeleted>;
  TermsAccepted: CatalogueEntry<TermsAccepted>;
} = {
  TermsCreated: {
    stream: 'terms-<poolId>',
    description: 'A terms document (terms of use or privacy policy) was created for an app client, with a link per language.',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      termsId: '9b2f4c1e-5d3a-4e7b-8c6d-1a2b3c4d5e6f',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      termsName: 'terms-of-use',
      termsSource: 'LINK',
      enforcement: 'NONE',
      links,
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
  TermsUpdated: {
    stream: 'terms-<poolId>',
    description: 'A terms document changed; the event holds the whole document as it now is.',
    secretFields: [],
    example: {
      termsId: '9b2f4c1e-5d3a-4e7b-8c6d-1a2b3c4d5e6f',
      termsName: 'terms-of-use',
      termsSource: 'LINK',
      enforcement: 'NONE',
      links,
      updatedAt: '2026-01-02T00:00:00.000Z',
    },
  },
  TermsDeleted: {
    stream: 'terms-<poolId>',
    description: 'A terms document was deleted.',
    secretFields: [],
    example: { termsId: '9b2f4c1e-5d3a-4e7b-8c6d-1a2b3c4d5e6f', deletedAt: '2026-01-03T00:00:00.000Z' },
  },
  TermsAccepted: {
    stream: 'termsaccepted-<poolId>-<sub>',
    description: 'A user accepted the terms documents of an app client, with the links they were shown.',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      terms: [{ termsId: '9b2f4c1e-5d3a-4e7b-8c6d-1a2b3c4d5e6f', termsName: 'terms-of-use', links }],
      at: '2026-01-01T00:05:00.000Z',
    },
  },
};
