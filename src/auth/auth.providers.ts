import type { Provider } from '@nestjs/common';
import { ACCESS_TOKENS } from '../user-pools/access-token.port.js';
import { AccessTokens } from './access-tokens.js';
import { InitiateAuthHandler } from './commands/initiate-auth.js';
import { DEVICE_PROVIDERS } from './devices/device.use-cases.js';
import { Devices } from './devices/devices.js';
import { MfaCodes } from './mfa/mfa-codes.js';
import { GetUserPoolMfaConfigHandler, SetUserPoolMfaConfigHandler } from './mfa/pool-mfa-config.js';
import { AssociateSoftwareTokenHandler, SetMfaPreferenceHandler, VerifySoftwareTokenHandler } from './mfa/mfa.use-cases.js';
import { GetTokensFromRefreshTokenHandler, RevokeTokenHandler } from './commands/refresh-tokens.js';
import { RespondToAuthChallengeHandler } from './commands/respond-to-auth-challenge.js';
import { ListUserAuthEventsHandler } from './queries/auth-events.js';
import { SESSION_PROVIDERS } from './sessions/session.use-cases.js';
import { SignInGuard } from './sign-in-guard.js';
import { SignInServices } from './sign-in-services.js';
import { SignInRisk } from './risk/sign-in-risk.js';
import { FEEDBACK_HANDLERS } from './risk/feedback.use-cases.js';
import { AdminDeleteSoftwareTokenHandler } from './mfa/admin-delete-software-token.js';
import { SignInSessions } from './sign-in-sessions.js';
import { RefreshTokens } from './tokens/refresh.js';
import { TokenIssuer } from './tokens/token-issuer.js';
import { PASSKEY_PROVIDERS } from './webauthn/passkey.use-cases.js';
import { FEDERATION_PROVIDERS } from './federation/federation.providers.js';
import { SAML_PROVIDERS } from './federation/saml/saml.providers.js';

/** The auth context: sign-in services, the access-token verifier the user-pools context asks for, one handler per operation. */
export const AUTH_PROVIDERS: Provider[] = [
  SignInServices,
  SignInRisk,
  ...FEEDBACK_HANDLERS,
  MfaCodes,
  Devices,
  SignInGuard,
  SignInSessions,
  TokenIssuer,
  RefreshTokens,
  AccessTokens,
  { provide: ACCESS_TOKENS, useExisting: AccessTokens },
  InitiateAuthHandler,
  RespondToAuthChallengeHandler,
  GetTokensFromRefreshTokenHandler,
  RevokeTokenHandler,
  ListUserAuthEventsHandler,
  ...SESSION_PROVIDERS,
  AssociateSoftwareTokenHandler,
  VerifySoftwareTokenHandler,
  SetMfaPreferenceHandler,
  AdminDeleteSoftwareTokenHandler,
  SetUserPoolMfaConfigHandler,
  GetUserPoolMfaConfigHandler,
  ...DEVICE_PROVIDERS,
  ...PASSKEY_PROVIDERS,
  ...FEDERATION_PROVIDERS,
  ...SAML_PROVIDERS,
];
