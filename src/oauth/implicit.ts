import type { CommandBus } from '@nestjs/cqrs';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { ExchangeAuthorizationCodeCommand } from '../auth/oauth/oauth.use-cases.js';
import type { OAuthArtifacts } from './artifacts.js';
import { requestContext } from './context.js';

/** Whether the authorization request being handled arrived as Cognito's implicit grant. */
export const isImplicit = (ctx: KoaContextWithOIDC) => (ctx.oidc?.params as Record<string, unknown> | undefined)?.cairn_implicit === '1';

/**
 * Cognito's implicit grant (`response_type=token`: access token, and an ID token with `openid`,
 * in the fragment) is one response type node-oidc-provider refuses to configure (OAuth 2.1
 * dropped it). So it is carried as a code request: the request is rewritten on the way in
 * (`response_type=code`, marked), the library does everything it does for codes (client,
 * redirect URI, scopes, login, state and nonce), and on the way out the one-time code it
 * issued is consumed here at once and the redirect carries the tokens in the fragment instead.
 */
export function installImplicit(provider: Provider, poolId: string, commands: CommandBus, artifacts: OAuthArtifacts): void {
  provider.use(async (ctx, next) => {
    if (ctx.path === '/oauth2/authorize' && ctx.query.response_type === 'token') {
      // The library finds its mount path (`/auth/<domain>`) as the part of the raw request's
      // originalUrl before its url: rewrite both, or the login's resume URL loses the prefix.
      const raw = ctx.req as typeof ctx.req & { originalUrl?: string };
      const before = raw.url ?? '';
      const mountPath = raw.originalUrl?.endsWith(before) ? raw.originalUrl.slice(0, raw.originalUrl.length - before.length) : '';
      ctx.querystring = new URLSearchParams({
        ...(ctx.query as Record<string, string>),
        response_type: 'code',
        response_mode: 'query',
        cairn_implicit: '1',
      }).toString();
      if (raw.originalUrl !== undefined) raw.originalUrl = mountPath + (raw.url ?? '');
    }
    await next();
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    if (ctx.status !== 303 || !ctx.response.get('location') || !isImplicit(oidcCtx)) return;
    // Only the redirect back to the client carries the grant's answer; the library's relative
    // redirects (to the interaction, the hosted sign-in page) pass unchanged.
    const location = URL.parse(ctx.response.get('location'));
    const redirectUri = URL.parse(String((oidcCtx.oidc?.params as Record<string, unknown> | undefined)?.redirect_uri ?? ''));
    if (!location || !redirectUri || location.origin !== redirectUri.origin || location.pathname !== redirectUri.pathname) return;
    if (!location.searchParams.has('code') && !location.searchParams.has('error')) return;
    const code = location.searchParams.get('code');
    const state = location.searchParams.get('state');
    const fragment = new URLSearchParams();
    if (code) {
      const issued = await provider.AuthorizationCode.find(code);
      if (!issued || !(await artifacts.consume('AuthorizationCode', code))) return ctx.throw(500);
      const tokens = await commands.execute(
        new ExchangeAuthorizationCodeCommand(
          {
            poolId,
            clientId: issued.clientId!,
            sub: issued.accountId!,
            scope: issued.scope ?? '',
            nonce: issued.nonce,
            authTime: issued.authTime ?? 0,
            grantType: 'implicit',
          },
          requestContext(),
        ),
      );
      if (tokens.id_token) fragment.set('id_token', tokens.id_token);
      fragment.set('access_token', tokens.access_token);
      fragment.set('token_type', tokens.token_type);
      fragment.set('expires_in', String(tokens.expires_in));
    } else {
      for (const name of ['error', 'error_description']) if (location.searchParams.has(name)) fragment.set(name, location.searchParams.get(name)!);
    }
    if (state) fragment.set('state', state);
    for (const name of ['code', 'state', 'error', 'error_description', 'iss']) location.searchParams.delete(name);
    location.hash = fragment.toString();
    ctx.redirect(location.href);
    ctx.status = 303;
  });
}
