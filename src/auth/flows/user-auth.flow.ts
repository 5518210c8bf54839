import type { EventStore } from '../../event-store/event-store.port.js';
import { NotAuthorizedError, UserNotConfirmedError, UserNotFoundError } from '../../shared/domain-error.js';
import { allowedFirstAuthFactors } from '../../user-pools/pool-settings.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import type { ExistingUserState, UserState } from '../../user-pools/user.decider.js';
import { availableChallenges, type FirstChallenge, type FirstFactorFacts, firstStep } from '../first-factors.js';
import { poolFactors } from '../mfa/pool-mfa-config.js';
import type { SignInProgress } from '../mfa/sign-in-progress.js';
import type { SignInServices } from '../sign-in-services.js';
import { passkeyCount, webAuthnChallenge } from '../webauthn/webauthn-sign-in.js';
import type { AuthFlowHandler, SignInAnswer, SignInRequest } from './flow.js';
import { adminUserPasswordAuth, userPasswordAuth } from './password.flow.js';
import { authLogStream } from '../auth-log.events.js';
import { decoyChallenge, decoyFacts } from './decoy-factors.js';
import { codeChallenge, continueSignIn, openChallenge, type SignInContext } from './sign-in-continuation.js';
import { beforeDecision, findSignInUser, requireParameters } from './sign-in-steps.js';
import { userSrpAuth } from './srp.flow.js';

/** What decides a user's first factors: the pool's policy and MFA setting, and what the user has. */
export async function firstFactorFacts(store: EventStore, pool: ActivePool, user: ExistingUserState): Promise<FirstFactorFacts> {
  const allowed = allowedFirstAuthFactors(pool.settings);
  return {
    allowed,
    mfaConfiguration: pool.settings.mfaConfiguration,
    webAuthn: poolFactors(pool).webAuthn,
    hasPassword: user.passwordHash !== '',
    emailVerified: Boolean(user.attributes.email) && user.attributes.email_verified === 'true',
    phoneVerified: Boolean(user.attributes.phone_number) && user.attributes.phone_number_verified === 'true',
    passkeys: allowed.includes('WEB_AUTHN') ? await passkeyCount(store, pool.poolId, user.sub) : 0,
  };
}

/**
 * USER_AUTH (choice-based sign-in): the challenges this user may start with, from the pool's
 * SignInPolicy and what the user has; PREFERRED_CHALLENGE starts one of them at once (PASSWORD
 * and PASSWORD_SRP with their parameters in the same call), otherwise SELECT_CHALLENGE lists them
 * in AvailableChallenges. A name that matches no user, when the client hides user existence,
 * gets decoy factors stable per name (flows/decoy-factors.ts), and fails as a wrong answer does.
 */
async function userAuth(request: SignInRequest, s: SignInServices): Promise<SignInAnswer> {
  const { caller, parameters } = request;
  requireParameters(request, 'USERNAME');
  if (request.session !== undefined) return signInAfterSignUp(request, request.session, s);
  const user = await findSignInUser(s, caller.pool, parameters.USERNAME);
  caller.checkSecretHash(user.exists ? [parameters.USERNAME, user.username, user.sub] : [parameters.USERNAME], parameters.SECRET_HASH);
  if (!user.exists && !caller.hidesUserExistence) throw new UserNotFoundError('User does not exist.');
  const available: FirstChallenge[] = availableChallenges(
    user.exists ? await firstFactorFacts(s.store, caller.pool, user) : decoyFacts(s, caller.pool, parameters.USERNAME),
  );
  const step = firstStep(parameters.PREFERRED_CHALLENGE, available);
  if (step.kind === 'start') return startFirstChallenge(s, request, user, step.challenge);
  if (step.choices.length === 0) throw new NotAuthorizedError('Incorrect username or password.');
  const progress: SignInProgress = { id: s.ids.uuid(), passed: [], choices: step.choices, ...deviceOf(parameters) };
  return {
    ChallengeName: 'SELECT_CHALLENGE',
    Session: s.sessions.open(caller, { sub: user.exists ? user.sub : '', challenge: 'SELECT_CHALLENGE', flow: 'USER_AUTH', progress }),
    ChallengeParameters: {},
    AvailableChallenges: step.choices,
  };
}

/**
 * USER_AUTH with ConfirmSignUp's Session (Cognito's sign-in after sign-up): the confirmation code
 * the user just typed is the first factor, so no second code or password is asked for. Only the
 * user the Session names, through the client it was given to, before it expires, and only for the
 * user's first sign-in; the sign-in's id is the Session's, so a second use finds it taken.
 */
async function signInAfterSignUp(request: SignInRequest, session: string, s: SignInServices): Promise<SignInAnswer> {
  const { caller, parameters } = request;
  const signIn = s.signUpSessions.signInOf(caller, session);
  const user = await findSignInUser(s, caller.pool, parameters.USERNAME);
  caller.checkSecretHash(user.exists ? [parameters.USERNAME, user.username, user.sub] : [parameters.USERNAME], parameters.SECRET_HASH);
  if (!user.exists || user.sub !== signIn.sub) throw new NotAuthorizedError('Invalid session for the user.');
  if (!user.enabled) throw new NotAuthorizedError('User is disabled.');
  if (user.status !== 'CONFIRMED') throw new NotAuthorizedError('Invalid session for the user.');
  const log = await s.store.readStream(authLogStream(caller.pool.poolId, user.sub));
  if (log.some((e) => e.type === 'SignInSucceeded')) throw new NotAuthorizedError('Invalid session for the user, session can only be used once.');
  await beforeDecision(s, request, user);
  const at: SignInContext = {
    caller,
    flow: 'USER_AUTH',
    surface: request.surface,
    context: request.context,
    now: request.now,
    clientMetadata: request.clientMetadata,
  };
  const passed = signIn.factor === 'EMAIL_OTP' ? 'EMAIL_OTP_FIRST' : 'SMS_OTP';
  return continueSignIn(s, at, user, { id: signIn.id, passed: [passed], ...deviceOf(parameters) });
}

const deviceOf = (parameters: Record<string, string>) => (parameters.DEVICE_KEY ? { deviceKey: parameters.DEVICE_KEY } : {});

/**
 * A first challenge chosen (PREFERRED_CHALLENGE, or SELECT_CHALLENGE's ANSWER), with the request's
 * parameters: a password sign-in or SRP's first half as their own flows run them (logged as
 * USER_AUTH), a code sent by email or SMS, or a passkey's assertion options.
 */
export async function startFirstChallenge(s: SignInServices, request: SignInRequest, user: UserState, challenge: FirstChallenge): Promise<SignInAnswer> {
  const asUserAuth: SignInRequest = { ...request, flow: 'USER_AUTH' };
  switch (challenge) {
    case 'PASSWORD':
      requireParameters(request, 'PASSWORD');
      return (request.surface === 'admin' ? adminUserPasswordAuth : userPasswordAuth).run(asUserAuth, s);
    case 'PASSWORD_SRP':
      requireParameters(request, 'SRP_A');
      return userSrpAuth.run(asUserAuth, s);
    default:
      break;
  }
  if (!user.exists) {
    if (request.caller.hidesUserExistence) return decoyChallenge(s, request, challenge);
    throw new NotAuthorizedError('Incorrect username or password.');
  }
  if (!user.enabled) throw new NotAuthorizedError('User is disabled.');
  if (user.status === 'UNCONFIRMED') throw new UserNotConfirmedError('User is not confirmed.');
  const at: SignInContext = { caller: request.caller, flow: 'USER_AUTH', surface: request.surface, context: request.context, now: request.now };
  const progress: SignInProgress = { id: s.ids.uuid(), passed: [], ...deviceOf(request.parameters) };
  switch (challenge) {
    case 'EMAIL_OTP':
      return codeChallenge(s, at, user, 'EMAIL_OTP', progress);
    case 'SMS_OTP': {
      const sent = await s.mfaCodes.send(at.caller.pool, user, 'SMS_MFA', progress.id, at.now);
      return openChallenge(
        s,
        at,
        user,
        'SMS_OTP',
        { ...progress, code: { hash: sent.hash, exp: sent.expiresAt } },
        { USER_ID_FOR_SRP: user.username, CODE_DELIVERY_DELIVERY_MEDIUM: sent.medium, CODE_DELIVERY_DESTINATION: sent.destination },
      );
    }
    case 'WEB_AUTHN':
      return webAuthnChallenge(s, at, user, progress);
  }
}

export const userAuthFlow: AuthFlowHandler = {
  clientFlow: 'ALLOW_USER_AUTH',
  clientFlowName: 'USER_AUTH',
  surfaces: ['public', 'admin'],
  run: userAuth,
};
