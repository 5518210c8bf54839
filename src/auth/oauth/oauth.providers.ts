import type { Provider } from '@nestjs/common';
import { AdminTokens } from './admin-tokens.js';
import { HOSTED_SIGN_IN_HANDLERS } from './hosted-sign-in.use-cases.js';
import { OAuthTokenSigner } from './oauth-token-signer.js';
import { GetClientTokenHandler } from './client-token.js';
import { OAUTH_USE_CASE_HANDLERS } from './oauth.use-cases.js';

/** The auth context's OAuth part: token signing in Cognito's formats, the grants' use cases, the hosted pages' sign-in, admin tokens. */
export const AUTH_OAUTH_PROVIDERS: Provider[] = [OAuthTokenSigner, AdminTokens, ...OAUTH_USE_CASE_HANDLERS, ...HOSTED_SIGN_IN_HANDLERS, GetClientTokenHandler];
