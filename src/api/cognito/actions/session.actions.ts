import { z } from 'zod';
import {
  AdminListUserSessionsQuery,
  AdminRevokeUserSessionCommand,
  ListUserSessionsQuery,
  RevokeUserSessionCommand,
} from '../../../auth/sessions/session.use-cases.js';
import type { SessionView } from '../../../auth/sessions/sessions.js';
import {
  GetUserPoolClientSessionConfigurationQuery,
  GetUserPoolSessionConfigurationQuery,
  SetUserPoolClientSessionConfigurationCommand,
  SetUserPoolSessionConfigurationCommand,
  type ClientSessionConfiguration,
  type PoolSessionConfiguration,
} from '../../../user-pools/sessions/session-config.use-cases.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { accessToken, clientId, nextToken, userPoolId, username } from './members.js';

const sessionId = z.string().min(1).max(128);
/** LINKED also revokes the SSO session a token session came through; there are none until managed login exists. */
const revokeAssociated = z.enum(['NONE', 'LINKED']).optional();

/** Cognito's SessionDescriptionType for a token session (no SSO sessions without managed login; no geo-IP, so no LastLocation). */
const sessionType = (s: SessionView) => ({
  SessionId: s.sessionId,
  SessionType: 'TOKEN',
  ClientId: s.clientId,
  CreateDate: epochSeconds(s.createdAt),
  LastActiveDate: epochSeconds(s.lastActiveAt),
  DeviceType: s.userAgent ? s.userAgent.slice(0, 1024) : 'unknown',
  ...(s.lastIpAddress ? { LastIPAddress: s.lastIpAddress.slice(0, 128) } : {}),
  IsCurrentSession: s.isCurrent,
});

export const listUserSessions = action({
  auth: 'public',
  // One page of up to 125 sessions: NextToken is accepted and never returned.
  input: z.object({ AccessToken: accessToken, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    return { Sessions: (await ctx.queries.execute(new ListUserSessionsQuery({ accessToken: input.AccessToken }, ctx.request))).map(sessionType) };
  },
});

export const adminListUserSessions = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    return {
      Sessions: (await ctx.queries.execute(new AdminListUserSessionsQuery({ poolId: input.UserPoolId, username: input.Username }, ctx.request))).map(
        sessionType,
      ),
    };
  },
});

export const revokeUserSession = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, SessionId: sessionId, RevokeAssociatedSessions: revokeAssociated }),
  async handle(input, ctx) {
    await ctx.commands.execute(new RevokeUserSessionCommand({ accessToken: input.AccessToken, sessionId: input.SessionId }, ctx.request));
    return {};
  },
});

export const adminRevokeUserSession = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, SessionId: sessionId, RevokeAssociatedSessions: revokeAssociated }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new AdminRevokeUserSessionCommand({ poolId: input.UserPoolId, username: input.Username, sessionId: input.SessionId }, ctx.request),
    );
    return {};
  },
});

const poolConfig = (c: PoolSessionConfiguration) => ({
  UserPoolId: c.poolId,
  UserSessionTracking: c.userSessionTracking,
  TokenSession: { MaxPerUser: c.maxPerUser },
});
const clientConfig = (c: ClientSessionConfiguration) => ({
  UserPoolId: c.poolId,
  ClientId: c.clientId,
  SSOSession: { MaxValidityMinutes: c.maxValidityMinutes },
});

export const getUserPoolSessionConfiguration = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    return poolConfig(await ctx.queries.execute(new GetUserPoolSessionConfigurationQuery({ poolId: input.UserPoolId }, ctx.request)));
  },
});

export const setUserPoolSessionConfiguration = action({
  auth: 'admin',
  // A full replacement: every member is required (Cognito's API reference).
  input: z.object({
    UserPoolId: userPoolId,
    UserSessionTracking: z.enum(['ENABLED', 'DISABLED']),
    TokenSession: z.object({ MaxPerUser: z.number().int().min(1).max(100) }),
  }),
  async handle(input, ctx) {
    const set = await ctx.commands.execute(
      new SetUserPoolSessionConfigurationCommand(
        { poolId: input.UserPoolId, userSessionTracking: input.UserSessionTracking, maxPerUser: input.TokenSession.MaxPerUser },
        ctx.request,
      ),
    );
    return poolConfig(set);
  },
});

export const getUserPoolClientSessionConfiguration = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId }),
  async handle(input, ctx) {
    return clientConfig(
      await ctx.queries.execute(new GetUserPoolClientSessionConfigurationQuery({ poolId: input.UserPoolId, clientId: input.ClientId }, ctx.request)),
    );
  },
});

export const setUserPoolClientSessionConfiguration = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId, SSOSession: z.object({ MaxValidityMinutes: z.number().int().min(0).max(129600) }) }),
  async handle(input, ctx) {
    const set = await ctx.commands.execute(
      new SetUserPoolClientSessionConfigurationCommand(
        { poolId: input.UserPoolId, clientId: input.ClientId, maxValidityMinutes: input.SSOSession.MaxValidityMinutes },
        ctx.request,
      ),
    );
    return clientConfig(set);
  },
});

/** The session actions, spread into the action table (services.ts). */
export const SESSION_ACTIONS = {
  ListUserSessions: listUserSessions,
  AdminListUserSessions: adminListUserSessions,
  RevokeUserSession: revokeUserSession,
  AdminRevokeUserSession: adminRevokeUserSession,
  GetUserPoolSessionConfiguration: getUserPoolSessionConfiguration,
  SetUserPoolSessionConfiguration: setUserPoolSessionConfiguration,
  GetUserPoolClientSessionConfiguration: getUserPoolClientSessionConfiguration,
  SetUserPoolClientSessionConfiguration: setUserPoolClientSessionConfiguration,
};
