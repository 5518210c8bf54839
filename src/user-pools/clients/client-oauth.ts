import { DomainError, InvalidParameterError } from '../../shared/domain-error.js';
import type { ClientSettings } from './client.events.js';

/** Cognito's InvalidOAuthFlowException: the client's OAuth flows contradict each other or the client. */
export class InvalidOAuthFlowError extends DomainError {
  readonly code = 'InvalidOAuthFlowException';
  readonly status = 400;
}

/** Cognito's ScopeDoesNotExistException: an allowed scope is neither standard nor a resource server's. */
export class ScopeDoesNotExistError extends DomainError {
  readonly code = 'ScopeDoesNotExistException';
  readonly status = 400;
}

/** The scopes Cognito defines itself; every other scope belongs to a resource server (`<identifier>/<name>`). */
export const STANDARD_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'] as const;
const STANDARD: ReadonlySet<string> = new Set(STANDARD_SCOPES);

/** A callback or sign-out URL: absolute, no fragment, HTTPS except on a loopback host (or an app's own scheme). */
function checkUrl(kind: string, url: string): void {
  const parsed = URL.parse(url);
  const loopback = parsed !== null && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (
    !parsed ||
    parsed.hash ||
    url.includes('#') ||
    (parsed.protocol === 'http:' && !loopback) ||
    parsed.protocol === 'javascript:' ||
    parsed.protocol === 'data:'
  ) {
    throw new InvalidParameterError(`Invalid ${kind}: ${url}`);
  }
}

/**
 * The app client's OAuth members, checked as Cognito checks them on Create/UpdateUserPoolClient:
 * client_credentials only alone and only with a secret and custom scopes; code and implicit need
 * callback URLs; every scope must exist; the default redirect URI is one of the callback URLs.
 */
export function checkOAuthSettings(
  s: ClientSettings,
  client: { poolId: string; hasSecret: boolean; customScopes: ReadonlySet<string>; providerNames?: ReadonlySet<string> },
): void {
  const flows = new Set(s.allowedOAuthFlows);
  const userFlows = flows.has('code') || flows.has('implicit');
  if (flows.has('client_credentials') && userFlows)
    throw new InvalidOAuthFlowError('client_credentials flow can not be selected along with code flow or implicit flow.');
  if (flows.has('client_credentials') && !client.hasSecret)
    throw new InvalidOAuthFlowError('client_credentials flow can not be selected if client does not have a client secret.');
  for (const scope of s.allowedOAuthScopes) {
    if (!STANDARD.has(scope) && !client.customScopes.has(scope)) throw new ScopeDoesNotExistError(`Invalid scope requested: ${scope}`);
    if (flows.has('client_credentials') && STANDARD.has(scope)) throw new InvalidOAuthFlowError(`${scope} is not supported with client_credentials flow`);
  }
  if (userFlows && s.callbackURLs.length === 0) throw new InvalidOAuthFlowError('CallbackUrls can not be empty when code flow or implicit flow is selected');
  for (const url of s.callbackURLs) checkUrl('CallbackURL', url);
  for (const url of s.logoutURLs) checkUrl('LogoutURL', url);
  if (s.defaultRedirectURI !== undefined && !s.callbackURLs.includes(s.defaultRedirectURI)) {
    throw new InvalidParameterError('DefaultRedirectURI must be one of the CallbackURLs');
  }
  // COGNITO (the pool's own users) or one of the pool's identity providers, by name.
  const unknown = s.supportedIdentityProviders.find((p) => p !== 'COGNITO' && !client.providerNames?.has(p));
  if (unknown !== undefined) throw new InvalidParameterError(`The provider ${unknown} does not exist for User Pool ${client.poolId}`);
}
