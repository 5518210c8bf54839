import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';
import { OAuthError } from '../auth/oauth/oauth-errors.js';
import { OAuthUserInfoQuery, RevokeOAuthFamiliesCommand } from '../auth/oauth/oauth.use-cases.js';
import { RevokeTokenCommand } from '../auth/commands/refresh-tokens.js';
import { HostedPages, type PageName } from '../hosted-pages/hosted-pages.js';
import { renderErrorPage } from '../hosted-pages/error-page.js';
import { LOG, type Log } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { DescribeUserPoolClientQuery } from '../user-pools/clients/client.queries.js';
import { DescribeUserPoolDomainQuery, type DomainView, domainBasePath } from '../user-pools/oauth/domain.use-cases.js';
import { PoolCustomScopesQuery } from '../user-pools/oauth/resource-server.use-cases.js';
import { contextOf, type AuthenticatedRequest } from '../api/rest/request-context.js';
import { familyOf, signInAmr } from './accounts.js';
import { PoolProviders } from './pool-providers.js';
import { SamlRoute } from './saml.route.js';
import { oauthRequest } from './request-scope.js';

const PAGES: PageName[] = ['login', 'signup', 'confirmUser', 'forgotPassword', 'confirmForgotPassword'];
/** A domain's pool is looked up at most this often per process (a deleted domain stops answering within it). */
const DOMAIN_CACHE_MS = 2000;

type Raw = IncomingMessage & { originalUrl?: string };

/**
 * The Cognito endpoint set on each pool domain, under `/auth/<domain>`: `/oauth2/authorize` and
 * `/oauth2/token` (node-oidc-provider, mounted here), `/oauth2/userInfo`, `/oauth2/revoke` and
 * `/logout` (Cognito's own shapes, over the auth context's use cases), and the hosted pages.
 * Plain Fastify routes in their own plugin scopes: the library reads its bodies itself, the pages
 * parse their forms.
 */
@Injectable()
export class OAuthRoute implements OnModuleInit {
  private readonly domains = new Map<string, { at: number; domain: Promise<DomainView | undefined> }>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly providers: PoolProviders,
    private readonly pages: HostedPages,
    @Inject(LOG) private readonly log: Log,
    private readonly saml: SamlRoute,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      // The library reads the body itself: leave the stream unread.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      const library = (request: FastifyRequest, reply: FastifyReply) => this.library(request, reply);
      scope.route({ method: ['GET', 'POST'], url: '/auth/:domain/oauth2/authorize', handler: library });
      scope.get('/auth/:domain/oauth2/authorize/:uid', library);
      scope.post('/auth/:domain/oauth2/token', library);
    });
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 65536 }, (_request, body, done) => done(null, body));
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 65536 }, (_request, body, done) => done(null, body));
      for (const path of ['/auth/:domain/oauth2/userInfo', '/auth/:domain/oauth2/userinfo']) {
        scope.route({ method: ['GET', 'POST'], url: path, handler: (request, reply) => this.userInfo(request, reply) });
      }
      scope.post('/auth/:domain/oauth2/revoke', (request, reply) => this.revoke(request, reply));
      scope.get('/auth/:domain/logout', (request, reply) => this.logout(request, reply));
      for (const name of PAGES)
        scope.route({ method: ['GET', 'POST'], url: `/auth/:domain/${name}`, handler: (request, reply) => this.page(name, request, reply) });
    });
  }

  private context(request: FastifyRequest): RequestContext {
    return contextOf(request as AuthenticatedRequest);
  }

  private async domain(request: FastifyRequest): Promise<DomainView | undefined> {
    const name = String((request.params as { domain?: string }).domain ?? '').toLowerCase();
    const cached = this.domains.get(name);
    if (cached && Date.now() - cached.at < DOMAIN_CACHE_MS) return cached.domain;
    const domain = this.queries.execute(new DescribeUserPoolDomainQuery({ domain: name }, this.context(request))).catch(() => undefined);
    this.domains.set(name, { at: Date.now(), domain });
    if (this.domains.size > 10_000) this.domains.clear();
    return domain;
  }

  private notFound(reply: FastifyReply): void {
    void reply
      .status(404)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ error: 'invalid_request', error_description: 'unknown domain' }));
  }

  /** Hands the request to the domain's provider, as if mounted at the domain's path. */
  private async library(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.notFound(reply);
    // The authorization endpoint needs the pool's custom scopes known to the library; the token endpoint does not.
    const authorizing = (request.routeOptions.url ?? '').includes('/oauth2/authorize');
    const scopes = authorizing ? await this.queries.execute(new PoolCustomScopesQuery({ poolId: domain.poolId }, this.context(request))) : undefined;
    const provider = this.providers.for(domain, scopes);
    const raw = request.raw as Raw;
    const basePath = domainBasePath(domain.domain);
    reply.hijack();
    raw.originalUrl = raw.url;
    raw.url = (raw.url ?? '/').slice(basePath.length) || '/';
    const basicAuth = /^basic /i.test(request.headers.authorization ?? '');
    await oauthRequest.run({ context: this.context(request), basicAuth }, () => provider.callback()(raw, reply.raw as ServerResponse));
  }

  private async page(name: PageName, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.notFound(reply);
    const site = { domain, basePath: domainBasePath(domain.domain), provider: this.providers.for(domain), signInAmr };
    await oauthRequest.run({ context: this.context(request), basicAuth: false }, () => this.pages.handle(name, site, request, reply, this.context(request)));
  }

  private oauthFailure(reply: FastifyReply, status: number, error: string, description: string, bearer = false): void {
    if (bearer) void reply.header('www-authenticate', `Bearer error="${error}", error_description="${description.replace(/["\\]/g, '')}"`);
    void reply
      .status(status)
      .header('content-type', 'application/json')
      .header('cache-control', 'no-store')
      .send(JSON.stringify({ error, error_description: description }));
  }

  /** Cognito's userInfo: the access token as a Bearer token (header, or the body of a POST). */
  private async userInfo(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!(await this.domain(request))) return this.notFound(reply);
    const header = request.headers.authorization ?? '';
    const token = /^bearer /i.test(header)
      ? header.slice(7).trim()
      : new URLSearchParams(typeof request.body === 'string' ? request.body : '').get('access_token');
    if (!token) return this.oauthFailure(reply, 401, 'invalid_request', 'no access token', true);
    try {
      const claims = await this.queries.execute(new OAuthUserInfoQuery({ accessToken: token }, this.context(request)));
      void reply.status(200).header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(claims));
    } catch (error) {
      if (error instanceof OAuthError) return this.oauthFailure(reply, 401, 'invalid_token', error.message, true);
      throw error;
    }
  }

  /** Cognito's /oauth2/revoke (RFC 7009): a refresh token, the client authenticated as at the token endpoint. */
  private async revoke(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!(await this.domain(request))) return this.notFound(reply);
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const basic = /^basic /i.test(request.headers.authorization ?? '')
      ? Buffer.from((request.headers.authorization ?? '').slice(6), 'base64').toString()
      : undefined;
    const colon = basic?.indexOf(':') ?? -1;
    const clientId = basic ? decodeURIComponent(basic.slice(0, colon)) : form.get('client_id');
    const clientSecret = basic ? decodeURIComponent(basic.slice(colon + 1)) : (form.get('client_secret') ?? undefined);
    const token = form.get('token');
    if (!clientId) return this.oauthFailure(reply, 401, 'invalid_client', 'no client authentication');
    if (!token) return this.oauthFailure(reply, 400, 'invalid_request', "missing required parameter 'token'");
    if (token.split('.').length === 3) return this.oauthFailure(reply, 400, 'unsupported_token_type', 'only refresh tokens can be revoked');
    try {
      await this.commands.execute(new RevokeTokenCommand({ clientId, clientSecret, token }, this.context(request)));
      void reply.status(200).header('cache-control', 'no-store').send('');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ResourceNotFoundException' || (code === 'NotAuthorizedException' && /secret/i.test(String((error as Error).message)))) {
        return this.oauthFailure(reply, 401, 'invalid_client', 'client authentication failed');
      }
      if (code === 'NotAuthorizedException') return this.oauthFailure(reply, 400, 'unauthorized_client', String((error as Error).message));
      throw error;
    }
  }

  /**
   * Cognito's /logout: `client_id` with a `logout_uri` (or OIDC's `post_logout_redirect_uri`)
   * that is exactly one of the client's sign-out URLs; or `redirect_uri` (+ `response_type`) to
   * sign in again. The login session ends and its sign-in is revoked.
   */
  private async logout(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.notFound(reply);
    const query = request.query as Record<string, string | undefined>;
    const basePath = domainBasePath(domain.domain);
    const hinted = query.id_token_hint
      ? (() => {
          try {
            return decodeJwt(query.id_token_hint).aud;
          } catch {
            return undefined;
          }
        })()
      : undefined;
    const clientId = query.client_id ?? (typeof hinted === 'string' ? hinted : undefined);
    const target = query.logout_uri ?? query.post_logout_redirect_uri;
    const client = clientId
      ? await this.queries.execute(new DescribeUserPoolClientQuery({ poolId: domain.poolId, clientId }, this.context(request))).catch(() => undefined)
      : undefined;
    const provider = this.providers.for(domain);
    const fail = (description: string) => {
      reply.hijack();
      const ctx = provider.createContext(request.raw, reply.raw as ServerResponse);
      renderErrorPage(ctx as never, { error: 'invalid_request', error_description: description });
      reply.raw.writeHead(400, Object.fromEntries(Object.entries(ctx.response.headers).map(([k, v]) => [k, String(v)])));
      reply.raw.end(ctx.body as string);
    };
    if (!client) return fail('unknown client_id');
    let location: string;
    if (target !== undefined) {
      if (!client.logoutURLs.includes(target)) return fail('logout_uri is not one of the client’s sign-out URLs');
      const url = new URL(target);
      if (query.state) url.searchParams.set('state', query.state);
      location = url.href;
    } else if (query.redirect_uri) {
      const search = new URLSearchParams(query as Record<string, string>);
      location = `${basePath}/oauth2/authorize?${search.toString()}`;
    } else return fail("missing required parameter 'logout_uri'");
    reply.hijack();
    const ctx = provider.createContext(request.raw, reply.raw as ServerResponse);
    const session = await provider.Session.get(ctx as never);
    const family = familyOf(session.amr);
    // A sign-in through a SAML IdP with IDPSignout: on to the IdP's single logout first (it comes back to /saml2/logout).
    const idpLogout = family ? await this.saml.idpLogout(domain, family, location, this.context(request)) : undefined;
    if (idpLogout) location = idpLogout;
    if (family) await this.commands.execute(new RevokeOAuthFamiliesCommand({ familyIds: [family] }, this.context(request)));
    if (session.accountId) await session.destroy();
    ctx.cookies.set(provider.cookieName('session'), null, { path: basePath, signed: true } as never);
    reply.raw.statusCode = 302;
    reply.raw.setHeader('location', location);
    reply.raw.setHeader('cache-control', 'no-store');
    reply.raw.end();
    this.log.info({ correlationId: this.context(request).correlationId ?? randomUUID(), clientId }, 'hosted session ended at /logout');
  }
}

export type { Provider };
