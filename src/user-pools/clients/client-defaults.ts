import type { ClientSettings } from './client.events.js';

/** Cognito's defaults for CreateUserPoolClient fields left out. */
export function defaultClientSettings(clientName: string): ClientSettings {
  return {
    clientName,
    explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'],
    accessTokenValidity: 60,
    idTokenValidity: 60,
    refreshTokenValidity: 30,
    tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' },
    readAttributes: [],
    writeAttributes: [],
    preventUserExistenceErrors: 'LEGACY',
    enableTokenRevocation: true,
    refreshTokenRotation: { feature: 'DISABLED', retryGracePeriodSeconds: 0 },
    authSessionValidity: 3,
    callbackURLs: [],
    logoutURLs: [],
    allowedOAuthFlows: [],
    allowedOAuthScopes: [],
    allowedOAuthFlowsUserPoolClient: false,
    supportedIdentityProviders: [],
  };
}
