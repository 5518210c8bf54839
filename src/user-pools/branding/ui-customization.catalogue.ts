import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { UICustomizationSet } from './ui-customization.events.js';

/** Catalogue entry of the hosted UI branding event (spread into EVENT_CATALOGUE). */
export const UI_CUSTOMIZATION_CATALOGUE: { UICustomizationSet: CatalogueEntry<UICustomizationSet> } = {
  UICustomizationSet: {
    stream: 'uicustomization-<poolId>',
    description: "The classic hosted UI's CSS and logo for an app client, or for every client without its own (ALL), replaced as a whole.",
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      clientId: 'ALL',
      css: '.logo-customizable { max-width: 60%; }',
      image: { contentType: 'image/png', base64: 'iVBORw0KGgo=' },
      cssVersion: '1',
      at: '2026-01-01T00:00:00.000Z',
    },
  },
};
