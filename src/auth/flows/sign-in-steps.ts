import type { AppendOptions, StreamWrite } from '../../event-store/event-store.port.js';
import { withMetadata } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError, LimitExceededError, UserNotFoundError } from '../../shared/domain-error.js';
import { UserLambdaValidationError } from '../../triggers/trigger-errors.js';
import { signInNameCandidates, userClaims } from '../../user-pools/aliases.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import { type ExistingUserState, userDecider, type UserState } from '../../user-pools/user.decider.js';
import type { UserEvent } from '../../user-pools/user.events.js';
import { normalizeUsername } from '../../user-pools/username.js';
import { hookAttributes } from '../../user-pools/post-confirmation.js';
import { type AuthFlowName, type AuthLogEvent, authLogStream } from '../auth-log.events.js';
import type { GuessKeys, GuessOutcome } from '../sign-in-guard.js';
import type { SignInOutcome } from '../sign-in.js';
import type { SignInServices } from '../sign-in-services.js';
import type { SignInAnswer, SignInRequest } from './flow.js';
import { continueSignIn, firstFactorPassed } from './sign-in-continuation.js';

/**
 * Steps every sign-in flow is made of, in the order flows run them. Each does one thing and
 * fails with a specific error; flows are short lists of these.
 */

/** The flow's required AuthParameters are present (Cognito names the first one missing). */
export function requireParameters(request: Pick<SignInRequest, 'parameters'>, ...names: string[]): void {
  for (const name of names) if (!request.parameters[name]) throw new InvalidParameterError(`Missing required parameter ${name}`);
}

/**
 * Finds the user by sign-in name: a remembered username → stream (checked against the user's
 * state on every use) or a lookup, then the user's own stream.
 */
export async function findSignInUser(s: SignInServices, pool: ActivePool, username: string): Promise<UserState> {
  const [byUsername] = signInNameCandidates(pool, username);
  const holdsUsername = (state: UserState) => state.exists && userClaims(pool, state).some((c) => c.scope === byUsername.scope && c.value === byUsername.value);
  const read = async (streamId: string) => fold(userDecider, (await s.store.readStream(streamId)) as never as UserEvent[]);
  const remembered = s.names.get(byUsername.scope, byUsername.value);
  if (remembered) {
    const user = await read(remembered);
    if (holdsUsername(user)) return user;
    s.names.delete(byUsername.scope, byUsername.value);
  }
  const streamId = await s.users.resolve(pool, username);
  if (!streamId) return { exists: false };
  const user = await read(streamId);
  if (holdsUsername(user)) s.names.set(byUsername.scope, byUsername.value, streamId);
  return user;
}

/** A guess admitted by the sign-in guard (or refused for its subject: then `locked`). */
export interface AdmittedGuess {
  /** What was reserved, so that exactly that is settled. */
  reserved: GuessKeys;
  locked: boolean;
}

/**
 * Counts the guess before the password is checked (see SignInGuard): a user by sub; a name no
 * user holds only when the client hides user existence (it must lock like a real user); the
 * source address always. The address over its limit is LimitExceededException, nothing checked.
 */
export async function admitGuess(s: SignInServices, request: SignInRequest, user: UserState, username: string): Promise<AdmittedGuess> {
  const { caller } = request;
  const pool = caller.pool;
  const subject = user.exists
    ? s.guard.userKey(pool.poolId, user.sub)
    : caller.hidesUserExistence
      ? s.guard.nameKey(pool.poolId, normalizeUsername(username, pool.settings.usernameCaseSensitive))
      : undefined;
  const address = s.guard.addressKey(request.context.clientIp);
  const reservation = await s.guard.reserve({ subject, address }, request.now);
  if (!reservation.ok && reservation.refused === 'address') {
    throw new LimitExceededError('Too many failed sign-in attempts from this address; try again later.');
  }
  const locked = !reservation.ok;
  return { reserved: { address, ...(locked ? {} : { subject }) }, locked };
}

/** Settles an admitted guess with its outcome; a failure to settle is logged, never answered. */
export async function settleGuess(s: SignInServices, guess: AdmittedGuess, outcome: GuessOutcome, now: Date): Promise<void> {
  await s.guard.settle(guess.reserved, outcome, now).catch((error: unknown) => s.log.warn({ err: error }, 'sign-in guard: a guess could not be settled'));
}

/**
 * The one place synchronous hooks run before a sign-in is decided (Cognito's pre authentication
 * trigger); a veto is an error, and nothing has been written yet.
 */
export async function beforeDecision(s: SignInServices, request: SignInRequest, user: UserState): Promise<void> {
  if (!user.exists) return;
  await s.triggers.invoke({
    kind: 'PreAuthentication',
    triggerSource: 'PreAuthentication_Authentication',
    poolId: request.caller.pool.poolId,
    region: request.caller.pool.region,
    lambdaConfig: request.caller.pool.settings.lambdaConfig,
    userName: user.username,
    clientId: request.caller.clientId,
    // Cognito hands the sign-in's ClientMetadata to this hook as its validationData.
    request: { userAttributes: hookAttributes(user), validationData: request.clientMetadata, userNotFound: false },
    context: request.context,
  });
}

/**
 * A password sign-in for a name that matches no user: the pool's user migration hook may know it
 * (UserMigration_Authentication, with the password typed); the user it describes is created just
 * in time and the sign-in goes on with them. Without a hook, or when the hook refuses, nothing
 * changes (a refusal is the hook's error).
 */
export async function migrateUnknownUser(s: SignInServices, request: SignInRequest, user: UserState): Promise<UserState> {
  const { caller } = request;
  if (user.exists || !s.migration.configured(caller.pool)) return user;
  try {
    const migrated = await s.migration.migrate({
      pool: caller.pool,
      username: request.parameters.USERNAME,
      source: 'UserMigration_Authentication',
      password: request.parameters.PASSWORD,
      clientId: caller.clientId,
      validationData: request.clientMetadata,
      clientMetadata: request.clientMetadata,
      context: request.context,
    });
    return migrated?.user ?? user;
  } catch (error) {
    // The hook does not know the user (or the password): Cognito's answer for a name it cannot migrate.
    if (!(error instanceof UserLambdaValidationError)) throw error;
    if (caller.hidesUserExistence) return user;
    throw new UserNotFoundError(`Exception migrating user in app client ${caller.clientId}`);
  }
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
  if (!sub) throw new Error('unreachable: an auth-log entry without a user');
  return { streamId: authLogStream(poolId, sub), events: withMetadata([logged], context, now), options };
}

/**
 * Records the decided outcome and answers: a failure is logged and thrown; a challenge gets a
 * session; a success writes its log entry together with its new refresh-token family (one
 * append) and gets tokens.
 */
export async function recordAndAnswer(
  s: SignInServices,
  request: SignInRequest,
  user: UserState,
  flow: AuthFlowName,
  outcome: SignInOutcome,
): Promise<SignInAnswer> {
  s.metrics.signIn(flow, outcome.kind, outcome.kind === 'failure' ? outcome.reason : outcome.kind === 'challenge' ? outcome.challenge : undefined);
  if (outcome.kind === 'failure') {
    // Attempts on names that match no user are not events: anyone could grow the log with them
    // (the sign-in guard counts them, bounded in size).
    if (user.exists) {
      const entry = logWrite(request, user, flow, outcome);
      await s.store.append(entry.streamId, entry.events, entry.options);
    }
    throw outcome.error;
  }
  if (!user.exists) throw new Error('unreachable: a sign-in without a user did not fail');
  if (outcome.kind === 'challenge') return newPasswordChallenge(s, request, user, flow);
  // The password passed: threat protection (a block is logged and thrown there), then the second
  // factor, the device and tokens (sign-in-continuation.ts).
  const risk = await s.risk.check({
    pool: request.caller.pool,
    clientId: request.caller.clientId,
    user,
    flow,
    context: request.context,
    now: request.now,
    password: request.parameters.PASSWORD,
  });
  return continueSignIn(s, { ...request, flow }, user, { ...firstFactorPassed(s, 'PASSWORD', request.parameters), ...(risk ? { risk } : {}) });
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
