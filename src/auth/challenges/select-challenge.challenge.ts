import { InvalidParameterError, NotAuthorizedError } from '../../shared/domain-error.js';
import type { UserState } from '../../user-pools/user.decider.js';
import { userStream } from '../../user-pools/user.events.js';
import type { FirstChallenge } from '../first-factors.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer, SignInRequest } from '../flows/flow.js';
import { findSignInUser, requireParameters } from '../flows/sign-in-steps.js';
import { startFirstChallenge } from '../flows/user-auth.flow.js';
import type { SignInServices } from '../sign-in-services.js';

/**
 * SELECT_CHALLENGE: the user's choice (ANSWER) among the AvailableChallenges USER_AUTH offered,
 * with that challenge's own parameters (PASSWORD, SRP_A); the choice starts as PREFERRED_CHALLENGE
 * would have. A choice that was not offered is refused, nothing sent.
 */
async function answerSelectChallenge(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { caller, responses } = response;
  const pending = s.sessions.resume(caller, response.session, 'SELECT_CHALLENGE');
  requireParameters({ parameters: responses }, 'USERNAME', 'ANSWER');
  const choices = pending.progress?.choices ?? [];
  if (!choices.includes(responses.ANSWER)) throw new InvalidParameterError(`The challenge ${responses.ANSWER} is not available for this user.`);
  // The named user must be the one the session was opened for (or, when the name matched no one, still no one).
  const named = await findSignInUser(s, caller.pool, responses.USERNAME);
  const user: UserState = pending.sub ? await s.users.read(userStream(caller.pool.poolId, pending.sub)) : { exists: false };
  caller.checkSecretHash(user.exists ? [responses.USERNAME, user.username, user.sub] : [responses.USERNAME], responses.SECRET_HASH);
  if (named.exists !== user.exists || (named.exists && user.exists && named.sub !== user.sub)) throw new NotAuthorizedError('Invalid session for the user.');
  const request: SignInRequest = {
    flow: 'USER_AUTH',
    surface: response.surface,
    caller,
    parameters: { ...responses, ...(pending.progress?.deviceKey && !responses.DEVICE_KEY ? { DEVICE_KEY: pending.progress.deviceKey } : {}) },
    clientMetadata: response.clientMetadata,
    context: response.context,
    now: response.now,
  };
  return startFirstChallenge(s, request, user, responses.ANSWER as FirstChallenge);
}

export const selectChallenge: ChallengeHandler = { run: answerSelectChallenge };
