import { z } from 'zod';
import { authenticateAccessToken } from '../../../auth/access-token.js';
import type { AuthFlowName } from '../../../auth/auth-log.events.js';
import { checkClientSecret, checkSecretHash, clientAndPool, requireFlow } from '../../../auth/client-auth.js';
import { passwordAuth } from '../../../auth/password-auth.js';
import { refreshAuth, revokeRefreshToken } from '../../../auth/refresh-auth.js';
import { respondNewPassword } from '../../../auth/new-password-challenge.js';
import { InvalidParameterError } from '../../../shared/domain-error.js';
import { loadPool } from '../../../user-pools/user-pool.repository.js';
import { loadClient } from '../../../user-pools/clients/client.repository.js';
import { attributeList, loadUserByName, runUserCommand } from '../../../user-pools/commands/user-admin.js';
import { action, type ActionContext } from '../cognito-action.js';
import { accessToken, clientId, clientMetadata, userPoolId, username } from './members.js';

const authParameters = z.record(z.string().max(128), z.string().max(131072)).optional();

/** REFRESH_TOKEN_AUTH: SECRET_HASH (when the client has a secret) names the user by username or sub. */
async function refresh(ctx: ActionContext, client: Awaited<ReturnType<typeof clientAndPool>>['client'], params: Record<string, string>) {
  const result = await refreshAuth(ctx.platform, {
    client,
    refreshToken: params.REFRESH_TOKEN,
    context: ctx.request,
    beforeUse: (user) => checkSecretHash(ctx.platform, client, [params.USERNAME ?? '', user.username, user.sub].filter(Boolean), params.SECRET_HASH),
  });
  return { AuthenticationResult: result, ChallengeParameters: {} };
}

export const initiateAuth = action({
  auth: 'public',
  input: z.object({
    AuthFlow: z.enum(['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'USER_PASSWORD_AUTH', 'USER_AUTH', 'ADMIN_NO_SRP_AUTH', 'ADMIN_USER_PASSWORD_AUTH']),
    ClientId: clientId,
    AuthParameters: authParameters,
    ClientMetadata: clientMetadata,
    AnalyticsMetadata: z.unknown().optional(),
    UserContextData: z.unknown().optional(),
    Session: z.string().optional(),
  }),
  async handle(input, ctx) {
    const { client, pool } = await clientAndPool(ctx.platform, input.ClientId);
    const params = input.AuthParameters ?? {};
    switch (input.AuthFlow) {
      case 'USER_PASSWORD_AUTH':
        requireFlow(client, 'ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH');
        return passwordAuth(ctx.platform, { pool, client, flow: 'USER_PASSWORD_AUTH', parameters: params, context: ctx.request });
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN':
        requireFlow(client, 'ALLOW_REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN_AUTH');
        return refresh(ctx, client, params);
      case 'ADMIN_NO_SRP_AUTH':
      case 'ADMIN_USER_PASSWORD_AUTH':
        throw new InvalidParameterError(`${input.AuthFlow} is only valid with AdminInitiateAuth`);
      default:
        throw new InvalidParameterError(`${input.AuthFlow} is not supported by this service yet`);
    }
  },
});

export const adminInitiateAuth = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    ClientId: clientId,
    AuthFlow: z.enum(['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'USER_PASSWORD_AUTH', 'USER_AUTH', 'ADMIN_NO_SRP_AUTH', 'ADMIN_USER_PASSWORD_AUTH']),
    AuthParameters: authParameters,
    ClientMetadata: clientMetadata,
    AnalyticsMetadata: z.unknown().optional(),
    ContextData: z.unknown().optional(),
    Session: z.string().optional(),
  }),
  async handle(input, ctx) {
    const { client, pool } = await clientAndPool(ctx.platform, input.ClientId, input.UserPoolId);
    const params = input.AuthParameters ?? {};
    switch (input.AuthFlow) {
      case 'ADMIN_USER_PASSWORD_AUTH':
      case 'ADMIN_NO_SRP_AUTH': {
        requireFlow(client, 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH');
        const flow: AuthFlowName = input.AuthFlow;
        return passwordAuth(ctx.platform, { pool, client, flow, parameters: params, context: ctx.request });
      }
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN':
        requireFlow(client, 'ALLOW_REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN_AUTH');
        return refresh(ctx, client, params);
      default:
        throw new InvalidParameterError(`${input.AuthFlow} is not supported by AdminInitiateAuth here yet`);
    }
  },
});

export const getTokensFromRefreshToken = action({
  auth: 'public',
  input: z.object({
    RefreshToken: z.string().min(1).max(131072),
    ClientId: clientId,
    ClientSecret: z.string().min(1).max(64).optional(),
    ClientMetadata: clientMetadata,
  }),
  async handle(input, ctx) {
    const { client } = await clientAndPool(ctx.platform, input.ClientId);
    requireFlow(client, 'ALLOW_REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN_AUTH');
    checkClientSecret(ctx.platform, client, input.ClientSecret);
    return { AuthenticationResult: await refreshAuth(ctx.platform, { client, refreshToken: input.RefreshToken, context: ctx.request }) };
  },
});

export const revokeToken = action({
  auth: 'public',
  input: z.object({ Token: z.string().min(1).max(131072), ClientId: clientId, ClientSecret: z.string().min(1).max(64).optional() }),
  async handle(input, ctx) {
    const { client } = await clientAndPool(ctx.platform, input.ClientId);
    checkClientSecret(ctx.platform, client, input.ClientSecret);
    await revokeRefreshToken(ctx.platform, client, input.Token, ctx.request);
    return {};
  },
});

export const getUser = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  async handle(input, ctx) {
    const owner = await authenticateAccessToken(ctx.platform, input.AccessToken);
    // A client with ReadAttributes sees only those (and the sub).
    const readable = (await loadClient(ctx.platform.store, owner.clientId, owner.poolId)).settings.readAttributes;
    const attributes = attributeList(owner.user).filter((a) => readable.length === 0 || a.Name === 'sub' || readable.includes(a.Name));
    return { Username: owner.user.username, UserAttributes: attributes, MFAOptions: [], UserMFASettingList: [] };
  },
});

export const globalSignOut = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  async handle(input, ctx) {
    const owner = await authenticateAccessToken(ctx.platform, input.AccessToken);
    const pool = await loadPool(ctx.platform.store, owner.poolId);
    await runUserCommand(ctx.platform, owner.streamId, () => ({ type: 'SignOutGlobally', now: new Date().toISOString() }), ctx.request, pool);
    return {};
  },
});

export const adminUserGlobalSignOut = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username }),
  async handle(input, ctx) {
    const { streamId, pool } = await loadUserByName(ctx.platform, input.UserPoolId, input.Username);
    await runUserCommand(ctx.platform, streamId, () => ({ type: 'SignOutGlobally', now: new Date().toISOString() }), ctx.request, pool);
    return {};
  },
});

const challengeInput = {
  ChallengeName: z.enum(['SMS_MFA', 'EMAIL_OTP', 'SOFTWARE_TOKEN_MFA', 'SELECT_MFA_TYPE', 'MFA_SETUP', 'PASSWORD_VERIFIER', 'CUSTOM_CHALLENGE', 'SELECT_CHALLENGE', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER', 'ADMIN_NO_SRP_AUTH', 'NEW_PASSWORD_REQUIRED', 'SMS_OTP', 'PASSWORD', 'WEB_AUTHN', 'PASSWORD_SRP']),
  ClientId: clientId,
  Session: z.string().min(20).max(2048).optional(),
  ChallengeResponses: z.record(z.string().max(256), z.string().max(131072)).optional(),
  ClientMetadata: clientMetadata,
  AnalyticsMetadata: z.unknown().optional(),
};

async function respond(ctx: ActionContext, input: { ChallengeName: string; ClientId: string; Session?: string | undefined; ChallengeResponses?: Record<string, string> | undefined }, poolId?: string) {
  const { client, pool } = await clientAndPool(ctx.platform, input.ClientId, poolId);
  if (input.ChallengeName !== 'NEW_PASSWORD_REQUIRED') throw new InvalidParameterError(`${input.ChallengeName} is not supported by this service yet`);
  return respondNewPassword(ctx.platform, { pool, client, session: input.Session, responses: input.ChallengeResponses ?? {}, context: ctx.request });
}

export const respondToAuthChallenge = action({
  auth: 'public',
  input: z.object({ ...challengeInput, UserContextData: z.unknown().optional() }),
  handle: (input, ctx) => respond(ctx, input),
});

export const adminRespondToAuthChallenge = action({
  auth: 'admin',
  input: z.object({ ...challengeInput, UserPoolId: userPoolId, ContextData: z.unknown().optional() }),
  handle: (input, ctx) => respond(ctx, input, input.UserPoolId),
});
