import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { OAuthTokensIssued } from './oauth-grant.events.js';

/** Catalogue entry of the OAuth grant event (spread into EVENT_CATALOGUE). */
export const OAUTH_GRANT_CATALOGUE: { OAuthTokensIssued: CatalogueEntry<OAuthTokensIssued> } = {
  OAuthTokensIssued: {
    stream: 'oauthgrant-<familyId>',
    description:
      'The OAuth token endpoint (or an implicit grant) issued tokens for a user: the refresh-token family of the same id holds them; these are its scopes.',
    secretFields: [],
    example: {
      familyId: '0190a0c4-1111-7000-8000-000000000001',
      poolId: 'us-east-1_AbCdEfGhI',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      sub: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      scope: 'openid email',
      grantType: 'authorization_code',
      at: '2026-01-01T00:00:00.000Z',
    },
  },
};
