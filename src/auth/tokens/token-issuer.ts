import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore, StreamWrite } from '../../event-store/event-store.port.js';
import { withMetadata } from '../../shared/command-handler.js';
import type { Ids } from '../../shared/ids.js';
import { IDS, SECRETS, SETTINGS, type ServiceSettings, STORE } from '../../shared/ports.js';
import { hookVersion, TRIGGERS, type Triggers } from '../../triggers/trigger.port.js';
import { hookAttributes } from '../../user-pools/post-confirmation.js';
import { loadPool } from '../../user-pools/user-pool.repository.js';
import { tokensDiscarded } from './discarded-tokens.js';
import { applyPreTokenResponse, preTokenRequest, type TokenDraft, type TokenSource } from './pre-token-generation.js';
import type { RequestContext } from '../../shared/request-context.js';
import { KeyRing } from '../../tokens/key-ring.js';
import { validitySeconds } from '../../user-pools/clients/client.decider.js';
import type { ActiveClient } from '../../user-pools/clients/client.repository.js';
import { groupsForToken } from '../../user-pools/groups/token-groups.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { refreshTokenDecider } from '../refresh-token.decider.js';
import { refreshFamilyStream } from '../refresh-token.events.js';
import { accessTokenClaims, idTokenClaims } from '../token-claims.js';
import { newRefreshToken } from './refresh-tokens.js';

export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  /** A device key for the device the sign-in came from (pools that track devices). */
  NewDeviceMetadata?: { DeviceKey: string; DeviceGroupKey: string };
}

/** How a sign-in was proven, for its tokens: RFC 8176 `amr` values and the device (Cognito's `device_key`); a fixed family id makes a challenge's last answer single-use. */
export interface SignInProof {
  amr?: string[];
  deviceKey?: string;
  familyId?: string;
}

/** A sign-in about to succeed: its new refresh-token family, to be written with the sign-in's other events. */
export interface PendingSignIn {
  familyId: string;
  authTime: Date;
  refreshToken: string;
  /** The family's first event, for the sign-in's one `appendMany`. */
  write: StreamWrite;
  proof?: SignInProof;
  /** The request the sign-in answers (its correlation id goes on the hooks' log entries). */
  context?: RequestContext;
}

/** What the hooks of a token issue get besides the user: the trigger source, the caller's ClientMetadata, the request. */
export interface TokenHook {
  source?: TokenSource;
  clientMetadata?: Record<string, string>;
  context?: RequestContext;
  /** Post authentication: whether the sign-in came from a device new to the user. */
  newDeviceUsed?: boolean;
  /** Tokens that are not handed out (an OAuth refresh signs its own, with the family's scopes): no pre token generation hook. */
  skipHook?: boolean;
}

/**
 * Issues a sign-in's tokens: a new refresh-token family (Cognito's origin_jti), then ID and
 * access tokens bound to it, signed with the pool's current key. Groups are read from the event
 * streams, so a token never lags an admin's change.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(IDS) private readonly ids: Ids,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly keyRing: KeyRing,
    @Inject(TRIGGERS) private readonly triggers: Triggers,
  ) {}

  issuer(poolId: string): string {
    return `${this.settings.publicBaseUrl}/${poolId}`;
  }

  /**
   * The family a successful sign-in starts (a new stream: decided against the initial state, no
   * read). The caller writes `write` in the same append as the sign-in's log entry.
   */
  startSignIn(client: ActiveClient, user: ExistingUserState, context: RequestContext, now: Date, proof: SignInProof = {}): PendingSignIn {
    const familyId = proof.familyId ?? this.ids.uuid();
    const refresh = newRefreshToken(this.secrets, { familyId, poolId: client.poolId, sub: user.sub });
    const s = client.settings;
    const issued = refreshTokenDecider.decide(
      {
        type: 'IssueRefreshToken',
        data: {
          familyId,
          poolId: client.poolId,
          sub: user.sub,
          clientId: client.clientId,
          refreshTokenHash: refresh.hash,
          authTime: now.toISOString(),
          issuedAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + validitySeconds(s.refreshTokenValidity, s.tokenValidityUnits.refreshToken) * 1000).toISOString(),
        },
      },
      refreshTokenDecider.initialState(),
    );
    // No unique claim: the token names its family (see newRefreshToken).
    const write: StreamWrite = {
      streamId: refreshFamilyStream(familyId),
      events: withMetadata(issued, context, now),
      options: { expectedRevision: 'no_stream' },
    };
    return { familyId, authTime: now, refreshToken: refresh.token, write, proof, context };
  }

  /**
   * The tokens of a sign-in whose family has been written: the pool's post authentication hook
   * first (a refusal fails the sign-in, as in Cognito), then the tokens, through the pre token
   * generation hook.
   */
  async finishSignIn(client: ActiveClient, user: ExistingUserState, pending: PendingSignIn, hook: TokenHook = {}): Promise<AuthenticationResult> {
    const context = hook.context ?? pending.context;
    const pool = await loadPool(this.store, client.poolId);
    if (this.triggers.configured(pool.settings.lambdaConfig, 'PostAuthentication')) {
      await this.triggers.invoke({
        kind: 'PostAuthentication',
        triggerSource: 'PostAuthentication_Authentication',
        poolId: pool.poolId,
        region: pool.region,
        lambdaConfig: pool.settings.lambdaConfig,
        userName: user.username,
        clientId: client.clientId,
        request: { userAttributes: hookAttributes(user), newDeviceUsed: hook.newDeviceUsed ?? false, clientMetadata: hook.clientMetadata ?? {} },
        ...(context ? { context } : {}),
      });
    }
    const tokens = await this.sign(client, user, pending.familyId, Math.floor(pending.authTime.getTime() / 1000), pending.proof, {
      ...hook,
      ...(context ? { context } : {}),
    });
    return { ...tokens, RefreshToken: pending.refreshToken };
  }

  /** ID and access tokens for one sign-in (family `originJti`), as the pool's pre token generation hook leaves them. */
  async sign(
    client: ActiveClient,
    user: ExistingUserState,
    originJti: string,
    authTime: number,
    proof: SignInProof = {},
    hook: TokenHook = {},
  ): Promise<Omit<AuthenticationResult, 'RefreshToken'>> {
    const s = client.settings;
    const input = {
      issuer: this.issuer(client.poolId),
      clientId: client.clientId,
      client: s,
      sub: user.sub,
      username: user.username,
      attributes: user.attributes,
      groups: await groupsForToken(this.store, client.poolId, user.sub),
      authTime,
      originJti,
      eventId: randomUUID(),
      jti: randomUUID,
    };
    const amrClaim = proof.amr?.length ? { amr: proof.amr } : {};
    const accessSeconds = validitySeconds(s.accessTokenValidity, s.tokenValidityUnits.accessToken);
    const idSeconds = validitySeconds(s.idTokenValidity, s.tokenValidityUnits.idToken);
    const draft = await this.preTokenGeneration(client, user, hook, {
      access: { ...accessTokenClaims(input), ...amrClaim, ...(proof.deviceKey ? { device_key: proof.deviceKey } : {}) },
      id: { ...idTokenClaims(input), ...amrClaim },
    });
    const [AccessToken, IdToken] = await Promise.all([
      this.keyRing.sign(client.poolId, draft.access, { expiresInSeconds: accessSeconds }),
      this.keyRing.sign(client.poolId, draft.id, { expiresInSeconds: idSeconds }),
    ]);
    return { AccessToken, IdToken, ExpiresIn: accessSeconds, TokenType: 'Bearer' };
  }

  /** The pool's pre token generation hook (V1: the ID token; V2: both, and the scopes), if it has one. */
  async preTokenGeneration(client: ActiveClient, user: ExistingUserState, hook: TokenHook, draft: TokenDraft): Promise<TokenDraft> {
    if (hook.skipHook || tokensDiscarded()) return draft;
    const pool = await loadPool(this.store, client.poolId);
    const lambdaConfig = pool.settings.lambdaConfig;
    if (!this.triggers.configured(lambdaConfig, 'PreTokenGeneration')) return draft;
    const version = hookVersion(lambdaConfig, 'PreTokenGeneration');
    const response = await this.triggers.invoke({
      kind: 'PreTokenGeneration',
      triggerSource: hook.source ?? 'TokenGeneration_Authentication',
      version,
      poolId: pool.poolId,
      region: pool.region,
      lambdaConfig,
      userName: user.username,
      clientId: client.clientId,
      request: preTokenRequest(version, hookAttributes(user), draft, hook.clientMetadata ?? {}),
      ...(hook.context ? { context: hook.context } : {}),
    });
    return applyPreTokenResponse(version, response, draft);
  }
}
