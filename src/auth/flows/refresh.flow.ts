import { RefreshTokens } from '../tokens/refresh.js';
import type { SignInServices } from '../sign-in-services.js';
import type { AuthFlowHandler, SignInAnswer, SignInRequest } from './flow.js';

/**
 * REFRESH_TOKEN_AUTH / REFRESH_TOKEN: new ID and access tokens for a sign-in's refresh token.
 * SECRET_HASH (when the client has a secret) may name the user by username or sub.
 */
async function refreshSignIn(request: SignInRequest, s: SignInServices): Promise<SignInAnswer> {
  const { caller, parameters } = request;
  const tokens = await new RefreshTokens(s).use({
    caller,
    refreshToken: parameters.REFRESH_TOKEN,
    context: request.context,
    beforeUse: (user) => caller.checkSecretHash([parameters.USERNAME ?? '', user.username, user.sub], parameters.SECRET_HASH),
  });
  return { AuthenticationResult: tokens, ChallengeParameters: {} };
}

export const refreshTokenAuth: AuthFlowHandler = {
  clientFlow: 'ALLOW_REFRESH_TOKEN_AUTH',
  clientFlowName: 'REFRESH_TOKEN_AUTH',
  surfaces: ['public', 'admin'],
  run: refreshSignIn,
};
