import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { ManagedLoginBrandingCreated, ManagedLoginBrandingDeleted, ManagedLoginBrandingUpdated } from './managed-login.events.js';

const style = {
  useCognitoProvidedValues: false,
  settings: { components: { primaryButton: { lightMode: { defaults: { backgroundColor: '0972d3ff' } } } } },
  assets: [{ category: 'FORM_LOGO', colorMode: 'LIGHT' as const, extension: 'PNG' as const, bytes: 'iVBORw0KGgo=' }],
};

/** Catalogue entries of the managed login branding events (spread into EVENT_CATALOGUE). */
export const MANAGED_LOGIN_CATALOGUE: {
  ManagedLoginBrandingCreated: CatalogueEntry<ManagedLoginBrandingCreated>;
  ManagedLoginBrandingUpdated: CatalogueEntry<ManagedLoginBrandingUpdated>;
  ManagedLoginBrandingDeleted: CatalogueEntry<ManagedLoginBrandingDeleted>;
} = {
  ManagedLoginBrandingCreated: {
    stream: 'branding-<poolId>',
    description: "An app client's managed login branding style was created (Cognito's defaults, or a settings document and image assets).",
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      brandingId: '3c9d8f2a-1b4e-4d6f-9a7c-5e2b1d0f8a6c',
      clientId: 'abcdefghijklmnopqrstuvwxyz',
      ...style,
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
  ManagedLoginBrandingUpdated: {
    stream: 'branding-<poolId>',
    description: 'A managed login branding style changed; the event holds the whole style as it now is.',
    secretFields: [],
    example: { brandingId: '3c9d8f2a-1b4e-4d6f-9a7c-5e2b1d0f8a6c', ...style, updatedAt: '2026-01-02T00:00:00.000Z' },
  },
  ManagedLoginBrandingDeleted: {
    stream: 'branding-<poolId>',
    description: 'A managed login branding style was deleted.',
    secretFields: [],
    example: { brandingId: '3c9d8f2a-1b4e-4d6f-9a7c-5e2b1d0f8a6c', deletedAt: '2026-01-03T00:00:00.000Z' },
  },
};
