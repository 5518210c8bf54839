import type { CatalogueEntry } from '../events/catalogue-entry.js';
import type { CustomChallengeAnswered } from './custom-auth.events.js';

/** Catalogue entry of the CUSTOM_AUTH step event (spread into EVENT_CATALOGUE). */
export const CUSTOM_AUTH_CATALOGUE: { CustomChallengeAnswered: CatalogueEntry<CustomChallengeAnswered> } = {
  CustomChallengeAnswered: {
    stream: 'customauth-<signInId>',
    description:
      'A step of a CUSTOM_AUTH sign-in was answered (its number in the sign-in, from 1), before the verify hook judged it: each challenge Session answers once.',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      step: 1,
      at: '2026-01-01T00:00:00.000Z',
    },
  },
};
