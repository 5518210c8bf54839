/**
 * Tokens handed out by the OAuth token endpoint for a user (an authorization code exchange or an
 * implicit grant) start a refresh-token family like any sign-in; this event, on
 * `oauthgrant-<familyId>`, written in the same append, records what the family was granted: its
 * scopes (a refresh keeps them) and the grant that produced it.
 */
export type OAuthTokensIssued = {
  type: 'OAuthTokensIssued';
  data: { familyId: string; poolId: string; clientId: string; sub: string; scope: string; grantType: 'authorization_code' | 'implicit'; at: string };
};

export type OAuthGrantEvent = OAuthTokensIssued;

export const oauthGrantStream = (familyId: string) => `oauthgrant-${familyId}`;
