import { z } from 'zod';
import { COGNITO_CHALLENGES } from '../../../auth/challenges/registry.js';
import { InitiateAuthCommand } from '../../../auth/commands/initiate-auth.js';
import { GetTokensFromRefreshTokenCommand, RevokeTokenCommand } from '../../../auth/commands/refresh-tokens.js';
import { RespondToAuthChallengeCommand } from '../../../auth/commands/respond-to-auth-challenge.js';
import { COGNITO_AUTH_FLOWS } from '../../../auth/flows/registry.js';
import { UserLifecycleCommand } from '../../../user-pools/commands/user-lifecycle.js';
import { GetUserQuery } from '../../../user-pools/queries/get-user.js';
import { action } from '../cognito-action.js';
import { mfaSettingsOf } from './mfa.actions.js';
import { accessToken, clientId, clientMetadata, userPoolId, username } from './members.js';

const authParameters = z.record(z.string().max(128), z.string().max(131072)).optional();
const authFlow = z.enum(COGNITO_AUTH_FLOWS);

export const initiateAuth = action({
  auth: 'public',
  input: z.object({
    AuthFlow: authFlow,
    ClientId: clientId,
    AuthParameters: authParameters,
    ClientMetadata: clientMetadata,
    AnalyticsMetadata: z.unknown().optional(),
    UserContextData: z.unknown().optional(),
    Session: z.string().optional(),
  }),
  handle: (input, ctx) =>
    ctx.commands.execute(
      new InitiateAuthCommand(
        {
          flow: input.AuthFlow,
          surface: 'public',
          clientId: input.ClientId,
          parameters: input.AuthParameters ?? {},
          clientMetadata: input.ClientMetadata,
          session: input.Session,
        },
        ctx.request,
      ),
    ),
});

export const adminInitiateAuth = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    ClientId: clientId,
    AuthFlow: authFlow,
    AuthParameters: authParameters,
    ClientMetadata: clientMetadata,
    AnalyticsMetadata: z.unknown().optional(),
    ContextData: z.unknown().optional(),
    Session: z.string().optional(),
  }),
  handle: (input, ctx) =>
    ctx.commands.execute(
      new InitiateAuthCommand(
        {
          flow: input.AuthFlow,
          surface: 'admin',
          clientId: input.ClientId,
          poolId: input.UserPoolId,
          parameters: input.AuthParameters ?? {},
          clientMetadata: input.ClientMetadata,
          session: input.Session,
        },
        ctx.request,
      ),
    ),
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
    const tokens = await ctx.commands.execute(
      new GetTokensFromRefreshTokenCommand(
        { clientId: input.ClientId, clientSecret: input.ClientSecret, refreshToken: input.RefreshToken, clientMetadata: input.ClientMetadata },
        ctx.request,
      ),
    );
    return { AuthenticationResult: tokens };
  },
});

export const revokeToken = action({
  auth: 'public',
  input: z.object({ Token: z.string().min(1).max(131072), ClientId: clientId, ClientSecret: z.string().min(1).max(64).optional() }),
  async handle(input, ctx) {
    await ctx.commands.execute(new RevokeTokenCommand({ clientId: input.ClientId, clientSecret: input.ClientSecret, token: input.Token }, ctx.request));
    return {};
  },
});

export const getUser = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  async handle(input, ctx) {
    const { user, attributes } = await ctx.queries.execute(new GetUserQuery({ target: { accessToken: input.AccessToken } }, ctx.request));
    return { Username: user.username, UserAttributes: attributes, ...mfaSettingsOf(user) };
  },
});

export const globalSignOut = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  async handle(input, ctx) {
    await ctx.commands.execute(new UserLifecycleCommand({ target: { accessToken: input.AccessToken }, action: 'SignOutGlobally' }, ctx.request));
    return {};
  },
});

export const adminUserGlobalSignOut = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new UserLifecycleCommand({ target: { poolId: input.UserPoolId, username: input.Username }, action: 'SignOutGlobally' }, ctx.request),
    );
    return {};
  },
});

const challengeInput = {
  ChallengeName: z.enum(COGNITO_CHALLENGES),
  ClientId: clientId,
  Session: z.string().min(20).max(2048).optional(),
  ChallengeResponses: z.record(z.string().max(256), z.string().max(131072)).optional(),
  ClientMetadata: clientMetadata,
  AnalyticsMetadata: z.unknown().optional(),
};

export const respondToAuthChallenge = action({
  auth: 'public',
  input: z.object({ ...challengeInput, UserContextData: z.unknown().optional() }),
  handle: (input, ctx) =>
    ctx.commands.execute(
      new RespondToAuthChallengeCommand(
        {
          challenge: input.ChallengeName,
          surface: 'public',
          clientId: input.ClientId,
          session: input.Session,
          responses: input.ChallengeResponses ?? {},
          clientMetadata: input.ClientMetadata,
        },
        ctx.request,
      ),
    ),
});

export const adminRespondToAuthChallenge = action({
  auth: 'admin',
  input: z.object({ ...challengeInput, UserPoolId: userPoolId, ContextData: z.unknown().optional() }),
  handle: (input, ctx) =>
    ctx.commands.execute(
      new RespondToAuthChallengeCommand(
        {
          challenge: input.ChallengeName,
          surface: 'admin',
          clientId: input.ClientId,
          poolId: input.UserPoolId,
          session: input.Session,
          responses: input.ChallengeResponses ?? {},
          clientMetadata: input.ClientMetadata,
        },
        ctx.request,
      ),
    ),
});
