/** A pool's token issuer, as Cognito forms it: `<base-url>/<userPoolId>`. */
export const issuerOf = (baseUrl: string, poolId: string) => `${baseUrl}/${poolId}`;

/**
 * The pool's OpenID discovery document: only what holds today. Endpoints (authorize, token,
 * userinfo) are added by the OAuth module when it serves them, never as placeholders.
 */
export function openIdConfiguration(baseUrl: string, poolId: string, domainUrl?: string) {
  const issuer = issuerOf(baseUrl, poolId);
  return {
    issuer,
    // With a pool domain, the OAuth endpoints served on it (Cognito's set).
    ...(domainUrl
      ? {
          authorization_endpoint: `${domainUrl}/oauth2/authorize`,
          token_endpoint: `${domainUrl}/oauth2/token`,
          userinfo_endpoint: `${domainUrl}/oauth2/userInfo`,
          revocation_endpoint: `${domainUrl}/oauth2/revoke`,
          end_session_endpoint: `${domainUrl}/logout`,
          code_challenge_methods_supported: ['S256'],
        }
      : {}),
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
    response_types_supported: ['code', 'token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  };
}
