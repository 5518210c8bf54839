/**
 * The classic hosted UI's branding (SetUICustomization): CSS and a logo per app client, or for
 * every client without its own (`ALL`), on one stream per pool, `uicustomization-<poolId>`.
 * The hosted pages (issue 14) read it; the logo is kept in the event, at most 100 KB.
 */
export type UICustomizationSet = {
  type: 'UICustomizationSet';
  data: {
    poolId: string;
    /** An app client id, or `ALL`. */
    clientId: string;
    css?: string;
    image?: { contentType: 'image/png' | 'image/jpeg'; base64: string };
    cssVersion: string;
    at: string;
  };
};

export type UICustomizationEvent = UICustomizationSet;

export const uiCustomizationStream = (poolId: string) => `uicustomization-${poolId}`;
export const ALL_CLIENTS = 'ALL';
