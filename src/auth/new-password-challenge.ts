import type { Platform } from '../platform/platform.js';
import { fold } from '../shared/decider.js';
import { InvalidParameterError, NotAuthorizedError } from '../shared/domain-error.js';
import type { RequestContext } from '../shared/request-context.js';
import type { ActiveClient } from '../user-pools/clients/client.repository.js';
import { assertPasswordPolicy } from '../user-pools/password-policy.js';
import { runUserCommand } from '../user-pools/commands/user-admin.js';
import { updateUserAttributes } from '../user-pools/commands/user-attributes.js';
import type { ActivePool } from '../user-pools/user-pool.repository.js';
import { userDecider } from '../user-pools/user.decider.js';
import { type UserEvent, userStream } from '../user-pools/user.events.js';
import { withMetadata } from '../shared/command-handler.js';
import { groupsForToken } from '../user-pools/groups/token-groups.js';
import { authLogStream } from './auth-log.events.js';
import { checkSecretHash } from './client-auth.js';
import { openChallengeSession } from './challenge-session.js';
import { type AuthenticationResult, issueSignInTokens } from './token-issuer.js';

/**
 * RespondToAuthChallenge / AdminRespondToAuthChallenge with NEW_PASSWORD_REQUIRED: the session
 * from the sign-in, the user's new password (and any attributes the pool requires), then tokens.
 */
export async function respondNewPassword(
  platform: Platform,
  args: { pool: ActivePool; client: ActiveClient; session: string | undefined; responses: Record<string, string>; context: RequestContext },
): Promise<{ AuthenticationResult: AuthenticationResult; ChallengeParameters: Record<string, string> }> {
  const { pool, client, responses, context } = args;
  const session = openChallengeSession(platform, args.session);
  if (session.clientId !== client.clientId || session.poolId !== pool.poolId) throw new NotAuthorizedError('Invalid session for the user.');
  const password = responses.NEW_PASSWORD;
  if (!password) throw new InvalidParameterError('Missing required parameter NEW_PASSWORD');
  const streamId = userStream(pool.poolId, session.sub);
  const user = fold(userDecider, (await platform.store.readStream(streamId)) as never as UserEvent[]);
  if (!user.exists) throw new NotAuthorizedError('Invalid session for the user.');
  checkSecretHash(platform, client, [responses.USERNAME ?? '', user.username, user.sub].filter(Boolean), responses.SECRET_HASH);
  assertPasswordPolicy(password, pool.settings.passwordPolicy);

  // Attributes given with the answer (`userAttributes.<name>`) are set first, as Cognito does.
  const attributes = Object.fromEntries(
    Object.entries(responses).filter(([k]) => k.startsWith('userAttributes.')).map(([k, v]) => [k.slice('userAttributes.'.length), v]),
  );
  if (Object.keys(attributes).length > 0) {
    await updateUserAttributes(platform, { pool, user, streamId, attributes, byAdmin: false, context });
  }
  const newPasswordHash = await platform.hasher.hash(password);
  const { state } = await runUserCommand(
    platform,
    streamId,
    () => ({ type: 'SetPassword', newPasswordHash, permanent: true, reason: 'NEW_PASSWORD_CHALLENGE', reusesRecentPassword: false, now: new Date().toISOString() }),
    context,
    pool,
  );
  if (!state.exists) throw new NotAuthorizedError('Invalid session for the user.');
  const now = new Date();
  const logged = withMetadata([{ type: 'SignInSucceeded', data: { poolId: pool.poolId, sub: state.sub, clientId: client.clientId, flow: 'NEW_PASSWORD_REQUIRED', at: now.toISOString() } }], context, now);
  const tokens = await issueSignInTokens(
    platform,
    client,
    { poolId: pool.poolId, sub: state.sub, username: state.username, attributes: state.attributes, groups: await groupsForToken(platform, pool.poolId, state.sub) },
    context,
    [{ streamId: authLogStream(pool.poolId, state.sub), events: logged, options: { expectedRevision: 'any' } }],
  );
  return { AuthenticationResult: tokens, ChallengeParameters: {} };
}
