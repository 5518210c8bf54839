import { z } from 'zod';
import type { ClientSettingsInput, ClientView } from '../../../user-pools/clients/client.commands.js';
import { describedAuthFlows } from '../../../user-pools/clients/client-auth-flows.js';
import { defaultClientSettings } from '../../../user-pools/clients/client-defaults.js';
import type { ClientSettings } from '../../../user-pools/clients/client.events.js';
import { epochSeconds } from '../account.js';

// Members and limits as in Cognito's API reference for Create/UpdateUserPoolClient.
const unit = z.enum(['seconds', 'minutes', 'hours', 'days']);
const names = (max: number) => z.array(z.string().min(1).max(2048)).max(max);

export const clientSettingsInput = z.object({
  ClientName: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w\s+=,.@-]+$/),
  RefreshTokenValidity: z.number().int().min(0).max(315360000).optional(),
  AccessTokenValidity: z.number().int().min(1).max(86400).optional(),
  IdTokenValidity: z.number().int().min(1).max(86400).optional(),
  TokenValidityUnits: z.object({ AccessToken: unit.optional(), IdToken: unit.optional(), RefreshToken: unit.optional() }).optional(),
  ReadAttributes: names(100).optional(),
  WriteAttributes: names(100).optional(),
  // In the order of Cognito's ExplicitAuthFlowsType; the legacy names are mapped in the user-pools context.
  ExplicitAuthFlows: z
    .array(
      z.enum([
        'ADMIN_NO_SRP_AUTH',
        'CUSTOM_AUTH_FLOW_ONLY',
        'USER_PASSWORD_AUTH',
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
        'ALLOW_CUSTOM_AUTH',
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
        'ALLOW_USER_AUTH',
        'ALLOW_CLIENT_TOKEN_AUTH',
      ]),
    )
    .optional(),
  SupportedIdentityProviders: names(50).optional(),
  CallbackURLs: names(100).optional(),
  LogoutURLs: names(100).optional(),
  DefaultRedirectURI: z.string().min(1).max(1024).optional(),
  AllowedOAuthFlows: z
    .array(z.enum(['code', 'implicit', 'client_credentials']))
    .max(3)
    .optional(),
  AllowedOAuthScopes: names(50).optional(),
  AllowedOAuthFlowsUserPoolClient: z.boolean().optional(),
  PreventUserExistenceErrors: z.enum(['LEGACY', 'ENABLED']).optional(),
  EnableTokenRevocation: z.boolean().optional(),
  AuthSessionValidity: z.number().int().min(3).max(15).optional(),
  RefreshTokenRotation: z.object({ Feature: z.enum(['ENABLED', 'DISABLED']), RetryGracePeriodSeconds: z.number().int().min(0).max(60).optional() }).optional(),
});

/** Cognito's members to our settings; members left out stay undefined so the command applies Cognito's defaults. */
export function toClientSettings(input: Partial<z.infer<typeof clientSettingsInput>>): ClientSettingsInput {
  return {
    clientName: input.ClientName,
    explicitAuthFlows: input.ExplicitAuthFlows,
    accessTokenValidity: input.AccessTokenValidity,
    idTokenValidity: input.IdTokenValidity,
    refreshTokenValidity: input.RefreshTokenValidity,
    tokenValidityUnits: validityUnits(input),
    readAttributes: input.ReadAttributes,
    writeAttributes: input.WriteAttributes,
    preventUserExistenceErrors: input.PreventUserExistenceErrors,
    enableTokenRevocation: input.EnableTokenRevocation,
    refreshTokenRotation: input.RefreshTokenRotation
      ? { feature: input.RefreshTokenRotation.Feature, retryGracePeriodSeconds: input.RefreshTokenRotation.RetryGracePeriodSeconds ?? 0 }
      : undefined,
    authSessionValidity: input.AuthSessionValidity,
    callbackURLs: input.CallbackURLs,
    logoutURLs: input.LogoutURLs,
    defaultRedirectURI: input.DefaultRedirectURI,
    allowedOAuthFlows: input.AllowedOAuthFlows,
    allowedOAuthScopes: input.AllowedOAuthScopes,
    allowedOAuthFlowsUserPoolClient: input.AllowedOAuthFlowsUserPoolClient,
    supportedIdentityProviders: input.SupportedIdentityProviders,
  };
}

/** Cognito's UserPoolClientType (Describe returns the secret, as Cognito does). */
export function toUserPoolClientType(client: ClientView) {
  return {
    UserPoolId: client.poolId,
    ClientName: client.clientName,
    ClientId: client.clientId,
    ...(client.clientSecret ? { ClientSecret: client.clientSecret } : {}),
    CreationDate: epochSeconds(client.createdAt),
    LastModifiedDate: epochSeconds(client.updatedAt),
    RefreshTokenValidity: client.refreshTokenValidity,
    AccessTokenValidity: client.accessTokenValidity,
    IdTokenValidity: client.idTokenValidity,
    TokenValidityUnits: {
      AccessToken: client.tokenValidityUnits.accessToken,
      IdToken: client.tokenValidityUnits.idToken,
      RefreshToken: client.tokenValidityUnits.refreshToken,
    },
    ReadAttributes: client.readAttributes,
    WriteAttributes: client.writeAttributes,
    ExplicitAuthFlows: describedAuthFlows(client),
    SupportedIdentityProviders: client.supportedIdentityProviders,
    CallbackURLs: client.callbackURLs,
    LogoutURLs: client.logoutURLs,
    ...(client.defaultRedirectURI ? { DefaultRedirectURI: client.defaultRedirectURI } : {}),
    AllowedOAuthFlows: client.allowedOAuthFlows,
    AllowedOAuthScopes: client.allowedOAuthScopes,
    AllowedOAuthFlowsUserPoolClient: client.allowedOAuthFlowsUserPoolClient,
    PreventUserExistenceErrors: client.preventUserExistenceErrors,
    EnableTokenRevocation: client.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: false,
    AuthSessionValidity: client.authSessionValidity,
    RefreshTokenRotation: { Feature: client.refreshTokenRotation.feature, RetryGracePeriodSeconds: client.refreshTokenRotation.retryGracePeriodSeconds },
  };
}

/**
 * Cognito reads a validity given without its unit in hours (access, ID) or days (refresh);
 * when no validity and no unit is given, the stored defaults (60 minutes, 30 days) stand.
 */
function validityUnits(input: Partial<z.infer<typeof clientSettingsInput>>): ClientSettings['tokenValidityUnits'] | undefined {
  const u = input.TokenValidityUnits;
  if (!u && input.AccessTokenValidity === undefined && input.IdTokenValidity === undefined && input.RefreshTokenValidity === undefined) return undefined;
  const stored = defaultClientSettings('').tokenValidityUnits;
  return {
    accessToken: u?.AccessToken ?? (input.AccessTokenValidity !== undefined ? 'hours' : stored.accessToken),
    idToken: u?.IdToken ?? (input.IdTokenValidity !== undefined ? 'hours' : stored.idToken),
    refreshToken: u?.RefreshToken ?? (input.RefreshTokenValidity !== undefined ? 'days' : stored.refreshToken),
  };
}
