import { createHash, randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createRemoteJWKSet, importPKCS8, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError, InvalidParameterError, NotAuthorizedError } from '../../shared/domain-error.js';
import { CLOCK, SECRETS, STORE } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import type { Secrets } from '../../crypto/secrets.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import type { RawAttribute } from '../../user-pools/identity-providers/attribute-mapping.js';
import { findByIdentifier, type IdentityProviderRecord, providerNotFound } from '../../user-pools/identity-providers/identity-provider.decider.js';
import { loadIdentityProviders } from '../../user-pools/identity-providers/identity-provider.use-cases.js';
import { type FederatedSignInAnswer, FederatedSignInCommand, FederatedSignInHandler } from './federated-sign-in.use-case.js';
import { FederationStates } from './federation-states.js';

/** How long a round trip to the IdP may take (the state is refused after it). */
const STATE_TTL_MS = 10 * 60 * 1000;
const HTTP_TIMEOUT_MS = 10_000;
const DISCOVERY_TTL_MS = 60_000;
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

interface Endpoints {
  authorize: string;
  token: string;
  jwks?: string;
  userInfo?: string;
}

/** The OIDC-side endpoints of a provider: its ProviderDetails, completed by the issuer's discovery document where they are missing. */
class ProviderEndpoints {
  private readonly discovered = new Map<string, { at: number; document: Promise<Record<string, unknown>> }>();
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  private discover(issuer: string): Promise<Record<string, unknown>> {
    const cached = this.discovered.get(issuer);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.document;
    const document = fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) }).then(
      async (response) => {
        if (!response.ok) throw new Error(`discovery answered ${response.status}`);
        return (await response.json()) as Record<string, unknown>;
      },
    );
    document.catch(() => this.discovered.delete(issuer));
    this.discovered.set(issuer, { at: Date.now(), document });
    if (this.discovered.size > 1000) this.discovered.clear();
    return document;
  }

  async of(details: Record<string, string>): Promise<Endpoints> {
    const complete = details.authorize_url && details.token_url && (details.jwks_uri || !details.oidc_issuer);
    const doc = !complete && details.oidc_issuer ? await this.discover(details.oidc_issuer) : {};
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const authorize = details.authorize_url ?? text(doc.authorization_endpoint);
    const token = details.token_url ?? text(doc.token_endpoint);
    if (!authorize || !token) throw new Error('the provider has no authorization or token endpoint');
    const jwks = details.jwks_uri ?? text(doc.jwks_uri);
    const userInfo = details.attributes_url ?? text(doc.userinfo_endpoint);
    return { authorize, token, ...(jwks ? { jwks } : {}), ...(userInfo ? { userInfo } : {}) };
  }

  keys(url: string) {
    let set = this.keySets.get(url);
    if (!set) {
      if (this.keySets.size > 1000) this.keySets.clear();
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: HTTP_TIMEOUT_MS });
      this.keySets.set(url, set);
    }
    return set;
  }
}

const ENDPOINTS = new ProviderEndpoints();

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** Sign in with Apple's audience for the client secret, and how long a secret made for one code exchange lives. */
const APPLE_AUDIENCE = 'https://appleid.apple.com';
const APPLE_SECRET_SECONDS = 300;

/**
 * Sign in with Apple's client_secret, as Apple documents it ("Creating a client secret"): a JWT
 * signed with ES256 by the developer's private key (ProviderDetails private_key, the .p8 PKCS #8
 * PEM), `kid` the key's id (key_id), `iss` the team (team_id), `sub` the Services ID (client_id),
 * `aud` https://appleid.apple.com, issued now (the service's clock) for one exchange.
 */
export async function appleClientSecret(details: Record<string, string>, now: Date): Promise<string> {
  let key: CryptoKey;
  try {
    key = await importPKCS8(details.private_key ?? '', 'ES256');
  } catch (error) {
    throw new FederationError(`the Sign in with Apple private_key is not an ES256 PKCS #8 key: ${(error as Error).message}`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: details.key_id })
    .setIssuer(details.team_id)
    .setSubject(details.client_id)
    .setAudience(APPLE_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + APPLE_SECRET_SECONDS)
    .sign(key);
}

/** Where the authorization request goes next: the SAML side's start, or the OIDC IdP's authorization endpoint. */
export type StartFederationAnswer = { protocol: 'SAML'; providerName: string } | { protocol: 'OIDC'; providerName: string; location: string };

/**
 * `/oauth2/authorize` with `identity_provider` (a provider's name) or `idp_identifier` (one of
 * its IdpIdentifiers): the provider, which the app client must support. For OIDC and the social
 * presets, a new round trip: `state` kept server-side (bound to the pending authorization
 * request), PKCE S256 and a nonce toward the IdP, and the IdP's authorization URL to redirect to.
 */
export class StartFederationCommand extends UseCaseCommand<
  { poolId: string; clientId: string; uid: string; redirectUri: string; identityProvider?: string; idpIdentifier?: string },
  StartFederationAnswer
> {}

@CommandHandler(StartFederationCommand)
export class StartFederationHandler implements ICommandHandler<StartFederationCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    private readonly clients: AppClients,
    private readonly states: FederationStates,
  ) {}

  async execute({ input }: StartFederationCommand): Promise<StartFederationAnswer> {
    const caller = await this.clients.caller(input.clientId, input.poolId);
    const providers = await loadIdentityProviders(this.store, caller.pool.poolId);
    const provider = input.identityProvider
      ? providers.providers.find((p) => p.name === input.identityProvider)
      : input.idpIdentifier
        ? findByIdentifier(providers, input.idpIdentifier)
        : undefined;
    if (!provider) {
      if (input.identityProvider) throw providerNotFound(input.identityProvider);
      throw new InvalidParameterError(`No identity provider has the identifier ${input.idpIdentifier ?? ''}`);
    }
    if (!caller.client.settings.supportedIdentityProviders.includes(provider.name)) {
      throw new InvalidParameterError(`The provider ${provider.name} is not supported by app client ${input.clientId}`);
    }
    if (provider.type === 'SAML') return { protocol: 'SAML', providerName: provider.name };
    const details = openDetails(this.secrets, caller.pool.poolId, provider);
    const endpoints = await ENDPOINTS.of(details).catch((error: unknown) => {
      throw new FederationError(`the identity provider ${provider.name} could not be reached: ${(error as Error).message}`);
    });
    const state = randomBytes(32).toString('base64url');
    const { codeVerifier, nonce } = this.states.derived(state);
    await this.states.save(
      state,
      { poolId: caller.pool.poolId, providerName: provider.name, clientId: input.clientId, uid: input.uid, redirectUri: input.redirectUri },
      new Date(this.clock.now().getTime() + STATE_TTL_MS),
    );
    const url = new URL(endpoints.authorize);
    url.searchParams.set('client_id', details.client_id);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', input.redirectUri);
    url.searchParams.set(
      'scope',
      details.authorize_scopes
        .split(/[\s,]+/)
        .filter(Boolean)
        .join(' '),
    );
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', s256(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    // Apple answers by form_post (required once name or email is asked for).
    if (provider.type === 'SignInWithApple') url.searchParams.set('response_mode', 'form_post');
    return { protocol: 'OIDC', providerName: provider.name, location: url.href };
  }
}

/** The IdP's answer could not be accepted (the authorization request ends with `error`). */
export class FederationError extends DomainError {
  readonly code = 'FederationError';
  readonly status = 400;
}

function openDetails(secrets: Secrets, poolId: string, p: IdentityProviderRecord): Record<string, string> {
  const opened = Object.fromEntries(Object.entries(p.sealedDetails).map(([k, v]) => [k, secrets.decrypt(v, `identity-provider:${poolId}:${p.name}:${k}`)]));
  return { ...p.details, ...opened };
}

/** The end of a round trip: signed in, or an OAuth error for the app's callback. */
export type CompleteFederationAnswer =
  | { uid: string; clientId: string; signedIn: FederatedSignInAnswer }
  | { uid: string; clientId: string; error: 'invalid_request' | 'access_denied' | 'server_error'; description: string };

/**
 * `/oauth2/idpresponse`: the IdP's answer to a round trip started above. The state is taken
 * (once); the code is exchanged with the PKCE verifier; the ID token's signature (the IdP's
 * JWKS), issuer, audience, expiry and nonce are checked with jose; the user info endpoint adds
 * attributes; then the federated sign-in use case. A refusal is an answer (the authorization
 * request ends with an error at the app's callback, as Cognito's does), an unknown or used state
 * an error (there is no request to answer).
 */
export class CompleteOidcFederationCommand extends UseCaseCommand<
  { state: string; code?: string; error?: string; errorDescription?: string },
  CompleteFederationAnswer
> {}

@CommandHandler(CompleteOidcFederationCommand)
export class CompleteOidcFederationHandler implements ICommandHandler<CompleteOidcFederationCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    private readonly states: FederationStates,
    private readonly federatedSignIn: FederatedSignInHandler,
  ) {}

  async execute({ input, context }: CompleteOidcFederationCommand): Promise<CompleteFederationAnswer> {
    const now = this.clock.now();
    const round = input.state ? await this.states.take(input.state, now) : undefined;
    if (!round) throw new NotAuthorizedError('Invalid state: the sign-in with the identity provider is unknown, already used or expired.');
    const base = { uid: round.uid, clientId: round.clientId };
    if (input.error || !input.code) {
      return {
        ...base,
        error: input.error === 'access_denied' ? 'access_denied' : 'invalid_request',
        description: input.errorDescription ?? input.error ?? 'no code',
      };
    }
    const provider = (await loadIdentityProviders(this.store, round.poolId)).providers.find((p) => p.name === round.providerName);
    if (!provider) return { ...base, error: 'invalid_request', description: `Identity provider ${round.providerName} does not exist.` };
    const details = openDetails(this.secrets, round.poolId, provider);
    let identity: { subject: string; attributes: Record<string, RawAttribute> };
    try {
      identity = await this.verify(provider, details, round.redirectUri, input.code, this.states.derived(input.state), now);
    } catch (error) {
      if (error instanceof FederationError) return { ...base, error: 'invalid_request', description: error.message };
      throw error;
    }
    try {
      const signedIn = await this.federatedSignIn.execute(
        new FederatedSignInCommand(
          {
            poolId: round.poolId,
            clientId: round.clientId,
            providerName: provider.name,
            subject: identity.subject,
            attributes: identity.attributes,
            issuer: null,
          },
          context,
        ),
      );
      return { ...base, signedIn };
    } catch (error) {
      // A hook's veto, a disabled user: the app hears it at its callback, as from Cognito.
      if (error instanceof DomainError) return { ...base, error: 'invalid_request', description: error.message };
      throw error;
    }
  }

  private async verify(
    provider: IdentityProviderRecord,
    details: Record<string, string>,
    redirectUri: string,
    code: string,
    derived: { codeVerifier: string; nonce: string },
    now: Date,
  ): Promise<{ subject: string; attributes: Record<string, RawAttribute> }> {
    const endpoints = await ENDPOINTS.of(details).catch((error: unknown) => {
      throw new FederationError(`the identity provider could not be reached: ${(error as Error).message}`);
    });
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: details.client_id,
      code_verifier: derived.codeVerifier,
    });
    if (provider.type === 'SignInWithApple') form.set('client_secret', await appleClientSecret(details, now));
    else if (details.client_secret) form.set('client_secret', details.client_secret);
    const byGet = details.token_request_method === 'GET';
    const tokenUrl = new URL(endpoints.token);
    if (byGet) for (const [k, v] of form) tokenUrl.searchParams.set(k, v);
    const response = await fetch(tokenUrl, {
      method: byGet ? 'GET' : 'POST',
      headers: { accept: 'application/json', ...(byGet ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(byGet ? {} : { body: form.toString() }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new FederationError(`the token endpoint could not be reached: ${(error as Error).message}`);
    });
    const tokens = (await response.json().catch(() => ({}))) as { id_token?: unknown; access_token?: unknown; error?: unknown };
    if (!response.ok) throw new FederationError(`the identity provider refused the code: ${typeof tokens.error === 'string' ? tokens.error : response.status}`);
    const accessToken = typeof tokens.access_token === 'string' ? tokens.access_token : undefined;

    let claims: JWTPayload = {};
    if (typeof tokens.id_token === 'string') {
      if (!endpoints.jwks) throw new FederationError('the identity provider publishes no keys to check its ID token with');
      const issuer = details.oidc_issuer;
      try {
        ({ payload: claims } = await jwtVerify(tokens.id_token, ENDPOINTS.keys(endpoints.jwks), {
          ...(issuer ? { issuer: [issuer, issuer.endsWith('/') ? issuer.slice(0, -1) : `${issuer}/`] } : {}),
          audience: details.client_id,
          algorithms: ID_TOKEN_ALGORITHMS,
          currentDate: now,
          clockTolerance: 60,
          requiredClaims: ['sub', 'exp', 'iat'],
        }));
      } catch (error) {
        throw new FederationError(`Invalid ID token: ${(error as Error).message}`);
      }
      if (claims.nonce !== derived.nonce) throw new FederationError('Invalid ID token: nonce mismatch');
    } else if (provider.type === 'OIDC' || provider.type === 'Google' || provider.type === 'SignInWithApple') {
      throw new FederationError('the identity provider returned no ID token');
    }

    // The user info endpoint (OIDC's attributes_url, or a social provider without ID token) adds what the ID token lacks.
    let info: Record<string, unknown> = {};
    if (accessToken && endpoints.userInfo && (provider.type === 'OIDC' || !tokens.id_token)) {
      const method = details.attributes_request_method === 'POST' ? 'POST' : 'GET';
      const answer = await fetch(endpoints.userInfo, {
        method,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      }).catch(() => undefined);
      if (answer?.ok) info = ((await answer.json().catch(() => ({}))) as Record<string, unknown>) ?? {};
      // OIDC: user info about someone else is not this user's.
      if (claims.sub !== undefined && info.sub !== undefined && info.sub !== claims.sub) info = {};
    }
    const attributes = { ...info, ...claims } as Record<string, RawAttribute>;
    const subjectAttribute = provider.attributeMapping.username ?? 'sub';
    const subject = claims.sub ?? attributes[subjectAttribute] ?? attributes.sub ?? attributes.id ?? attributes.user_id;
    if (subject === undefined || subject === null || String(subject) === '') throw new FederationError('the identity provider named no subject');
    return { subject: String(subject), attributes };
  }
}

export const OIDC_FEDERATION_HANDLERS = [FederationStates, StartFederationHandler, CompleteOidcFederationHandler];
