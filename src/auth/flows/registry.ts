import type { AuthFlowHandler } from './flow.js';
import { adminUserPasswordAuth, userPasswordAuth } from './password.flow.js';
import { customAuth } from './custom-auth.flow.js';
import { refreshTokenAuth } from './refresh.flow.js';
import { userSrpAuth } from './srp.flow.js';
import { userAuthFlow } from './user-auth.flow.js';

/**
 * The auth-flow registry: AuthFlow name → handler. InitiateAuth and AdminInitiateAuth look the
 * flow up here; a name Cognito knows but this service does not serve yet is absent, and answered
 * as unsupported. A new sign-in factor is a new entry.
 */
export const AUTH_FLOWS: Readonly<Record<string, AuthFlowHandler>> = {
  USER_PASSWORD_AUTH: userPasswordAuth,
  ADMIN_USER_PASSWORD_AUTH: adminUserPasswordAuth,
  // The legacy name of ADMIN_USER_PASSWORD_AUTH.
  ADMIN_NO_SRP_AUTH: adminUserPasswordAuth,
  REFRESH_TOKEN_AUTH: refreshTokenAuth,
  REFRESH_TOKEN: refreshTokenAuth,
  USER_SRP_AUTH: userSrpAuth,
  USER_AUTH: userAuthFlow,
  CUSTOM_AUTH: customAuth,
};

/** Every AuthFlow value Cognito's API defines (AuthFlowType). */
export const COGNITO_AUTH_FLOWS = [
  'USER_SRP_AUTH',
  'REFRESH_TOKEN_AUTH',
  'REFRESH_TOKEN',
  'CUSTOM_AUTH',
  'USER_PASSWORD_AUTH',
  'USER_AUTH',
  'ADMIN_NO_SRP_AUTH',
  'ADMIN_USER_PASSWORD_AUTH',
] as const;
