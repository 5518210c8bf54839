import { NotAuthorizedError } from '../../shared/domain-error.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { userStream } from '../../user-pools/user.events.js';
import type { ChallengeResponse, SignInRequest } from '../flows/flow.js';
import type { SignInContext } from '../flows/sign-in-continuation.js';
import { requireParameters } from '../flows/sign-in-steps.js';
import type { SignInProgress } from '../mfa/sign-in-progress.js';
import type { SignInServices } from '../sign-in-services.js';

/** A sign-in picked up again from its challenge's Session. */
export interface ResumedSignIn {
  at: SignInContext;
  user: ExistingUserState;
  progress: SignInProgress;
  /** The same as a request, for the sign-in guard. */
  request: SignInRequest;
}

const invalid = () => new NotAuthorizedError('Invalid session for the user.');

/**
 * The Session of `challenge` through this client, the user as they are now (still there and
 * enabled), USERNAME and the client's SECRET_HASH.
 */
export async function resumeSignIn(s: SignInServices, response: ChallengeResponse, challenge: string): Promise<ResumedSignIn> {
  const { caller, responses, now } = response;
  const pending = s.sessions.resume(caller, response.session, challenge);
  if (!pending.progress) throw invalid();
  requireParameters({ parameters: responses }, 'USERNAME');
  const user = await s.users.read(userStream(caller.pool.poolId, pending.sub));
  if (!user.exists) throw invalid();
  caller.checkSecretHash([responses.USERNAME, user.username, user.sub], responses.SECRET_HASH);
  if (!user.enabled) throw new NotAuthorizedError('User is disabled.');
  const at: SignInContext = { caller, flow: pending.flow, surface: response.surface, context: response.context, now };
  const request: SignInRequest = {
    flow: pending.flow,
    surface: response.surface,
    caller,
    parameters: responses,
    clientMetadata: response.clientMetadata,
    context: response.context,
    now,
  };
  return { at, user, progress: pending.progress, request };
}
