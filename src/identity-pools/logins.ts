import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify } from 'jose';
import type { EventStore } from '../event-store/event-store.port.js';
import type { Clock } from '../shared/clock.js';
import { fold } from '../shared/decider.js';
import { InvalidParameterError, NotAuthorizedError } from '../shared/domain-error.js';
import { CLOCK, SETTINGS, type ServiceSettings, STORE } from '../shared/ports.js';
import { KeyRing } from '../tokens/key-ring.js';
import { USER_POOL_ID } from '../user-pools/user-pool-id.js';
import { userDecider } from '../user-pools/user.decider.js';
import { type UserEvent, userStream } from '../user-pools/user.events.js';
import { type ActiveIdentityPool, oidcProviderName } from './identity-pool.decider.js';
import { ExternalServiceError } from './identity-pool.errors.js';
import { readOidcProvider } from './identity-pools.repository.js';
import { COGNITO_IDENTITY_PROVIDER, OpenIdTokens } from './openid-tokens.js';

/** A login whose token checked out: who the provider says it is, and the token's claims. */
export interface VerifiedLogin {
  kind: 'userpool' | 'oidc' | 'identity';
  /** The provider's name (the Logins key, canonical for user pools). */
  provider: string;
  subject: string;
  claims: JWTPayload;
  /** The key of its role mapping: `<provider>:<clientId>` for user pools, the provider otherwise. */
  mappingKey: string;
}

export const MAX_LOGINS = 10;
const NOT_SUPPORTED = 'Token is not from a supported provider of this identity pool.';
const COULD_NOT_VERIFY = "Invalid login token. Couldn't verify signed token.";

/**
 * Checks the tokens of a Logins map against an identity pool's providers:
 * - this service's user pools, keyed `cognito-idp.<region>.amazonaws.com/<poolId>` or by the
 *   pool's issuer URL here (with or without its scheme): an ID token of one of the configured
 *   app clients, signed by the pool's keys (and, with ServerSideTokenCheck, a user who still
 *   exists and is enabled);
 * - external OpenID Connect providers the pool lists (OpenIdConnectProviderARNs): signature by
 *   the provider's JWKS (its discovery document, or the jwksUri registered), issuer, audience
 *   among the provider's client ids, expiry;
 * - `cognito-identity.amazonaws.com`: an identity token of this service (developer flow), only
 *   where `allowIdentityTokens` says so.
 */
@Injectable()
export class LoginVerifier {
  private readonly jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly keyRing: KeyRing,
    private readonly identityTokens: OpenIdTokens,
  ) {}

  /** `cognito-idp.<region>.amazonaws.com/<poolId>` for any name of one of this service's user pools. */
  canonicalUserPoolProvider(name: string): string | undefined {
    const withoutScheme = (url: string) => url.replace(/^https?:\/\//, '');
    const cognito = /^cognito-idp\.([\w-]+)\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)$/.exec(name);
    if (cognito) return USER_POOL_ID.test(cognito[2]) ? name : undefined;
    const base = withoutScheme(this.settings.publicBaseUrl);
    const stripped = withoutScheme(name);
    if (!stripped.startsWith(`${base}/`)) return undefined;
    const poolId = stripped.slice(base.length + 1);
    if (!USER_POOL_ID.test(poolId)) return undefined;
    return `cognito-idp.${poolId.slice(0, poolId.indexOf('_'))}.amazonaws.com/${poolId}`;
  }

  async verify(pool: ActiveIdentityPool, logins: Record<string, string>, options: { allowIdentityTokens?: boolean } = {}): Promise<VerifiedLogin[]> {
    const entries = Object.entries(logins);
    if (entries.length > MAX_LOGINS) throw new InvalidParameterError(`At most ${MAX_LOGINS} logins may be given.`);
    const verified: VerifiedLogin[] = [];
    for (const [key, token] of entries) verified.push(await this.verifyOne(pool, key, token, options));
    return verified;
  }

  private async verifyOne(pool: ActiveIdentityPool, key: string, token: string, options: { allowIdentityTokens?: boolean }): Promise<VerifiedLogin> {
    if (key === COGNITO_IDENTITY_PROVIDER) {
      if (!options.allowIdentityTokens) throw new NotAuthorizedError("Invalid login token. Can't pass in a Cognito token.");
      const identity = await this.identityTokens.verify(token);
      if (identity.poolId !== pool.poolId) throw new NotAuthorizedError('Invalid login token. Incorrect token audience.');
      return {
        kind: 'identity',
        provider: COGNITO_IDENTITY_PROVIDER,
        subject: identity.identityId,
        claims: identity.claims,
        mappingKey: COGNITO_IDENTITY_PROVIDER,
      };
    }
    const userPoolProvider = this.canonicalUserPoolProvider(key);
    if (userPoolProvider) return this.verifyUserPoolToken(pool, userPoolProvider, token);
    const oidc = pool.config.openIdConnectProviderArns.find((arn) => oidcProviderName(arn) === key);
    if (oidc) return this.verifyOidcToken(key, token);
    throw new NotAuthorizedError(NOT_SUPPORTED);
  }

  private async verifyUserPoolToken(pool: ActiveIdentityPool, provider: string, token: string): Promise<VerifiedLogin> {
    const configured = pool.config.cognitoIdentityProviders.filter((p) => p.providerName === provider);
    if (configured.length === 0) throw new NotAuthorizedError(NOT_SUPPORTED);
    const userPoolId = provider.slice(provider.indexOf('/') + 1);
    const unverified = decodeOrRefuse(token);
    if (unverified.iss !== `${this.settings.publicBaseUrl}/${userPoolId}`)
      throw new NotAuthorizedError("Invalid login token. Issuer doesn't match providerName");
    const claims = await this.keyRing.verify(userPoolId, token, { tokenUse: 'id' }).catch((error: unknown) => {
      if (error instanceof NotAuthorizedError && error.message === 'Token expired') throw expired(unverified.exp, this.now());
      throw new NotAuthorizedError(COULD_NOT_VERIFY);
    });
    const audience = typeof claims.aud === 'string' ? claims.aud : '';
    const client = configured.find((p) => p.clientId === audience);
    if (!client) throw new NotAuthorizedError('Invalid login token. Incorrect token audience.');
    const sub = String(claims.sub);
    if (client.serverSideTokenCheck) {
      const user = fold(userDecider, (await this.store.readStream(userStream(userPoolId, sub))) as unknown as UserEvent[]);
      if (!user.exists || !user.enabled) throw new NotAuthorizedError('Invalid login token. Token is revoked.');
    }
    return { kind: 'userpool', provider, subject: sub, claims, mappingKey: `${provider}:${audience}` };
  }

  private async verifyOidcToken(name: string, token: string): Promise<VerifiedLogin> {
    const provider = await readOidcProvider(this.store, name);
    if (provider.status !== 'active') throw new NotAuthorizedError(NOT_SUPPORTED);
    const unverified = decodeOrRefuse(token);
    const issuers = [provider.url, provider.url.endsWith('/') ? provider.url.slice(0, -1) : `${provider.url}/`];
    if (typeof unverified.iss !== 'string' || !issuers.includes(unverified.iss))
      throw new NotAuthorizedError("Invalid login token. Issuer doesn't match providerName");
    const keys = await this.keySet(provider.url, provider.jwksUri);
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, { issuer: issuers, currentDate: this.clock.now(), clockTolerance: 5 }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw expired(unverified.exp, this.now());
      if (error instanceof errors.JWKSTimeout || (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID')) {
        throw new ExternalServiceError(`The OpenID Connect provider ${name} could not be reached.`);
      }
      throw new NotAuthorizedError(COULD_NOT_VERIFY);
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud !== undefined ? [claims.aud] : [];
    if (provider.clientIds.length > 0 && !audiences.some((a) => provider.clientIds.includes(a))) {
      throw new NotAuthorizedError('Invalid login token. Incorrect token audience.');
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new NotAuthorizedError(COULD_NOT_VERIFY);
    return { kind: 'oidc', provider: name, subject: claims.sub, claims, mappingKey: name };
  }

  /** The provider's keys: the registered jwks_uri, or the one its discovery document names. */
  private async keySet(issuer: string, jwksUri: string | undefined): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const cacheKey = `${issuer} ${jwksUri ?? ''}`;
    const cached = this.jwks.get(cacheKey);
    if (cached) return cached;
    let uri = jwksUri;
    if (!uri) {
      try {
        const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
        const document = (await response.json()) as { jwks_uri?: unknown };
        if (!response.ok || typeof document.jwks_uri !== 'string') throw new Error('no jwks_uri');
        uri = document.jwks_uri;
      } catch {
        throw new ExternalServiceError(`The OpenID Connect provider ${issuer} could not be reached.`);
      }
    }
    const set = createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    this.jwks.set(cacheKey, set);
    return set;
  }

  private now(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

function decodeOrRefuse(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw new NotAuthorizedError(COULD_NOT_VERIFY);
  }
}

function expired(exp: number | undefined, now: number): NotAuthorizedError {
  return new NotAuthorizedError(`Invalid login token. Token expired: ${now} >= ${exp ?? now}`);
}
