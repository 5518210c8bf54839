import type { ClientSecretEvent } from './client-secret.events.js';

/** Sign-in flows an app client may use (Cognito's ExplicitAuthFlows). */
export type AuthFlow =
  | 'ALLOW_USER_PASSWORD_AUTH'
  | 'ALLOW_ADMIN_USER_PASSWORD_AUTH'
  | 'ALLOW_REFRESH_TOKEN_AUTH'
  | 'ALLOW_USER_SRP_AUTH'
  | 'ALLOW_CUSTOM_AUTH'
  | 'ALLOW_USER_AUTH'
  /** GetClientToken (machine-to-machine): only alone, and only for a client with a secret. */
  | 'ALLOW_CLIENT_TOKEN_AUTH';

/** Names from before the ALLOW_* flows; Cognito still accepts them (alone) and describes them as given. */
export type LegacyAuthFlow = 'ADMIN_NO_SRP_AUTH' | 'CUSTOM_AUTH_FLOW_ONLY' | 'USER_PASSWORD_AUTH';

export type TimeUnit = 'seconds' | 'minutes' | 'hours' | 'days';

export interface ClientSettings {
  clientName: string;
  /** The flows the client may use (legacy names already mapped to these). */
  explicitAuthFlows: AuthFlow[];
  /** Set when the client was configured with legacy names: DescribeUserPoolClient shows these. */
  legacyAuthFlows?: LegacyAuthFlow[];
  /** Validity of each token, in the given unit (Cognito's TokenValidityUnits). */
  accessTokenValidity: number;
  idTokenValidity: number;
  refreshTokenValidity: number;
  tokenValidityUnits: { accessToken: TimeUnit; idToken: TimeUnit; refreshToken: TimeUnit };
  /** Attributes the client may read / write; empty means all. */
  readAttributes: string[];
  writeAttributes: string[];
  preventUserExistenceErrors: 'ENABLED' | 'LEGACY';
  enableTokenRevocation: boolean;
  /** Refresh-token rotation: each use returns a new refresh token; reuse of an old one revokes the family. */
  refreshTokenRotation: { feature: 'ENABLED' | 'DISABLED'; retryGracePeriodSeconds: number };
  authSessionValidity: number;
  callbackURLs: string[];
  logoutURLs: string[];
  defaultRedirectURI?: string;
  allowedOAuthFlows: Array<'code' | 'implicit' | 'client_credentials'>;
  allowedOAuthScopes: string[];
  allowedOAuthFlowsUserPoolClient: boolean;
  supportedIdentityProviders: string[];
}

export type UserPoolClientCreated = {
  type: 'UserPoolClientCreated';
  data: ClientSettings & {
    clientId: string;
    poolId: string;
    /** Present when the client has a secret; AES-GCM under the master key (Describe returns it, SECRET_HASH needs it). */
    encryptedSecret?: string;
    createdAt: string;
  };
};

export type UserPoolClientUpdated = {
  type: 'UserPoolClientUpdated';
  data: ClientSettings & { updatedAt: string };
};

export type UserPoolClientDeleted = { type: 'UserPoolClientDeleted'; data: { deletedAt: string } };

export type ClientEvent = UserPoolClientCreated | UserPoolClientUpdated | UserPoolClientDeleted | ClientSecretEvent;

export const clientStream = (clientId: string) => `client-${clientId}`;
