import type { Platform } from '../platform/platform.js';
import { fold } from '../shared/decider.js';
import { InvalidParameterError, LimitExceededError } from '../shared/domain-error.js';
import type { RequestContext } from '../shared/request-context.js';
import { withMetadata } from '../shared/command-handler.js';
import type { ActiveClient } from '../user-pools/clients/client.repository.js';
import { resolveSignInName, signInNameCandidates, userClaims } from '../user-pools/aliases.js';
import type { ActivePool } from '../user-pools/user-pool.repository.js';
import { userDecider, type UserState } from '../user-pools/user.decider.js';
import { subOfUserStream, type UserEvent } from '../user-pools/user.events.js';
import { type AuthFlowName, type AuthLogEvent, authLogStream, unknownUserAuthLogStream } from './auth-log.events.js';
import { checkSecretHash } from './client-auth.js';
import { LOCKOUT_LOOKBACK, evolveLockout, initialLockout } from './lockout.js';
import { decidePasswordSignIn } from './sign-in.js';
import { type AuthenticationResult, issueSignInTokens } from './token-issuer.js';
import { newChallengeSession } from './challenge-session.js';
import { groupsForToken } from '../user-pools/groups/token-groups.js';

export type PasswordAuthResult =
  | { AuthenticationResult: AuthenticationResult; ChallengeParameters: Record<string, string> }
  | { ChallengeName: 'NEW_PASSWORD_REQUIRED'; Session: string; ChallengeParameters: Record<string, string> };

/**
 * USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH:
 * 1. check the client's secret hash, 2. find the user and its sign-in history,
 * 3. verify the password (a dummy hash when the user is unknown: same cost, no timing hint),
 * 4. decide, 5. record the attempt on the user's auth log, 6. answer with tokens, a challenge or the error.
 */
export async function passwordAuth(
  platform: Platform,
  args: { pool: ActivePool; client: ActiveClient; flow: AuthFlowName; parameters: Record<string, string>; context: RequestContext },
): Promise<PasswordAuthResult> {
  const { pool, client, flow, parameters, context } = args;
  const username = parameters.USERNAME;
  const password = parameters.PASSWORD;
  if (!username) throw new InvalidParameterError('Missing required parameter USERNAME');
  if (!password) throw new InvalidParameterError('Missing required parameter PASSWORD');
  if (platform.signInLimiter.isLimited(context.clientIp)) throw new LimitExceededError('Too many failed sign-in attempts from this address; try again later.');

  // 1-2. Client secret, user and history: the user's stream and the tail of its auth log in
  // one read, the user found by a remembered username (checked against the user's state) or a
  // lookup. The lockout only looks back to the last success, and is capped after ~15
  // failures: the tail of the (ever-growing) auth log is enough.
  const [byUsername] = signInNameCandidates(pool, username);
  const holdsUsername = (state: UserState) => state.exists && userClaims(pool, state).some((c) => c.scope === byUsername.scope && c.value === byUsername.value);
  const read = async (streamId: string) => {
    // After a success only the last entry matters (a success resets the count): read one, and
    // the longer tail only when the last attempt failed.
    const logStream = authLogStream(pool.poolId, subOfUserStream(pool.poolId, streamId));
    const [userEvents, last] = await platform.store.readStreams([{ streamId }, { streamId: logStream, last: 1 }]);
    const tail = last.length === 0 || last[0].type === 'SignInSucceeded' ? last : await platform.store.readStream(logStream, { last: LOCKOUT_LOOKBACK });
    return { user: fold(userDecider, userEvents as never as UserEvent[]), history: tail as never as AuthLogEvent[] };
  };
  let found: { user: UserState; history: AuthLogEvent[] } | undefined;
  const remembered = platform.signInNames.get(byUsername.scope, byUsername.value);
  if (remembered) {
    found = await read(remembered);
    if (!holdsUsername(found.user)) {
      platform.signInNames.delete(byUsername.scope, byUsername.value);
      found = undefined;
    }
  }
  if (!found) {
    const streamId = await resolveSignInName(platform, pool, username);
    if (streamId) {
      found = await read(streamId);
      if (holdsUsername(found.user)) platform.signInNames.set(byUsername.scope, byUsername.value, streamId);
    }
  }
  const user: UserState = found?.user ?? { exists: false };
  const history = found?.history ?? [];
  checkSecretHash(platform, client, user.exists ? [username, user.username, user.sub] : [username], parameters.SECRET_HASH);
  const logStream = user.exists ? authLogStream(pool.poolId, user.sub) : unknownUserAuthLogStream(pool.poolId);
  const lockout = history.reduce(evolveLockout, initialLockout());

  // 3-4. Password and decision.
  const passwordOk = user.exists ? await platform.hasher.verify(user.passwordHash, password) : await platform.hasher.verifyDummy(password);
  const now = new Date();
  const validityDays = pool.settings.passwordPolicy.temporaryPasswordValidityDays;
  const outcome = decidePasswordSignIn({
    user,
    lockout,
    passwordOk,
    hideUserExistence: client.settings.preventUserExistenceErrors === 'ENABLED',
    temporaryPasswordExpired: user.exists && user.status === 'FORCE_CHANGE_PASSWORD' && validityDays > 0 && now.getTime() - Date.parse(user.passwordSetAt) > validityDays * 86_400_000,
    now: now.toISOString(),
  });

  // 5. Every attempt is an event, off the user's main stream.
  const sub = user.exists ? user.sub : undefined;
  const base = { poolId: pool.poolId, clientId: client.clientId, flow, at: now.toISOString() };
  const logged: AuthLogEvent =
    outcome.kind === 'failure'
      ? { type: 'SignInFailed', data: { ...base, ...(sub ? { sub } : {}), reason: outcome.reason } }
      : { type: 'SignInSucceeded', data: { ...base, sub: sub as string } };
  const logWrite = { streamId: logStream, events: withMetadata([logged], context, now), options: { expectedRevision: 'any' as const } };
  // A success writes its log entry together with the new refresh-token family (step 6).
  if (outcome.kind !== 'success') await platform.store.append(logWrite.streamId, logWrite.events, logWrite.options);

  // 6. Answer.
  if (outcome.kind === 'failure') {
    platform.signInLimiter.recordFailure(context.clientIp);
    throw outcome.error;
  }
  if (!user.exists) throw new Error('unreachable: success without a user');
  if (outcome.kind === 'challenge') {
    const requiredAttributes: string[] = [];
    const { sub: _sub, ...visible } = user.attributes;
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: newChallengeSession(platform, { poolId: pool.poolId, clientId: client.clientId, sub: user.sub, challenge: 'NEW_PASSWORD_REQUIRED' }),
      ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: JSON.stringify(requiredAttributes), userAttributes: JSON.stringify(visible) },
    };
  }
  const tokens = await issueSignInTokens(
    platform,
    client,
    { poolId: pool.poolId, sub: user.sub, username: user.username, attributes: user.attributes, groups: await groupsForToken(platform, pool.poolId, user.sub) },
    context,
    [logWrite],
  );
  return { AuthenticationResult: tokens, ChallengeParameters: {} };
}

