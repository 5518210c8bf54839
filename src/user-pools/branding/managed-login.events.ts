/**
 * Managed login branding styles (CreateManagedLoginBranding ... DeleteManagedLoginBranding): one
 * style per app client, all of a pool's on `branding-<poolId>`, stored for the hosted pages
 * (issue 14). Settings is Cognito's JSON style document, kept as given; assets carry their bytes.
 */
export interface BrandingAsset {
  category: string;
  colorMode: 'LIGHT' | 'DARK' | 'DYNAMIC';
  extension: 'ICO' | 'JPEG' | 'PNG' | 'SVG' | 'WEBP';
  /** The image, base64. */
  bytes?: string;
  resourceId?: string;
}

export interface BrandingStyle {
  useCognitoProvidedValues: boolean;
  settings?: Record<string, unknown>;
  assets: BrandingAsset[];
}

export type ManagedLoginBrandingCreated = {
  type: 'ManagedLoginBrandingCreated';
  data: BrandingStyle & { poolId: string; brandingId: string; clientId: string; createdAt: string };
};

/** The style as it is after UpdateManagedLoginBranding. */
export type ManagedLoginBrandingUpdated = { type: 'ManagedLoginBrandingUpdated'; data: BrandingStyle & { brandingId: string; updatedAt: string } };

export type ManagedLoginBrandingDeleted = { type: 'ManagedLoginBrandingDeleted'; data: { brandingId: string; deletedAt: string } };

export type ManagedLoginBrandingEvent = ManagedLoginBrandingCreated | ManagedLoginBrandingUpdated | ManagedLoginBrandingDeleted;

export const brandingStream = (poolId: string) => `branding-${poolId}`;
