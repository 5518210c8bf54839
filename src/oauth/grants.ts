import { createHash, timingSafeEqual } from 'node:crypto';
import type { CommandBus } from '@nestjs/cqrs';
import { errors, type KoaContextWithOIDC, type Provider } from 'oidc-provider';
import { OAuthError } from '../auth/oauth/oauth-errors.js';
import { ClientCredentialsCommand, ExchangeAuthorizationCodeCommand, OAuthRefreshCommand, RevokeOAuthFamiliesCommand } from '../auth/oauth/oauth.use-cases.js';
import type { OAuthTokenResponse } from '../auth/oauth/oauth-token-signer.js';
import { DomainError } from '../shared/domain-error.js';
import type { OAuthArtifacts } from './artifacts.js';
import { requestContext } from './context.js';

/** A use case's typed refusal as the token endpoint's RFC 6749 error; anything else stays a server_error. */
export function oauthError(error: unknown): unknown {
  if (error instanceof OAuthError) {
    switch (error.code) {
      case 'invalid_scope':
        return new errors.InvalidScope(error.message, '');
      case 'unauthorized_client':
        return new errors.UnauthorizedClient(error.message);
      case 'invalid_request':
        return new errors.InvalidRequest(error.message);
      default:
        return new errors.InvalidGrant(error.message);
    }
  }
  if (error instanceof DomainError) return new errors.InvalidGrant(error.message);
  return error;
}

const run = async <T>(work: Promise<T>): Promise<T> => {
  try {
    return await work;
  } catch (error) {
    throw oauthError(error);
  }
};

/** PKCE (RFC 7636, S256 only): a code bound to a challenge needs the matching verifier, and a verifier needs a challenge. */
function checkPkce(verifier: string | undefined, challenge: string | undefined): void {
  if (!verifier && !challenge) return;
  if (!verifier) throw new errors.InvalidGrant('code_verifier must be provided');
  if (!/^[\w.~-]{43,128}$/.test(verifier)) throw new errors.InvalidGrant('code_verifier is invalid');
  const expected = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const given = Buffer.from(challenge ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new errors.InvalidGrant('code_verifier does not match code_challenge');
}

const body = (tokens: OAuthTokenResponse) => ({
  ...(tokens.id_token ? { id_token: tokens.id_token } : {}),
  access_token: tokens.access_token,
  ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
  expires_in: tokens.expires_in,
  token_type: tokens.token_type,
});

/**
 * The token endpoint's grants. The library authenticates the client (client_secret_basic or
 * _post, or none for public clients), checks the grant type is the client's, parses and limits
 * the parameters and formats every error; these handlers are the grants themselves, as straight
 * runs of guard clauses, minting through the auth context's use cases so the tokens are the API's
 * (same issuer, kid, claims, refresh-token families).
 */
export function registerGrants(provider: Provider, poolId: string, commands: CommandBus, artifacts: OAuthArtifacts): void {
  provider.registerGrantType(
    'authorization_code',
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      const client = ctx.oidc.client!;
      if (!params.code) throw new errors.InvalidRequest("missing required parameter 'code'");
      if (!params.redirect_uri) throw new errors.InvalidRequest("missing required parameter 'redirect_uri'");
      const code = await provider.AuthorizationCode.find(params.code, { ignoreExpiration: true });
      if (!code) throw new errors.InvalidGrant('authorization code not found');
      if (code.clientId !== client.clientId) throw new errors.InvalidGrant('client mismatch');
      if (code.isExpired) throw new errors.InvalidGrant('authorization code is expired');
      checkPkce(params.code_verifier, code.codeChallenge);
      if (code.redirectUri !== params.redirect_uri) throw new errors.InvalidGrant('authorization code redirect_uri mismatch');
      // Single use: exactly one exchange consumes the code; a second one revokes what the first got.
      if (!(await artifacts.consume('AuthorizationCode', params.code))) {
        const stored = await artifacts.find('AuthorizationCode', params.code);
        const familyIds = Array.isArray(stored?.familyIds) ? (stored.familyIds as string[]) : [];
        await commands.execute(new RevokeOAuthFamiliesCommand({ clientId: client.clientId, familyIds }, requestContext()));
        throw new errors.InvalidGrant('authorization code already consumed');
      }
      const tokens = await run(
        commands.execute(
          new ExchangeAuthorizationCodeCommand(
            {
              poolId,
              clientId: client.clientId,
              sub: code.accountId!,
              scope: code.scope ?? '',
              nonce: code.nonce,
              authTime: code.authTime ?? Math.floor(Date.now() / 1000),
            },
            requestContext(),
          ),
        ),
      );
      await artifacts.annotate('AuthorizationCode', params.code, { familyIds: [tokens.familyId] });
      ctx.body = body(tokens);
    },
    ['code', 'code_verifier', 'redirect_uri'],
  );

  provider.registerGrantType(
    'refresh_token',
    async (ctx: KoaContextWithOIDC) => {
      const refreshToken = (ctx.oidc.params as Record<string, string | undefined>).refresh_token;
      if (!refreshToken) throw new errors.InvalidRequest("missing required parameter 'refresh_token'");
      ctx.body = body(await run(commands.execute(new OAuthRefreshCommand({ clientId: ctx.oidc.client!.clientId, refreshToken }, requestContext()))));
    },
    ['refresh_token', 'scope'],
  );

  provider.registerGrantType(
    'client_credentials',
    async (ctx: KoaContextWithOIDC) => {
      const scope = (ctx.oidc.params as Record<string, string | undefined>).scope;
      ctx.body = body(await run(commands.execute(new ClientCredentialsCommand({ clientId: ctx.oidc.client!.clientId, scope }, requestContext()))));
    },
    ['scope'],
  );
}
