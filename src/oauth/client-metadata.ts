import type { ClientView } from '../user-pools/clients/client.commands.js';

/**
 * An app client as node-oidc-provider's client metadata (RFC 7591 names). Cognito accepts
 * client_secret_basic and client_secret_post from any client with a secret, the library one
 * method per client: the method is the one the request uses, so both work. Clients not enabled
 * for OAuth (AllowedOAuthFlowsUserPoolClient) are unknown to the OAuth endpoints, and so are
 * user-facing clients with no identity provider at all. A client without COGNITO among its
 * providers is a federation-only client: it signs in through its external IdPs only (the hosted
 * pages refuse its password sign-in and sign-up, see hosted-pages.ts).
 */
export function clientMetadata(client: ClientView, basicAuth: boolean): Record<string, unknown> | undefined {
  if (!client.allowedOAuthFlowsUserPoolClient) return undefined;
  const flows = new Set(client.allowedOAuthFlows);
  const userFlows = flows.has('code') || flows.has('implicit');
  if (userFlows && client.supportedIdentityProviders.length === 0) return undefined;
  const grantTypes = [
    ...(userFlows ? ['authorization_code'] : []),
    ...(flows.has('code') ? ['refresh_token'] : []),
    ...(flows.has('client_credentials') ? ['client_credentials'] : []),
  ];
  if (grantTypes.length === 0) return undefined;
  return {
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    token_endpoint_auth_method: client.clientSecret ? (basicAuth ? 'client_secret_basic' : 'client_secret_post') : 'none',
    grant_types: grantTypes,
    // Implicit requests reach the library as code requests (see implicit.ts).
    response_types: userFlows ? ['code'] : [],
    redirect_uris: userFlows ? client.callbackURLs : [],
    post_logout_redirect_uris: client.logoutURLs,
    cairn_implicit: flows.has('implicit'),
    cairn_code: flows.has('code'),
  };
}
