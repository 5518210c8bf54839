import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeJwt } from 'jose';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { NotAuthorizedError } from '../../shared/domain-error.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import { STANDARD_SCOPES } from '../../user-pools/clients/client-oauth.js';
import type { ActiveClient } from '../../user-pools/clients/client.repository.js';
import { customScopes } from '../../user-pools/oauth/resource-server.decider.js';
import { loadResourceServers } from '../../user-pools/oauth/resource-server.use-cases.js';
import { type ExistingUserState, userDecider } from '../../user-pools/user.decider.js';
import { type UserEvent, userStream } from '../../user-pools/user.events.js';
import { AccessTokens } from '../access-tokens.js';
import { refreshTokenDecider } from '../refresh-token.decider.js';
import { refreshFamilyStream } from '../refresh-token.events.js';
import { RefreshTokens } from '../tokens/refresh.js';
import { parseRefreshToken } from '../tokens/refresh-tokens.js';
import { OAuthError } from './oauth-errors.js';
import { type OAuthTokenResponse, OAuthTokenSigner } from './oauth-token-signer.js';

async function loadUser(store: EventStore, poolId: string, sub: string) {
  return fold(userDecider, (await store.readStream(userStream(poolId, sub))) as never as UserEvent[]);
}

/** A user who may get tokens now: exists, enabled, confirmed (or must still set a password: the hosted pages ask first). */
function signedInUser(user: Awaited<ReturnType<typeof loadUser>>): ExistingUserState | undefined {
  // A federated user (EXTERNAL_PROVIDER) signs in at its IdP; it is as signed in as a confirmed one.
  return user.exists && user.enabled && (user.status === 'CONFIRMED' || user.status === 'EXTERNAL_PROVIDER') ? user : undefined;
}

export interface OAuthAccount {
  sub: string;
  username: string;
}

/**
 * findAccount of the OAuth provider: the user a login session or a code names, if they may
 * still sign in; a session whose sign-in was revoked since (logout, global sign-out, a
 * disabled user) names no one, so the user is asked to sign in again.
 */
export class OAuthAccountQuery extends UseCaseQuery<{ poolId: string; sub: string; sessionFamilyId?: string }, OAuthAccount | undefined> {}

@QueryHandler(OAuthAccountQuery)
export class OAuthAccountHandler implements IQueryHandler<OAuthAccountQuery> {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  async execute({ input }: OAuthAccountQuery): Promise<OAuthAccount | undefined> {
    const [userEvents, familyEvents] = await this.store.readStreams([
      { streamId: userStream(input.poolId, input.sub) },
      { streamId: refreshFamilyStream(input.sessionFamilyId ?? `none-${input.sub}`) },
    ]);
    const user = signedInUser(fold(userDecider, userEvents as never as UserEvent[]));
    if (!user) return undefined;
    if (input.sessionFamilyId) {
      const family = fold(refreshTokenDecider, familyEvents as never);
      if (!family.exists || family.revoked || family.sub !== user.sub) return undefined;
      if (user.signedOutAt && user.signedOutAt >= family.authTime) return undefined;
    }
    return { sub: user.sub, username: user.username };
  }
}

/** The token endpoint's authorization_code grant, once the code, client, redirect URI and PKCE verifier have been checked: a new refresh-token family and its tokens. */
export class ExchangeAuthorizationCodeCommand extends UseCaseCommand<
  { poolId: string; clientId: string; sub: string; scope: string; nonce?: string; authTime: number; grantType?: 'authorization_code' | 'implicit' },
  OAuthTokenResponse & { familyId: string }
> {}

@CommandHandler(ExchangeAuthorizationCodeCommand)
export class ExchangeAuthorizationCodeHandler implements ICommandHandler<ExchangeAuthorizationCodeCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly clients: AppClients,
    private readonly signer: OAuthTokenSigner,
  ) {}

  async execute({ input, context }: ExchangeAuthorizationCodeCommand) {
    const client = await this.clients.load(input.clientId, input.poolId);
    const user = signedInUser(await loadUser(this.store, input.poolId, input.sub));
    if (!user) throw new OAuthError('invalid_grant', 'the user of this authorization code can no longer sign in');
    const now = this.clock.now();
    const grantType = input.grantType ?? 'authorization_code';
    const pending = await this.signer.startFamily(client, user, { scope: input.scope, grantType, authTime: new Date(input.authTime * 1000) }, context, now);
    const tokens = await this.signer.sign(client, user, pending.familyId, input.authTime, input.scope, input.nonce, {
      source: 'TokenGeneration_HostedAuth',
      context,
    });
    return { ...tokens, ...(grantType === 'authorization_code' ? { refresh_token: pending.refreshToken } : {}), familyId: pending.familyId };
  }
}

/**
 * Ends refresh-token families: the tokens a reused authorization code produced, or the sign-in
 * behind a hosted-pages session at /logout. Families already revoked are left as they are.
 */
export class RevokeOAuthFamiliesCommand extends UseCaseCommand<{ clientId?: string; familyIds: string[] }, void> {}

@CommandHandler(RevokeOAuthFamiliesCommand)
export class RevokeOAuthFamiliesHandler implements ICommandHandler<RevokeOAuthFamiliesCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: RevokeOAuthFamiliesCommand): Promise<void> {
    const now = this.clock.now();
    for (const familyId of input.familyIds) {
      await handleCommand({
        store: this.store,
        streamId: refreshFamilyStream(familyId),
        decider: refreshTokenDecider,
        context,
        now,
        retries: 3,
        // Without a client (a hosted-pages session ended at /logout) the family's own client ends it.
        command: (family) => ({
          type: 'RevokeRefreshTokenFamily' as const,
          clientId: input.clientId ?? (family.exists ? family.clientId : ''),
          now: now.toISOString(),
        }),
      }).catch((error: unknown) => {
        // A family of another client (or none) is not this client's to end.
        if (!(error instanceof NotAuthorizedError)) throw error;
      });
    }
  }
}

/**
 * The token endpoint's refresh_token grant (the client is authenticated by the OAuth surface):
 * the API's refresh (rotation, grace period, reuse detection) and, for a family an OAuth grant
 * started, tokens with the scopes it was granted.
 */
export class OAuthRefreshCommand extends UseCaseCommand<{ clientId: string; refreshToken: string }, OAuthTokenResponse> {}

@CommandHandler(OAuthRefreshCommand)
export class OAuthRefreshHandler implements ICommandHandler<OAuthRefreshCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly clients: AppClients,
    private readonly refresh: RefreshTokens,
    private readonly signer: OAuthTokenSigner,
  ) {}

  async execute({ input, context }: OAuthRefreshCommand): Promise<OAuthTokenResponse> {
    const caller = await this.clients.caller(input.clientId);
    // A family an OAuth grant started gets tokens signed here, with its scopes (the hook runs once, for those).
    const ref = parseRefreshToken(input.refreshToken);
    const scope = ref ? await this.signer.scopeOf(ref.familyId) : undefined;
    const result = await this.refresh.use({ caller, refreshToken: input.refreshToken, context, callerSigns: scope !== undefined }).catch((error: unknown) => {
      throw error instanceof NotAuthorizedError ? new OAuthError('invalid_grant', error.message) : error;
    });
    const rotated = result.RefreshToken ? { refresh_token: result.RefreshToken } : {};
    if (!ref || scope === undefined)
      return { access_token: result.AccessToken, id_token: result.IdToken, token_type: 'Bearer', expires_in: result.ExpiresIn, ...rotated };
    const user = signedInUser(await loadUser(this.store, ref.poolId, ref.sub));
    if (!user) throw new OAuthError('invalid_grant', 'Refresh Token has been revoked');
    const authTime = Number(decodeJwt(result.IdToken).auth_time);
    return {
      ...(await this.signer.sign(caller.client, user, ref.familyId, authTime, scope, undefined, { source: 'TokenGeneration_RefreshTokens', context })),
      ...rotated,
    };
  }
}

/** The scopes a client may get: those it asked for (all it is allowed when none), each allowed and existing. */
async function grantedScopes(store: EventStore, client: ActiveClient, requested: string | undefined, standard: boolean): Promise<string> {
  const allowed = client.settings.allowedOAuthScopes;
  const custom = customScopes(await loadResourceServers(store, client.poolId));
  const exists = (s: string) => custom.has(s) || (standard && (STANDARD_SCOPES as readonly string[]).includes(s));
  const asked = requested === undefined || requested.trim() === '' ? allowed.filter(exists) : [...new Set(requested.split(' ').filter(Boolean))];
  const refused = asked.find((s) => !allowed.includes(s) || !exists(s));
  if (refused !== undefined || asked.length === 0) throw new OAuthError('invalid_scope', refused ? `invalid scope requested: ${refused}` : 'no scope granted');
  return asked.join(' ');
}

/** The client_credentials grant: an access token for the client itself, with custom (resource-server) scopes. */
export class ClientCredentialsCommand extends UseCaseCommand<{ clientId: string; scope?: string }, OAuthTokenResponse> {}

@CommandHandler(ClientCredentialsCommand)
export class ClientCredentialsHandler implements ICommandHandler<ClientCredentialsCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly clients: AppClients,
    private readonly signer: OAuthTokenSigner,
  ) {}

  async execute({ input }: ClientCredentialsCommand): Promise<OAuthTokenResponse> {
    const client = await this.clients.load(input.clientId);
    const s = client.settings;
    if (!s.allowedOAuthFlowsUserPoolClient || !s.allowedOAuthFlows.includes('client_credentials')) {
      throw new OAuthError('unauthorized_client', 'the client is not allowed the client_credentials grant');
    }
    const scope = await grantedScopes(this.store, client, input.scope, false);
    return this.signer.clientCredentials(client, scope, this.clock.now());
  }
}

/** Scopes an authorization request may ask for (checked by the OAuth surface before it asks the user to sign in). */
export class AuthorizationScopesQuery extends UseCaseQuery<{ clientId: string; scope?: string }, string> {}

@QueryHandler(AuthorizationScopesQuery)
export class AuthorizationScopesHandler implements IQueryHandler<AuthorizationScopesQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly clients: AppClients,
  ) {}

  async execute({ input }: AuthorizationScopesQuery): Promise<string> {
    return grantedScopes(this.store, await this.clients.load(input.clientId), input.scope, true);
  }
}

/** What each standard scope lets userInfo show (Cognito's and OIDC's mapping). */
const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
    'address',
  ],
};

/**
 * The userInfo endpoint: the access token is verified as every API call verifies it (signature,
 * revocation, global sign-out); the claims are those its scopes allow (all the client may read
 * with aws.cognito.signin.user.admin), never developer-only attributes.
 */
export class OAuthUserInfoQuery extends UseCaseQuery<{ accessToken: string }, Record<string, unknown>> {}

@QueryHandler(OAuthUserInfoQuery)
export class OAuthUserInfoHandler implements IQueryHandler<OAuthUserInfoQuery> {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly clients: AppClients,
  ) {}

  async execute({ input }: OAuthUserInfoQuery): Promise<Record<string, unknown>> {
    const owner = await this.tokens.verify(input.accessToken).catch((error: unknown) => {
      throw error instanceof NotAuthorizedError ? new OAuthError('invalid_token', error.message) : error;
    });
    const scopes = new Set(String(decodeJwt(input.accessToken).scope ?? '').split(' '));
    if (!scopes.has('openid') && !scopes.has('aws.cognito.signin.user.admin')) throw new OAuthError('invalid_token', 'the access token has no openid scope');
    const client = await this.clients.load(owner.clientId, owner.poolId);
    const readable = client.settings.readAttributes;
    const user = owner.user as ExistingUserState;
    const shown = (name: string) =>
      !name.startsWith('dev:') &&
      (readable.length === 0 || readable.includes(name) || name.endsWith('_verified')) &&
      (scopes.has('aws.cognito.signin.user.admin') || [...scopes].some((s) => SCOPE_CLAIMS[s]?.includes(name)));
    const claims: Record<string, unknown> = { sub: user.sub };
    for (const [name, value] of Object.entries(user.attributes)) {
      if (name === 'sub' || !shown(name)) continue;
      claims[name] = name.endsWith('_verified') ? value === 'true' : value;
    }
    return { ...claims, username: user.username };
  }
}

export const OAUTH_USE_CASE_HANDLERS = [
  OAuthAccountHandler,
  ExchangeAuthorizationCodeHandler,
  RevokeOAuthFamiliesHandler,
  OAuthRefreshHandler,
  ClientCredentialsHandler,
  AuthorizationScopesHandler,
  OAuthUserInfoHandler,
];
