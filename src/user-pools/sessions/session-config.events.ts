/**
 * A pool's session settings (Set/GetUserPoolSessionConfiguration and the client-level
 * Set/GetUserPoolClientSessionConfiguration) on their own stream, `sessionconfig-<poolId>`.
 * Sessions themselves are the refresh-token families (`refresh-<familyId>`, auth context).
 */
export type UserSessionTracking = 'ENABLED' | 'DISABLED';

export type UserPoolSessionConfigurationSet = {
  type: 'UserPoolSessionConfigurationSet';
  data: { poolId: string; userSessionTracking: UserSessionTracking; maxPerUser: number; at: string };
};

export type UserPoolClientSessionConfigurationSet = {
  type: 'UserPoolClientSessionConfigurationSet';
  /** SSOSession.MaxValidityMinutes: how long the client silently reuses a managed-login session. */
  data: { poolId: string; clientId: string; maxValidityMinutes: number; at: string };
};

export type SessionConfigEvent = UserPoolSessionConfigurationSet | UserPoolClientSessionConfigurationSet;

export const sessionConfigStream = (poolId: string) => `sessionconfig-${poolId}`;
