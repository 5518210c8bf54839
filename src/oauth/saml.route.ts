import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import {
  ConsumeSamlResponseCommand,
  SamlLogoutMessageCommand,
  type SamlResponseInput,
  SamlResponseRejectedError,
  type SamlSite,
  StartSamlLogoutCommand,
  StartSamlSignInCommand,
} from '../auth/federation/saml/saml.use-cases.js';
import type { FederatedSignInAnswer } from '../auth/federation/federated-sign-in.use-case.js';
import { renderErrorPage } from '../hosted-pages/error-page.js';
import { LOG, type Log, SETTINGS, type ServiceSettings } from '../shared/ports.js';
import type { RequestContext } from '../shared/request-context.js';
import { DescribeUserPoolDomainQuery, type DomainView, domainBasePath } from '../user-pools/oauth/domain.use-cases.js';
import { contextOf, type AuthenticatedRequest } from '../api/rest/request-context.js';
import { signInAmr } from './accounts.js';
import { OAuthArtifacts } from './artifacts.js';
import { finishFederatedLogin } from './federation-finish.js';
import { PoolProviders } from './pool-providers.js';
import { oauthRequest } from './request-scope.js';

/** Cognito accepts SAML responses of up to 100,000 characters. */
const MAX_RESPONSE = 100_000;
/** A pending SAML request lives as long as the authorization request's interaction (one hour). */
const PENDING_TTL_S = 3600;
const TICKET_TTL_S = 120;
const SLO_TTL_S = 600;

const KIND_REQUEST = 'SamlRequest';
const KIND_TICKET = 'SamlTicket';
const KIND_SLO = 'SamlLogout';

/**
 * The pool domain's SAML 2.0 endpoints (the pool is the service provider):
 * - `GET /saml2/authorize?i=<uid>&provider=<name>` (reached from /oauth2/authorize with
 *   identity_provider / idp_identifier naming a SAML provider): the AuthnRequest by HTTP-Redirect,
 *   RelayState = the interaction, its request id kept beside it (durable, any instance);
 * - `POST /saml2/idpresponse` (HTTP-POST binding): the response verified and the user signed in,
 *   then the pending authorization finished (303, so the browser continues with a GET that carries
 *   the library's resume cookie). Unsolicited responses (IDPInit) carry the authorize parameters
 *   in RelayState, as Cognito documents;
 * - `GET /saml2/logout`: the IdP's LogoutResponse after /logout, or its own LogoutRequest.
 * Errors go back to the app's redirect_uri as `error=invalid_request` with the reason when the
 * authorization request is known, else to an error page.
 */
@Injectable()
export class SamlRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly providers: PoolProviders,
    private readonly artifacts: OAuthArtifacts,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Inject(LOG) private readonly log: Log,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 2 * MAX_RESPONSE }, (_r, body, done) => done(null, body));
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 2 * MAX_RESPONSE }, (_r, body, done) => done(null, body));
      scope.get('/auth/:domain/saml2/authorize', (request, reply) => this.authorize(request, reply));
      scope.post('/auth/:domain/saml2/idpresponse', (request, reply) => this.idpResponse(request, reply));
      scope.get('/auth/:domain/saml2/continue', (request, reply) => this.continueUnsolicited(request, reply));
      scope.get('/auth/:domain/saml2/logout', (request, reply) => this.logoutMessage(request, reply));
    });
  }

  private context(request: FastifyRequest): RequestContext {
    return contextOf(request as AuthenticatedRequest);
  }

  private async domain(request: FastifyRequest): Promise<DomainView | undefined> {
    const name = String((request.params as { domain?: string }).domain ?? '').toLowerCase();
    return this.queries.execute(new DescribeUserPoolDomainQuery({ domain: name }, this.context(request))).catch(() => undefined);
  }

  site(domain: DomainView): SamlSite {
    const base = `${this.settings.publicBaseUrl}${domainBasePath(domain.domain)}`;
    return { poolId: domain.poolId, acsUrl: `${base}/saml2/idpresponse`, logoutUrl: `${base}/saml2/logout` };
  }

  private errorPage(request: FastifyRequest, reply: FastifyReply, provider: Provider | undefined, description: string, status = 400): void {
    if (!provider) {
      void reply
        .status(status)
        .header('content-type', 'application/json')
        .send(JSON.stringify({ error: 'invalid_request', error_description: description }));
      return;
    }
    reply.hijack();
    const ctx = provider.createContext(request.raw, reply.raw as ServerResponse);
    renderErrorPage(ctx as never, { error: 'invalid_request', error_description: description });
    reply.raw.writeHead(status, Object.fromEntries(Object.entries(ctx.response.headers).map(([k, v]) => [k, String(v)])));
    reply.raw.end(ctx.body as string);
  }

  /** Back to the app with Cognito's error parameters (the authorization request's redirect_uri and state). */
  private errorToApp(reply: FastifyReply, params: Record<string, unknown>, description: string): void {
    const url = new URL(String(params.redirect_uri));
    url.searchParams.set('error_description', description);
    url.searchParams.set('error', 'invalid_request');
    if (typeof params.state === 'string') url.searchParams.set('state', params.state);
    void reply.header('cache-control', 'no-store').redirect(url.href, 302);
  }

  /** SP-initiated: the AuthnRequest for the pending authorization request `i`. */
  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.errorPage(request, reply, undefined, 'unknown domain', 404);
    const provider = this.providers.for(domain);
    const query = request.query as Record<string, string | undefined>;
    const uid = query.i ?? '';
    const interaction = uid ? await provider.Interaction.find(uid) : undefined;
    if (!interaction || !query.provider) return this.errorPage(request, reply, provider, 'the sign-in request has expired; start again from the app');
    const context = this.context(request);
    try {
      const { url, requestId } = await this.commands.execute(
        new StartSamlSignInCommand({ site: this.site(domain), providerName: query.provider, relayState: uid }, context),
      );
      await this.artifacts.upsert(
        KIND_REQUEST,
        uid,
        { requestId, providerName: query.provider, clientId: String(interaction.params.client_id) },
        PENDING_TTL_S,
      );
      void reply.header('cache-control', 'no-store').redirect(url, 302);
    } catch (error) {
      this.log.info({ err: error, correlationId: context.correlationId }, 'SAML sign-in could not start');
      return this.errorToApp(reply, interaction.params, String((error as Error).message));
    }
  }

  private async idpResponse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.errorPage(request, reply, undefined, 'unknown domain', 404);
    const provider = this.providers.for(domain);
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const samlResponse = form.get('SAMLResponse') ?? '';
    const relayState = form.get('RelayState') ?? form.get('Relaystate') ?? '';
    if (!samlResponse || samlResponse.length > MAX_RESPONSE)
      return this.errorPage(request, reply, provider, 'Invalid samlResponse or relayState from identity provider');
    const context = this.context(request);
    const site = this.site(domain);
    // SP-initiated: RelayState is the pending authorization request.
    const pending = relayState && !relayState.includes('=') ? await this.artifacts.find(KIND_REQUEST, relayState) : undefined;
    const interaction = pending ? await provider.Interaction.find(relayState) : undefined;
    if (pending && interaction) {
      const input: SamlResponseInput = {
        site,
        samlResponse,
        clientId: String(pending.clientId),
        initiatedBy: 'SP',
        providerName: String(pending.providerName),
        requestId: String(pending.requestId),
      };
      let answer: FederatedSignInAnswer;
      try {
        answer = await oauthRequest.run({ context, basicAuth: false }, () => this.commands.execute(new ConsumeSamlResponseCommand(input, context)));
      } catch (error) {
        return this.refused(reply, interaction.params, error, context);
      }
      await this.artifacts.destroy(KIND_REQUEST, relayState);
      return this.finish(reply, provider, relayState, answer);
    }
    // IdP-initiated: RelayState holds the authorize parameters.
    const params = Object.fromEntries(new URLSearchParams(relayState));
    if (!params.client_id || !params.redirect_uri) return this.errorPage(request, reply, provider, 'Invalid samlResponse or relayState from identity provider');
    let answer: FederatedSignInAnswer;
    try {
      answer = await this.commands.execute(
        new ConsumeSamlResponseCommand(
          {
            site,
            samlResponse,
            clientId: params.client_id,
            initiatedBy: 'IDP',
            identityProvider: params.identity_provider,
            idpIdentifier: params.idp_identifier,
          },
          context,
        ),
      );
    } catch (error) {
      if (error instanceof SamlResponseRejectedError || (error as { code?: string }).code) {
        this.log.info({ err: error, correlationId: context.correlationId }, 'unsolicited SAML response refused');
        return this.errorPage(request, reply, provider, String((error as Error).message));
      }
      throw error;
    }
    // The authorization request is made now, in the user's browser, with a login session of this sign-in (see continueUnsolicited).
    const ticket = randomBytes(24).toString('base64url');
    const { identity_provider: _p, idp_identifier: _i, ...authorize } = params;
    await this.artifacts.upsert(KIND_TICKET, ticket, { sub: answer.sub, familyId: answer.familyId, authTime: answer.authTime, authorize }, TICKET_TTL_S);
    void reply.header('cache-control', 'no-store').redirect(`${domainBasePath(domain.domain)}/saml2/continue?t=${ticket}`, 303);
  }

  private refused(reply: FastifyReply, params: Record<string, unknown>, error: unknown, context: RequestContext): void {
    const code = (error as { code?: string }).code;
    if (!code) throw error;
    this.log.info({ err: error, correlationId: context.correlationId }, 'SAML response refused');
    return this.errorToApp(reply, params, String((error as Error).message));
  }

  /** The pending authorization request ends with this login (no cookie needed: the POST may be cross-site). */
  private async finish(reply: FastifyReply, provider: Provider, uid: string, answer: FederatedSignInAnswer): Promise<void> {
    if (!(await provider.Interaction.find(uid))) return this.errorToApp(reply, {}, 'the sign-in request has expired');
    void reply.header('cache-control', 'no-store').redirect(await finishFederatedLogin(provider, uid, answer), 303);
  }

  /** IdP-initiated, second leg (a GET, so cookies are first-party): a login session for the sign-in, then /oauth2/authorize with RelayState's parameters. */
  private async continueUnsolicited(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.errorPage(request, reply, undefined, 'unknown domain', 404);
    const provider = this.providers.for(domain);
    const ticket = String((request.query as { t?: string }).t ?? '');
    const record = ticket ? await this.artifacts.find(KIND_TICKET, ticket) : undefined;
    if (!record || !(await this.artifacts.consume(KIND_TICKET, ticket)))
      return this.errorPage(request, reply, provider, 'the sign-in has expired; start again');
    const basePath = domainBasePath(domain.domain);
    reply.hijack();
    const ctx = provider.createContext(request.raw, reply.raw as ServerResponse);
    const session = await provider.Session.get(ctx as never);
    session.loginAccount({ accountId: String(record.sub), loginTs: Number(record.authTime), amr: [signInAmr(String(record.familyId))] });
    await session.save(3600);
    ctx.cookies.set(provider.cookieName('session'), (session as unknown as { id: string }).id, {
      httpOnly: true,
      sameSite: 'lax',
      path: basePath,
      signed: true,
    } as never);
    const search = new URLSearchParams(record.authorize as Record<string, string>);
    reply.raw.statusCode = 302;
    reply.raw.setHeader('location', `${basePath}/oauth2/authorize?${search.toString()}`);
    reply.raw.setHeader('cache-control', 'no-store');
    reply.raw.end();
  }

  /**
   * For /logout: when the ending sign-in came through a SAML IdP with IDPSignout, the URL of the
   * LogoutRequest to send the browser to (the final destination kept for /saml2/logout).
   */
  async idpLogout(domain: DomainView, familyId: string, location: string, context: RequestContext): Promise<string | undefined> {
    const relayState = randomBytes(24).toString('base64url');
    const { url } = await this.commands.execute(new StartSamlLogoutCommand({ site: this.site(domain), familyId, relayState }, context));
    if (!url) return undefined;
    await this.artifacts.upsert(KIND_SLO, relayState, { location }, SLO_TTL_S);
    return url;
  }

  private async logoutMessage(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const domain = await this.domain(request);
    if (!domain) return this.errorPage(request, reply, undefined, 'unknown domain', 404);
    const provider = this.providers.for(domain);
    const query = request.query as Record<string, string>;
    const rawQuery = (request.raw.url ?? '').split('?')[1] ?? '';
    const context = this.context(request);
    let outcome;
    try {
      outcome = await this.commands.execute(new SamlLogoutMessageCommand({ site: this.site(domain), query, rawQuery }, context));
    } catch (error) {
      if (!(error as { code?: string }).code) throw error;
      return this.errorPage(request, reply, provider, String((error as Error).message));
    }
    if (outcome.kind === 'response') {
      const record = outcome.relayState ? await this.artifacts.find(KIND_SLO, outcome.relayState) : undefined;
      if (!record || !(await this.artifacts.consume(KIND_SLO, outcome.relayState!)))
        return this.errorPage(request, reply, provider, 'the sign-out has expired');
      return void reply.header('cache-control', 'no-store').redirect(String(record.location), 302);
    }
    // IdP-initiated: the browser's login session here ends too, then back to the IdP with our LogoutResponse.
    reply.hijack();
    const ctx = provider.createContext(request.raw, reply.raw as ServerResponse);
    const session = await provider.Session.get(ctx as never);
    if (session.accountId) await session.destroy();
    ctx.cookies.set(provider.cookieName('session'), null, { path: domainBasePath(domain.domain), signed: true } as never);
    reply.raw.statusCode = 302;
    reply.raw.setHeader('location', outcome.url);
    reply.raw.setHeader('cache-control', 'no-store');
    reply.raw.end();
  }
}
