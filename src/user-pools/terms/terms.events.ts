/**
 * Terms documents of a pool's app clients (CreateTerms ... DeleteTerms), all on one stream per
 * pool, `terms-<poolId>`: a client has at most one document of each name, decided on that stream.
 */
export type TermsName = 'terms-of-use' | 'privacy-policy';

export interface TermsDocument {
  termsName: TermsName;
  /** Reserved by Cognito for later use: LINK and NONE are the only values. */
  termsSource: 'LINK';
  enforcement: 'NONE';
  /** Language (`cognito:default`, `cognito:spanish`, ...) to the document's URL. */
  links: Record<string, string>;
}

export type TermsCreated = {
  type: 'TermsCreated';
  data: TermsDocument & { poolId: string; termsId: string; clientId: string; createdAt: string };
};

/** The document as it is after UpdateTerms (members left out of the call kept their values). */
export type TermsUpdated = {
  type: 'TermsUpdated';
  data: TermsDocument & { termsId: string; updatedAt: string };
};

export type TermsDeleted = { type: 'TermsDeleted'; data: { termsId: string; deletedAt: string } };

export type TermsEvent = TermsCreated | TermsUpdated | TermsDeleted;

export const termsStream = (poolId: string) => `terms-${poolId}`;

/**
 * A user accepted terms documents (the hosted sign-up page records it, issue 14), on the user's
 * own acceptance stream `termsaccepted-<poolId>-<sub>`, so the user's main stream stays as it is.
 */
export type TermsAccepted = {
  type: 'TermsAccepted';
  data: { poolId: string; sub: string; clientId: string; terms: Array<{ termsId: string; termsName: TermsName; links: Record<string, string> }>; at: string };
};

export const termsAcceptedStream = (poolId: string, sub: string) => `termsaccepted-${poolId}-${sub}`;
