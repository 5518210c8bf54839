import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CompleteOidcFederationCommand, StartFederationCommand } from '../auth/federation/oidc-federation.use-cases.js';
import { renderErrorPage } from '../hosted-pages/error-page.js';
import { DomainError } from '../shared/domain-error.js';
import { LOG, type Log, SETTINGS, type ServiceSettings } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { DescribeUserPoolDomainQuery, type DomainView, domainBasePath } from '../user-pools/oauth/domain.use-cases.js';
import { contextOf, type AuthenticatedRequest } from '../api/rest/request-context.js';
import { asksForExternalIdp, federationParams, finishFederatedError, finishFederatedLogin } from './federation-finish.js';
import { PoolProviders } from './pool-providers.js';

/**
 * The OIDC side of user-pool federation on each pool domain:
 * - `/oauth2/federate?i=<uid>`: where an authorization request with `identity_provider` or
 *   `idp_identifier` lands (the provider's interaction URL): the IdP's authorization endpoint
 *   for OIDC and the social presets, `/saml2/authorize` for SAML;
 * - `/oauth2/idpresponse`: the IdP's answer (Cognito's redirect URI for IdPs), which ends the
 *   authorization request with the federated login, or with an error at the app's callback.
 */
@Injectable()
export class FederationRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly providers: PoolProviders,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Inject(LOG) private readonly log: Log,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 65536 }, (_request, body, done) => done(null, body));
      scope.get('/auth/:domain/oauth2/federate', (request, reply) => this.federate(request, reply));
      // form_post (POST) as well as query (GET) responses.
      scope.route({ method: ['GET', 'POST'], url: '/auth/:domain/oauth2/idpresponse', handler: (request, reply) => this.idpResponse(request, reply) });
    });
  }

  private context(request: FastifyRequest): RequestContext {
    return contextOf(request as AuthenticatedRequest);
  }

  private async domain(request: FastifyRequest): Promise<DomainView | undefined> {
    const name = String((request.params as { domain?: string }).domain ?? '').toLowerCase();
    return this.queries.execute(new DescribeUserPoolDomainQuery({ domain: name }, this.context(request))).catch(() => undefined);
  }

  private failPage(request: FastifyRequest, reply: FastifyReply, domain: DomainView | undefined, description: string, status = 400): void {
    if (!domain) {
      void reply
        .status(404)
        .header('content-type', 'application/json')
        .send(JSON.stringify({ error: 'invalid_request', error_description: 'unknown domain' }));
      return;
    }
    reply.hijack();
    const ctx = this.providers.for(domain).createContext(request.raw, reply.raw as ServerResponse);
    renderErrorPage(ctx as never, { error: 'invalid_request', error_description: description });
    reply.raw.writeHead(status, Object.fromEntries(Object.entries(ctx.response.headers).map(([k, v]) => [k, String(v)])));
    reply.raw.end(ctx.body as string);
  }

  private async federate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.failPage(request, reply, domain, 'unknown domain');
    const provider = this.providers.for(domain);
    const basePath = domainBasePath(domain.domain);
    const uid = String((request.query as Record<string, unknown>).i ?? '');
    const interaction = uid ? await provider.Interaction.find(uid) : undefined;
    const clientId = interaction?.params.client_id;
    if (!interaction || typeof clientId !== 'string') return this.failPage(request, reply, domain, 'the authorization request is unknown or has expired');
    // The request's own IdP parameters; without them, the one a federation-only client's sign-in page picked.
    const asked = federationParams(
      asksForExternalIdp(interaction.params) ? interaction.params : { identity_provider: (request.query as Record<string, unknown>).identity_provider },
    );
    try {
      const next = await this.commands.execute(
        new StartFederationCommand(
          { poolId: domain.poolId, clientId, uid, redirectUri: `${this.settings.publicBaseUrl}${basePath}/oauth2/idpresponse`, ...asked },
          this.context(request),
        ),
      );
      if (next.protocol === 'SAML') {
        return void reply.redirect(`${basePath}/saml2/authorize?${new URLSearchParams({ i: uid, provider: next.providerName }).toString()}`, 302);
      }
      void reply.header('cache-control', 'no-store').redirect(next.location, 302);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // The app hears why at its callback (an unknown or unsupported provider), as an OAuth error.
      const location = await finishFederatedError(provider, uid, 'invalid_request', error.message).catch(() => undefined);
      if (!location) return this.failPage(request, reply, domain, error.message);
      void reply.redirect(location, 303);
    }
  }

  private async idpResponse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.failPage(request, reply, domain, 'unknown domain');
    const given: Record<string, unknown> =
      request.method === 'POST'
        ? Object.fromEntries(new URLSearchParams(typeof request.body === 'string' ? request.body : ''))
        : (request.query as Record<string, unknown>);
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    let answer;
    try {
      answer = await this.commands.execute(
        new CompleteOidcFederationCommand(
          {
            state: text(given.state) ?? '',
            ...(text(given.code) ? { code: text(given.code) } : {}),
            ...(text(given.error) ? { error: text(given.error) } : {}),
            ...(text(given.error_description) ? { errorDescription: text(given.error_description) } : {}),
          },
          this.context(request),
        ),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.failPage(request, reply, domain, error.message);
    }
    const provider = this.providers.for(domain);
    try {
      const location =
        'signedIn' in answer
          ? await finishFederatedLogin(provider, answer.uid, answer.signedIn)
          : await finishFederatedError(provider, answer.uid, answer.error, answer.description);
      if (!('signedIn' in answer)) this.log.info({ clientId: answer.clientId, reason: answer.description }, 'federated sign-in refused');
      void reply.header('cache-control', 'no-store').redirect(location, 303);
    } catch (error) {
      this.failPage(request, reply, domain, (error as Error).message);
    }
  }
}
