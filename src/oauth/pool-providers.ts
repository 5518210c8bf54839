import { generateKeyPairSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { OAuthAccountQuery, AuthorizationScopesQuery } from '../auth/oauth/oauth.use-cases.js';
import type { Secrets } from '../crypto/secrets.js';
import { renderErrorPage } from '../hosted-pages/error-page.js';
import { SECRETS, SETTINGS, type ServiceSettings } from '../shared/ports.js';
import { DescribeUserPoolClientQuery } from '../user-pools/clients/client.queries.js';
import { STANDARD_SCOPES } from '../user-pools/clients/client-oauth.js';
import { type DomainView, domainBasePath } from '../user-pools/oauth/domain.use-cases.js';
import { familyOf } from './accounts.js';
import { OAuthArtifacts } from './artifacts.js';
import { clientMetadata } from './client-metadata.js';
import { asksForExternalIdp, installFederationPrompt } from './federation-finish.js';
import { requestContext } from './context.js';
import { oauthError, registerGrants } from './grants.js';
import { installImplicit, isImplicit } from './implicit.js';
import { oauthRequest } from './request-scope.js';

/** Cognito's lifetimes: codes 5 minutes; the managed-login session (and its interactions) one hour. */
const TTL = { AuthorizationCode: 300, Interaction: 3600, Session: 3600, Grant: 3600 };

// The library wants a signing key of its own; it never signs anything a client sees (tokens are
// the KeyRing's), so one key made at start is enough.
const PROVIDER_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

/**
 * One OpenID Provider (node-oidc-provider) per user pool and domain, made on first use: issuer
 * `<base-url>/<poolId>`, mounted at the domain's path. The library runs the authorization
 * endpoint (request validation, redirect URIs, PKCE, state and nonce, prompt and max_age, login
 * sessions, interactions) and the token endpoint's framing (client authentication, grant types,
 * errors); findAccount reads the user through the bus, the grants mint through the auth
 * context's use cases, the interactions are the hosted pages.
 */
@Injectable()
export class PoolProviders {
  private readonly providers = new Map<string, Provider>();

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly artifacts: OAuthArtifacts,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  private readonly latest = new Map<string, Provider>();

  /**
   * The provider for a domain with the pool's custom scopes known to it (the library keeps only
   * the scopes it was configured with: a new resource-server scope means a new instance; all
   * instances share their state through the adapter). Without `customScopes`, the last one built.
   */
  for(domain: DomainView, customScopes?: readonly string[]): Provider {
    const base = `${domain.poolId}/${domain.domain}`;
    if (!customScopes) {
      const latest = this.latest.get(base);
      if (latest) return latest;
      customScopes = [];
    }
    const key = `${base}/${customScopes.join(' ')}`;
    let provider = this.providers.get(key);
    if (!provider) {
      if (this.providers.size > 200) this.providers.clear();
      provider = this.build(domain, customScopes);
      this.providers.set(key, provider);
    }
    this.latest.set(base, provider);
    return provider;
  }

  private build(domain: DomainView, customScopes: readonly string[]): Provider {
    const { poolId } = domain;
    const basePath = domainBasePath(domain.domain);
    const queries = this.queries;
    const artifacts = this.artifacts;
    const cookie = { httpOnly: true, sameSite: 'lax' as const, path: basePath };
    const configuration: Configuration = {
      adapter: (name: string) =>
        name === 'Client'
          ? {
              ...artifacts.adapterFor(name),
              find: async (clientId: string) => {
                const client = await queries.execute(new DescribeUserPoolClientQuery({ poolId, clientId }, requestContext())).catch(() => undefined);
                return client ? clientMetadata(client, oauthRequest.getStore()?.basicAuth ?? false) : undefined;
              },
            }
          : artifacts.adapterFor(name),
      findAccount: async (ctx, id, token) => {
        // The login session's sign-in (at the authorization endpoint); a code is checked at exchange.
        const amr = token ? undefined : ctx.oidc.session?.amr;
        const account = await queries.execute(new OAuthAccountQuery({ poolId, sub: id, sessionFamilyId: familyOf(amr) }, requestContext()));
        return account ? { accountId: id, claims: () => ({ sub: account.sub }) } : undefined;
      },
      // Cognito asks for no consent: what the client may have (checked below) is granted.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const oidc = ctx.oidc;
        const client = oidc.client!;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(client.clientId);
        const grant =
          (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ??
          new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
        if (oidc.params?.scope) grant.addOIDCScope(String(oidc.params.scope));
        await grant.save();
        return grant;
      },
      extraParams: {
        // Runs after the redirect URI is known good, so its errors go back to the client.
        async cairn_scopes(ctx: KoaContextWithOIDC) {
          const params = ctx.oidc.params as Record<string, unknown>;
          // As asked (the library has dropped scopes it does not know by now; Cognito refuses them).
          const asked = typeof ctx.query.scope === 'string' ? ctx.query.scope : (params.scope as string | undefined);
          const scope = await queries
            .execute(new AuthorizationScopesQuery({ clientId: ctx.oidc.client!.clientId, scope: asked }, requestContext()))
            .catch((e: unknown) => {
              throw oauthError(e);
            });
          params.scope = scope;
          // Which flows the client has (the library sees every user flow as code: see implicit.ts).
          const client = ctx.oidc.client as unknown as { cairnImplicit?: boolean; cairnCode?: boolean; ['cairn_implicit']?: boolean; ['cairn_code']?: boolean };
          const allowed = isImplicit(ctx) ? (client.cairn_implicit ?? client.cairnImplicit) : (client.cairn_code ?? client.cairnCode);
          if (!allowed) throw new errors.UnauthorizedClient(`the client may not use response_type=${isImplicit(ctx) ? 'token' : 'code'}`);
        },
        cairn_implicit: () => undefined,
        // Cognito's federation parameters: the request goes to that IdP instead of the login page.
        identity_provider: () => undefined,
        idp_identifier: () => undefined,
      },
      interactions: {
        url: (_ctx, interaction) =>
          asksForExternalIdp(interaction.params)
            ? `${basePath}/oauth2/federate?i=${encodeURIComponent(interaction.uid)}`
            : `${basePath}/login?i=${encodeURIComponent(interaction.uid)}`,
      },
      renderError: (ctx, out) => renderErrorPage(ctx, out),
      cookies: {
        names: { session: 'cairn_session', interaction: 'cairn_interaction', resume: 'cairn_resume' },
        long: cookie,
        short: cookie,
        keys: [this.secrets.uniqueValue('oauth-cookie-key', poolId)],
      },
      features: {
        devInteractions: { enabled: false },
        userinfo: { enabled: false },
        revocation: { enabled: false },
        introspection: { enabled: false },
        rpInitiatedLogout: { enabled: false },
        clientCredentials: { enabled: true },
      },
      responseTypes: ['code'],
      // S256 only; public clients must use it (implicit requests have none: see implicit.ts).
      pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' && !isImplicit(ctx) },
      routes: { authorization: '/oauth2/authorize', token: '/oauth2/token', jwks: '/oauth2/provider-keys' },
      scopes: [...STANDARD_SCOPES, ...customScopes],
      ttl: TTL,
      issueRefreshToken: async () => true,
      allowOmittingSingleRegisteredRedirectUri: false,
      conformIdTokenClaims: false,
      clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
      extraClientMetadata: { properties: ['cairn_implicit', 'cairn_code'] },
      jwks: { keys: [PROVIDER_KEY as never] },
    };
    const provider = new Provider(`${this.settings.publicBaseUrl}/${poolId}`, configuration);
    installFederationPrompt(provider);
    registerGrants(provider, poolId, this.commands, artifacts);
    installImplicit(provider, poolId, this.commands, artifacts);
    return provider;
  }
}

export { errors };
