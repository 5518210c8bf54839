import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, type JWTPayload } from 'jose';
import { NotAuthorizedError } from '../shared/domain-error.js';
import { SETTINGS, type ServiceSettings } from '../shared/ports.js';
import { KeyRing } from '../tokens/key-ring.js';

/** The key ring entry identity tokens are signed with; their issuer is `<base-url>/cognito-identity`. */
export const IDENTITY_KEYS = 'cognito-identity';
/** How trust policies and Logins name this service as a web identity provider (as AWS names Cognito). */
export const COGNITO_IDENTITY_PROVIDER = 'cognito-identity.amazonaws.com';
/** Where ABAC session tags ride in an identity token (as AWS puts them). */
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';

export interface IdentityToken {
  identityId: string;
  poolId: string;
  amr: string[];
  /** Principal tags a developer provider set (GetOpenIdTokenForDeveloperIdentity). */
  tags: Record<string, string>;
  exp: number;
  claims: JWTPayload;
}

/**
 * OpenID Connect tokens of identities (GetOpenIdToken, GetOpenIdTokenForDeveloperIdentity):
 * `sub` is the identity, `aud` the identity pool, `amr` how it signed in, as Cognito's are.
 */
@Injectable()
export class OpenIdTokens {
  constructor(
    private readonly keyRing: KeyRing,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  get issuer(): string {
    return `${this.settings.publicBaseUrl}/${IDENTITY_KEYS}`;
  }

  async sign(input: { identityId: string; poolId: string; amr: string[]; tags?: Record<string, string>; expiresInSeconds: number }): Promise<string> {
    const tags = input.tags && Object.keys(input.tags).length > 0 ? input.tags : undefined;
    return this.keyRing.sign(
      IDENTITY_KEYS,
      {
        iss: this.issuer,
        sub: input.identityId,
        aud: input.poolId,
        amr: input.amr,
        ...(tags ? { [TAGS_CLAIM]: { principal_tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [v]])) } } : {}),
      },
      { expiresInSeconds: input.expiresInSeconds },
    );
  }

  /** True when the token claims to be one of ours (before any check), so callers can route it. */
  isOurs(token: string): boolean {
    try {
      return decodeJwt(token).iss === this.issuer;
    } catch {
      return false;
    }
  }

  /** Signature (our keys), issuer and expiry; NotAuthorizedException otherwise. */
  async verify(token: string): Promise<IdentityToken> {
    const claims = await this.keyRing.verify(IDENTITY_KEYS, token).catch((error: unknown) => {
      const expired = error instanceof NotAuthorizedError && error.message === 'Token expired';
      throw new NotAuthorizedError(expired ? 'Invalid login token. Token expired.' : "Invalid login token. Couldn't verify signed token.");
    });
    const poolId = typeof claims.aud === 'string' ? claims.aud : Array.isArray(claims.aud) ? claims.aud[0] : undefined;
    if (typeof claims.sub !== 'string' || !poolId) throw new NotAuthorizedError("Invalid login token. Couldn't verify signed token.");
    const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];
    const raw = (claims[TAGS_CLAIM] as { principal_tags?: Record<string, unknown> } | undefined)?.principal_tags ?? {};
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string') tags[k] = first;
    }
    return { identityId: claims.sub, poolId, amr, tags, exp: Number(claims.exp), claims };
  }
}
