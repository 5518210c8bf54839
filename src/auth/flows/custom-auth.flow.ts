import { withMetadata } from '../../shared/command-handler.js';
import type { DomainError } from '../../shared/domain-error.js';
import { InvalidParameterError, NotAuthorizedError, PasswordResetRequiredError, UserNotConfirmedError, UserNotFoundError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { WrongExpectedRevisionError } from '../../event-store/errors.js';
import type { StreamWrite } from '../../event-store/event-store.port.js';
import type { ClientCaller } from '../../user-pools/clients/client-rules.js';
import { hookAttributes } from '../../user-pools/post-confirmation.js';
import type { ExistingUserState, UserState } from '../../user-pools/user.decider.js';
import { type AuthLogEvent, authLogStream, type SignInFailureReason } from '../auth-log.events.js';
import type { SignInServices } from '../sign-in-services.js';
import type { AuthFlowHandler, SignInAnswer, SignInRequest, SignInSurface } from './flow.js';
import { beforeDecision, findSignInUser, requireParameters } from './sign-in-steps.js';

/** One step of a custom sign-in, as Cognito's define / create challenge hooks see the session. */
export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

/** What a CUSTOM_AUTH sign-in carries between its steps, sealed in its Session (never in clear). */
export interface CustomAuthState {
  /** The sign-in's id (its refresh family's: the answer that ends it counts once). */
  id: string;
  /** The name the user typed (the hooks' userName when no user holds it). */
  username: string;
  history: ChallengeResult[];
  /** The create hook's private parameters (the expected answer): the verify hook gets them back. */
  privateChallengeParameters: Record<string, string>;
  challengeMetadata?: string;
  userNotFound: boolean;
}

/** Where a custom sign-in stands: who, through which client, with what. */
export interface CustomAuthStep {
  caller: ClientCaller;
  surface: SignInSurface;
  context: RequestContext;
  now: Date;
  clientMetadata: Record<string, string>;
  user: UserState;
}

/**
 * CUSTOM_AUTH: the pool's define auth challenge hook decides each step from the session so far
 * (the challenges asked and whether each was answered right); the create hook makes each
 * CUSTOM_CHALLENGE, the verify hook checks its answer (challenges/custom-challenge). With SRP_A
 * the first step is the password, over SRP (CHALLENGE_NAME SRP_A). A name no user holds goes
 * through the hooks with userNotFound when the client hides user existence.
 */
async function customSignIn(request: SignInRequest, s: SignInServices): Promise<SignInAnswer> {
  const { caller, parameters } = request;
  requireParameters(request, 'USERNAME');
  const user = await findSignInUser(s, caller.pool, parameters.USERNAME);
  caller.checkSecretHash(user.exists ? [parameters.USERNAME, user.username, user.sub] : [parameters.USERNAME], parameters.SECRET_HASH);
  if (!user.exists && !caller.hidesUserExistence) throw new UserNotFoundError('User does not exist.');
  if (!s.triggers.configured(caller.pool.settings.lambdaConfig, 'DefineAuthChallenge')) {
    throw new InvalidParameterError('Custom auth lambda trigger is not configured for the user pool.');
  }
  const step: CustomAuthStep = { caller, surface: request.surface, context: request.context, now: request.now, clientMetadata: request.clientMetadata, user };
  await assertCanSignIn(s, step);
  await beforeDecision(s, request, user);
  const state: CustomAuthState = {
    id: s.ids.uuid(),
    username: user.exists ? user.username : parameters.USERNAME,
    history: [],
    privateChallengeParameters: {},
    userNotFound: !user.exists,
  };
  return nextCustomStep(s, step, state);
}

/** The user may sign in at all (Cognito's checks before any hook). */
export async function assertCanSignIn(s: SignInServices, step: CustomAuthStep): Promise<void> {
  const { user } = step;
  if (!user.exists) return;
  const refuse = async (reason: SignInFailureReason, error: DomainError) => {
    await logFailure(s, step, user, reason);
    throw error;
  };
  if (!user.enabled) await refuse('USER_DISABLED', new NotAuthorizedError('User is disabled.'));
  if (user.status === 'UNCONFIRMED') await refuse('USER_NOT_CONFIRMED', new UserNotConfirmedError('User is not confirmed.'));
  if (user.status === 'RESET_REQUIRED') await refuse('PASSWORD_RESET_REQUIRED', new PasswordResetRequiredError('Password reset required for the user'));
}

/**
 * The define hook's decision on the session so far: tokens, a refusal ("Incorrect username or
 * password.", logged), or the next challenge with its Session.
 */
export async function nextCustomStep(s: SignInServices, step: CustomAuthStep, state: CustomAuthState): Promise<SignInAnswer> {
  const { caller, user } = step;
  const pool = caller.pool;
  const common = {
    poolId: pool.poolId,
    region: pool.region,
    lambdaConfig: pool.settings.lambdaConfig,
    userName: state.username,
    clientId: caller.clientId,
    context: step.context,
  };
  const userAttributes = user.exists ? hookAttributes(user) : {};
  const session = state.history.map((h) => ({
    challengeName: h.challengeName,
    challengeResult: h.challengeResult,
    challengeMetadata: h.challengeMetadata ?? null,
  }));
  const decision = await s.triggers.invoke({
    ...common,
    kind: 'DefineAuthChallenge',
    triggerSource: 'DefineAuthChallenge_Authentication',
    request: { userAttributes, session, clientMetadata: step.clientMetadata, userNotFound: state.userNotFound },
  });
  // Tokens only for a user that exists; a name that matches no user never signs in, whatever the hook says.
  if (decision?.issueTokens === true && !decision.failAuthentication && user.exists) return issueCustomTokens(s, step, user, state);
  const challengeName = typeof decision?.challengeName === 'string' ? decision.challengeName : undefined;
  if (decision?.failAuthentication === true || decision?.issueTokens === true || !challengeName) return failCustomAuth(s, step);
  if (challengeName === 'PASSWORD_VERIFIER' || challengeName === 'SRP_A') {
    // SRP inside CUSTOM_AUTH needs the client's SRP_A at InitiateAuth (not served yet).
    throw new NotAuthorizedError('Incorrect username or password.');
  }
  if (challengeName !== 'CUSTOM_CHALLENGE') throw new NotAuthorizedError(`${challengeName} is not a challenge this service can ask in CUSTOM_AUTH`);
  const created = await s.triggers.invoke({
    ...common,
    kind: 'CreateAuthChallenge',
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: { userAttributes, challengeName, session, clientMetadata: step.clientMetadata, userNotFound: state.userNotFound },
  });
  const publicParameters = (created?.publicChallengeParameters ?? {}) as Record<string, string>;
  const next: CustomAuthState = {
    ...state,
    privateChallengeParameters: (created?.privateChallengeParameters ?? {}) as Record<string, string>,
    ...(typeof created?.challengeMetadata === 'string' ? { challengeMetadata: created.challengeMetadata } : { challengeMetadata: undefined }),
  };
  return {
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: s.sessions.open(caller, { sub: user.exists ? user.sub : '', challenge: 'CUSTOM_CHALLENGE', flow: 'CUSTOM_AUTH', state: { customAuth: next } }),
    ChallengeParameters: { ...publicParameters, USERNAME: state.username },
  };
}

async function failCustomAuth(s: SignInServices, step: CustomAuthStep): Promise<never> {
  if (step.user.exists) await logFailure(s, step, step.user, 'WRONG_CODE');
  s.metrics.signIn('CUSTOM_AUTH', 'failure', 'WRONG_CODE');
  throw new NotAuthorizedError('Incorrect username or password.');
}

async function logFailure(s: SignInServices, step: CustomAuthStep, user: ExistingUserState, reason: SignInFailureReason): Promise<void> {
  const pool = step.caller.pool;
  const logged: AuthLogEvent = {
    type: 'SignInFailed',
    data: {
      poolId: pool.poolId,
      sub: user.sub,
      clientId: step.caller.clientId,
      flow: 'CUSTOM_AUTH',
      reason,
      factor: 'CUSTOM_CHALLENGE',
      passed: [],
      at: step.now.toISOString(),
    },
  };
  await s.store.append(authLogStream(pool.poolId, user.sub), withMetadata([logged], step.context, step.now), { expectedRevision: 'any' });
}

/** Tokens: the sign-in's log entry and its refresh family (the sign-in's id, so the last answer counts once) in one append. */
async function issueCustomTokens(s: SignInServices, step: CustomAuthStep, user: ExistingUserState, state: CustomAuthState): Promise<SignInAnswer> {
  const { caller, context, now } = step;
  const pool = caller.pool;
  const pending = s.tokens.startSignIn(caller.client, user, context, now, { familyId: state.id });
  const logged: AuthLogEvent = {
    type: 'SignInSucceeded',
    data: {
      poolId: pool.poolId,
      sub: user.sub,
      clientId: caller.clientId,
      flow: 'CUSTOM_AUTH',
      factors: state.history.map((h) => h.challengeName),
      at: now.toISOString(),
    },
  };
  const writes: StreamWrite[] = [
    pending.write,
    { streamId: authLogStream(pool.poolId, user.sub), events: withMetadata([logged], context, now), options: { expectedRevision: 'any' } },
  ];
  try {
    await s.store.appendMany(writes);
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw new NotAuthorizedError('Invalid session for the user, session can only be used once.');
    throw error;
  }
  s.metrics.signIn('CUSTOM_AUTH', 'success', undefined);
  return {
    AuthenticationResult: await s.tokens.finishSignIn(caller.client, user, pending, { clientMetadata: step.clientMetadata, context }),
    ChallengeParameters: {},
  };
}

export const customAuth: AuthFlowHandler = {
  clientFlow: 'ALLOW_CUSTOM_AUTH',
  clientFlowName: 'CUSTOM_AUTH',
  surfaces: ['public', 'admin'],
  run: customSignIn,
};
