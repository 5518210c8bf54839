import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, StreamWrite } from '../../event-store/event-store.port.js';
import { withMetadata } from '../../shared/command-handler.js';
import { SETTINGS, type ServiceSettings, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { KeyRing } from '../../tokens/key-ring.js';
import { validitySeconds } from '../../user-pools/clients/client.decider.js';
import type { ActiveClient } from '../../user-pools/clients/client.repository.js';
import { groupsForToken } from '../../user-pools/groups/token-groups.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { accessTokenClaims, idTokenClaims } from '../token-claims.js';
import { type PendingSignIn, TokenIssuer, type TokenHook } from '../tokens/token-issuer.js';
import { type OAuthTokensIssued, oauthGrantStream } from './oauth-grant.events.js';

/** The token endpoint's answer (RFC 6749 section 5.1 member names). */
export interface OAuthTokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** OIDC `at_hash`: the left half of the SHA-256 of the access token (RS256), base64url. */
export const atHash = (accessToken: string) => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

/**
 * OAuth tokens in Cognito's formats, through the same parts the API's TokenIssuer uses: its
 * refresh-token families (startSignIn), the same claim builders (token-claims.ts) and the pool's
 * KeyRing (same issuer, kid, token_use). What differs from an API sign-in is what OAuth adds:
 * the granted `scope` in the access token, and `nonce` and `at_hash` in the ID token (signed
 * after the access token, whose hash it carries). TokenIssuer.sign takes no scope today; when it
 * does, `sign` below becomes one call to it.
 */
@Injectable()
export class OAuthTokenSigner {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly keyRing: KeyRing,
    private readonly issuer: TokenIssuer,
  ) {}

  /** A new refresh-token family for an OAuth grant, with the record of its scopes, in one append. */
  async startFamily(
    client: ActiveClient,
    user: ExistingUserState,
    grant: { scope: string; grantType: OAuthTokensIssued['data']['grantType']; authTime: Date },
    context: RequestContext,
    now: Date,
  ): Promise<PendingSignIn> {
    const pending = this.issuer.startSignIn(client, user, context, now);
    const issued: OAuthTokensIssued = {
      type: 'OAuthTokensIssued',
      data: {
        familyId: pending.familyId,
        poolId: client.poolId,
        clientId: client.clientId,
        sub: user.sub,
        scope: grant.scope,
        grantType: grant.grantType,
        at: now.toISOString(),
      },
    };
    const record: StreamWrite = {
      streamId: oauthGrantStream(pending.familyId),
      events: withMetadata([issued], context, now),
      options: { expectedRevision: 'no_stream' },
    };
    await this.store.appendMany([pending.write, record]);
    return { ...pending, authTime: grant.authTime };
  }

  /** The scopes an OAuth family was granted (undefined: the family is an API sign-in's). */
  async scopeOf(familyId: string): Promise<string | undefined> {
    const [event] = (await this.store.readStream(oauthGrantStream(familyId))) as never as OAuthTokensIssued[];
    return event?.data.scope;
  }

  /**
   * Access token with the granted scopes; an ID token (with at_hash and the request's nonce) when
   * `openid` was granted; both as the pool's pre token generation hook leaves them
   * (TokenGeneration_HostedAuth, or _RefreshTokens for a refresh).
   */
  async sign(
    client: ActiveClient,
    user: ExistingUserState,
    familyId: string,
    authTime: number,
    scope: string,
    nonce?: string,
    hook: TokenHook = {},
  ): Promise<OAuthTokenResponse> {
    const s = client.settings;
    const input = {
      issuer: `${this.settings.publicBaseUrl}/${client.poolId}`,
      clientId: client.clientId,
      client: s,
      sub: user.sub,
      username: user.username,
      attributes: user.attributes,
      groups: await groupsForToken(this.store, client.poolId, user.sub),
      authTime,
      originJti: familyId,
      eventId: randomUUID(),
      jti: randomUUID,
    };
    const accessSeconds = validitySeconds(s.accessTokenValidity, s.tokenValidityUnits.accessToken);
    const draft = await this.issuer.preTokenGeneration(
      client,
      user,
      { source: 'TokenGeneration_HostedAuth', ...hook },
      {
        access: { ...accessTokenClaims(input), scope },
        id: { ...idTokenClaims(input), ...(nonce ? { nonce } : {}) },
      },
    );
    const access_token = await this.keyRing.sign(client.poolId, draft.access, { expiresInSeconds: accessSeconds });
    const response: OAuthTokenResponse = { access_token, token_type: 'Bearer', expires_in: accessSeconds };
    if (scope.split(' ').includes('openid')) {
      const idSeconds = validitySeconds(s.idTokenValidity, s.tokenValidityUnits.idToken);
      response.id_token = await this.keyRing.sign(client.poolId, { ...draft.id, at_hash: atHash(access_token) }, { expiresInSeconds: idSeconds });
    }
    return response;
  }

  /** Cognito's client_credentials access token: the client is the subject; custom scopes only; no refresh token. */
  async clientCredentials(client: ActiveClient, scope: string, now: Date): Promise<OAuthTokenResponse> {
    const s = client.settings;
    const expires = validitySeconds(s.accessTokenValidity, s.tokenValidityUnits.accessToken);
    const claims = {
      sub: client.clientId,
      token_use: 'access',
      scope,
      auth_time: Math.floor(now.getTime() / 1000),
      iss: `${this.settings.publicBaseUrl}/${client.poolId}`,
      version: 2,
      jti: randomUUID(),
      client_id: client.clientId,
    };
    return { access_token: await this.keyRing.sign(client.poolId, claims, { expiresInSeconds: expires }), token_type: 'Bearer', expires_in: expires };
  }
}
