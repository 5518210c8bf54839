import type { AuthEventView } from '../../auth/queries/auth-events.js';
import type { SignInAnswer } from '../../auth/flows/flow.js';
import type { AuthenticationResult } from '../../auth/tokens/token-issuer.js';
import type { CodeDeliveryDetails } from '../../user-pools/codes.js';
import type { PoolView } from '../../user-pools/commands/pool-view.js';
import type { DirectoryUser } from '../../user-pools/directory/user-rows.js';
import type { ActiveGroup } from '../../user-pools/groups/group.decider.js';
import type { ExistingUser } from '../../user-pools/users.js';

/**
 * Use-case results as the REST and GraphQL surfaces show them (camelCase, no Cognito framing).
 * Mapping only: what a caller may see was decided by the use case.
 */
export const poolOut = (pool: PoolView) => {
  const { revision: _revision, ...rest } = pool;
  return rest;
};

/** A user from its own stream: never its secrets (hashes, codes, factors). */
export const userOut = (user: ExistingUser, attributes?: Array<{ Name: string; Value: string }>) => ({
  sub: user.sub,
  username: user.username,
  status: user.status,
  enabled: user.enabled,
  attributes: attributes ? Object.fromEntries(attributes.map((a) => [a.Name, a.Value])) : { ...user.attributes, sub: user.sub },
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

export const directoryUserOut = (u: DirectoryUser) => ({
  sub: u.sub,
  username: u.username,
  status: u.status,
  enabled: u.enabled,
  attributes: u.attributes,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

export const groupOut = (g: ActiveGroup) => ({
  groupName: g.groupName,
  poolId: g.poolId,
  ...(g.description !== undefined ? { description: g.description } : {}),
  ...(g.precedence !== undefined ? { precedence: g.precedence } : {}),
  ...(g.roleArn !== undefined ? { roleArn: g.roleArn } : {}),
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
});

export const deliveryOut = (d: CodeDeliveryDetails) => ({ destination: d.Destination, deliveryMedium: d.DeliveryMedium, attributeName: d.AttributeName });

export const tokensOut = (t: AuthenticationResult) => ({
  accessToken: t.AccessToken,
  idToken: t.IdToken,
  ...(t.RefreshToken !== undefined ? { refreshToken: t.RefreshToken } : {}),
  expiresIn: t.ExpiresIn,
  tokenType: t.TokenType,
});

export const signInOut = (answer: SignInAnswer) =>
  'AuthenticationResult' in answer
    ? { tokens: tokensOut(answer.AuthenticationResult) }
    : {
        challenge: { name: answer.ChallengeName, ...(answer.Session !== undefined ? { session: answer.Session } : {}), parameters: answer.ChallengeParameters },
      };

export const authEventOut = (e: AuthEventView) => e;
