import { WrongExpectedRevisionError } from '../../event-store/errors.js';
import { withMetadata } from '../../shared/command-handler.js';
import { NotAuthorizedError } from '../../shared/domain-error.js';
import { type CustomChallengeAnswered, customAuthStream } from '../custom-auth.events.js';
import { hookAttributes } from '../../user-pools/post-confirmation.js';
import type { UserState } from '../../user-pools/user.decider.js';
import { userStream } from '../../user-pools/user.events.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer } from '../flows/flow.js';
import { assertCanSignIn, type CustomAuthState, type CustomAuthStep, nextCustomStep } from '../flows/custom-auth.flow.js';
import { requireParameters } from '../flows/sign-in-steps.js';
import type { SignInServices } from '../sign-in-services.js';

const invalid = () => new NotAuthorizedError('Invalid session for the user.');

/**
 * CUSTOM_CHALLENGE, a step of CUSTOM_AUTH: the Session's pending challenge (this client, not
 * expired), the user as they are now, the verify hook's judgement of ANSWER against the create
 * hook's private parameters, then the define hook's next decision on the longer history.
 */
async function answerCustomChallenge(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { caller, responses, now } = response;
  const pool = caller.pool;
  const pending = s.sessions.resume(caller, response.session, 'CUSTOM_CHALLENGE');
  const state = pending.state?.customAuth as CustomAuthState | undefined;
  if (!state || pending.flow !== 'CUSTOM_AUTH') throw invalid();
  requireParameters({ parameters: responses }, 'USERNAME', 'ANSWER');
  const user: UserState = pending.sub ? await s.users.read(userStream(pool.poolId, pending.sub)) : { exists: false };
  if (pending.sub && !user.exists) throw invalid();
  caller.checkSecretHash(user.exists ? [responses.USERNAME, user.username, user.sub] : [responses.USERNAME], responses.SECRET_HASH);
  const step: CustomAuthStep = { caller, surface: response.surface, context: response.context, now, clientMetadata: response.clientMetadata, user };
  await assertCanSignIn(s, step);
  // This step's Session answers once: the step is claimed in the sign-in's stream before the verify hook runs.
  const answered: CustomChallengeAnswered = {
    type: 'CustomChallengeAnswered',
    data: { poolId: pool.poolId, ...(user.exists ? { sub: user.sub } : {}), clientId: caller.clientId, step: state.history.length + 1, at: now.toISOString() },
  };
  try {
    await s.store.append(customAuthStream(state.id), withMetadata([answered], response.context, now), {
      expectedRevision: state.history.length === 0 ? 'no_stream' : BigInt(state.history.length - 1),
    });
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw new NotAuthorizedError('Invalid session for the user, session can only be used once.');
    throw error;
  }
  const verified = await s.triggers.invoke({
    kind: 'VerifyAuthChallengeResponse',
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    poolId: pool.poolId,
    region: pool.region,
    lambdaConfig: pool.settings.lambdaConfig,
    userName: state.username,
    clientId: caller.clientId,
    request: {
      userAttributes: user.exists ? hookAttributes(user) : {},
      privateChallengeParameters: state.privateChallengeParameters,
      challengeAnswer: responses.ANSWER,
      clientMetadata: response.clientMetadata,
      userNotFound: state.userNotFound,
    },
    context: response.context,
  });
  // A name that matches no user never answers right.
  const correct = verified?.answerCorrect === true && user.exists;
  const history = [
    ...state.history,
    { challengeName: 'CUSTOM_CHALLENGE', challengeResult: correct, ...(state.challengeMetadata ? { challengeMetadata: state.challengeMetadata } : {}) },
  ];
  return nextCustomStep(s, step, { ...state, history, privateChallengeParameters: {}, challengeMetadata: undefined });
}

export const customChallenge: ChallengeHandler = { run: answerCustomChallenge };
