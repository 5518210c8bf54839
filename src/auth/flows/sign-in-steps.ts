import type { AppendOptions, StreamWrite } from '../../event-store/event-store.port.js';
import { withMetadata } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError, LimitExceededError } from '../../shared/domain-error.js';
import { signInNameCandidates, userClaims } from '../../user-pools/aliases.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import { type ExistingUserState, userDecider, type UserState } from '../../user-pools/user.decider.js';
import { subOfUserStream, type UserEvent } from '../../user-pools/user.events.js';
import { type AuthFlowName, type AuthLogEvent, authLogStream, unknownUserAuthLogStream } from '../auth-log.events.js';
import { LOCKOUT_LOOKBACK } from '../lockout.js';
import type { SignInOutcome } from '../sign-in.js';
import type { SignInServices } from '../sign-in-services.js';
import type { SignInAnswer, SignInRequest } from './flow.js';

/**
 * Steps every sign-in flow is made of, in the order flows run them. Each does one thing and
 * fails with a specific error; flows are short lists of these.
 */

/** The flow's required AuthParameters are present (Cognito names the first one missing). */
export function requireParameters(request: Pick<SignInRequest, 'parameters'>, ...names: string[]): void {
  for (const name of names) if (!request.parameters[name]) throw new InvalidParameterError(`Missing required parameter ${name}`);
}

/** The per-address limit on failed sign-ins. */
export function throttleAddress(s: SignInServices, request: SignInRequest): void {
  if (s.addressLimiter.isLimited(request.context.clientIp, request.now.getTime())) {
    throw new LimitExceededError('Too many failed sign-in attempts from this address; try again later.');
  }
}

/** The user a sign-in names, with the tail of its auth log (for the lockout), read together. */
export interface SignInUser {
  user: UserState;
  history: AuthLogEvent[];
}

/**
 * Finds the user by sign-in name: a remembered username → stream (checked against the user's
 * state on every use) or a lookup; reads the user's stream and the tail of its auth log in one
 * round trip. The lockout looks back only to the last success and is capped after ~15 failures,
 * so after a success one entry is enough, and the longer tail only follows a failure.
 */
export async function findSignInUser(s: SignInServices, pool: ActivePool, username: string): Promise<SignInUser> {
  const [byUsername] = signInNameCandidates(pool, username);
  const holdsUsername = (state: UserState) => state.exists && userClaims(pool, state).some((c) => c.scope === byUsername.scope && c.value === byUsername.value);
  const read = async (streamId: string): Promise<SignInUser> => {
    const logStream = authLogStream(pool.poolId, subOfUserStream(pool.poolId, streamId));
    const [userEvents, last] = await s.store.readStreams([{ streamId }, { streamId: logStream, last: 1 }]);
    const tail = last.length === 0 || last[0].type === 'SignInSucceeded' ? last : await s.store.readStream(logStream, { last: LOCKOUT_LOOKBACK });
    return { user: fold(userDecider, userEvents as never as UserEvent[]), history: tail as never as AuthLogEvent[] };
  };
  const remembered = s.names.get(byUsername.scope, byUsername.value);
  if (remembered) {
    const found = await read(remembered);
    if (holdsUsername(found.user)) return found;
    s.names.delete(byUsername.scope, byUsername.value);
  }
  const streamId = await s.users.resolve(pool, username);
  if (!streamId) return { user: { exists: false }, history: [] };
  const found = await read(streamId);
  if (holdsUsername(found.user)) s.names.set(byUsername.scope, byUsername.value, streamId);
  return found;
}

/**
 * The one place synchronous hooks run before a sign-in is decided (Cognito's pre authentication
 * trigger); a veto is an error, and nothing has been written yet.
 */
export async function beforeDecision(s: SignInServices, request: SignInRequest, user: UserState): Promise<void> {
  if (!user.exists) return;
  await s.triggers.invoke('PreAuthentication', {
    poolId: request.caller.pool.poolId,
    triggerSource: 'PreAuthentication_Authentication',
    userName: user.username,
    clientId: request.caller.clientId,
    request: { userAttributes: { ...user.attributes, sub: user.sub }, validationData: {}, userNotFound: false },
  });
}

/** The auth-log write of an attempt (off the user's main stream, so it stays short). */
export function logWrite(request: SignInRequest, user: UserState, flow: AuthFlowName, outcome: SignInOutcome): StreamWrite {
  const { caller, now, context } = request;
  const poolId = caller.pool.poolId;
  const sub = user.exists ? user.sub : undefined;
  const base = { poolId, clientId: caller.clientId, flow, at: now.toISOString() };
  const logged: AuthLogEvent =
    outcome.kind === 'failure'
      ? { type: 'SignInFailed', data: { ...base, ...(sub ? { sub } : {}), reason: outcome.reason } }
      : { type: 'SignInSucceeded', data: { ...base, sub: sub as string } };
  const options: AppendOptions = { expectedRevision: 'any' };
  return { streamId: sub ? authLogStream(poolId, sub) : unknownUserAuthLogStream(poolId), events: withMetadata([logged], context, now), options };
}

/**
 * Records the decided outcome and answers: a failure is logged and thrown; a challenge gets a
 * session; a success writes its log entry together with its new refresh-token family (one
 * append) and gets tokens.
 */
export async function recordAndAnswer(s: SignInServices, request: SignInRequest, user: UserState, flow: AuthFlowName, outcome: SignInOutcome): Promise<SignInAnswer> {
  const entry = logWrite(request, user, flow, outcome);
  if (outcome.kind === 'failure') {
    await s.store.append(entry.streamId, entry.events, entry.options);
    s.addressLimiter.recordFailure(request.context.clientIp, request.now.getTime());
    throw outcome.error;
  }
  if (!user.exists) throw new Error('unreachable: a sign-in without a user did not fail');
  if (outcome.kind === 'challenge') return newPasswordChallenge(s, request, user, flow);
  const pending = s.tokens.startSignIn(request.caller.client, user, request.context, request.now);
  await s.store.appendMany([pending.write, entry]);
  return { AuthenticationResult: await s.tokens.finishSignIn(request.caller.client, user, pending), ChallengeParameters: {} };
}

/** NEW_PASSWORD_REQUIRED: the user must choose a password; the answer continues in the challenge registry. */
function newPasswordChallenge(s: SignInServices, request: SignInRequest, user: ExistingUserState, flow: AuthFlowName): SignInAnswer {
  const requiredAttributes: string[] = [];
  const { sub: _sub, ...visible } = user.attributes;
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: s.sessions.open(request.caller, { sub: user.sub, challenge: 'NEW_PASSWORD_REQUIRED', flow }),
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: JSON.stringify(requiredAttributes), userAttributes: JSON.stringify(visible) },
  };
}
