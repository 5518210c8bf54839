import { newVerifier } from '../../crypto/srp.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { passwordCredentials } from '../../user-pools/credentials.js';
import { userStream } from '../../user-pools/user.events.js';
import type { AuthFlowName } from '../auth-log.events.js';
import type { GuessOutcome } from '../sign-in-guard.js';
import { decidePasswordSignIn, guessOutcome } from '../sign-in.js';
import type { SignInServices } from '../sign-in-services.js';
import type { AuthFlowHandler, SignInAnswer, SignInRequest } from './flow.js';
import { admitGuess, beforeDecision, findSignInUser, migrateUnknownUser, recordAndAnswer, requireParameters, settleGuess } from './sign-in-steps.js';

const DAY_MS = 86_400_000;

/**
 * USER_PASSWORD_AUTH, and ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH on the admin surface: the
 * password in clear over TLS, checked against the argon2id hash (a dummy hash for unknown users:
 * same cost, no timing hint).
 */
async function passwordSignIn(request: SignInRequest, s: SignInServices): Promise<SignInAnswer> {
  const { caller, parameters, now } = request;
  const pool = caller.pool;
  requireParameters(request, 'USERNAME', 'PASSWORD');
  const user = await migrateUnknownUser(s, request, await findSignInUser(s, pool, parameters.USERNAME));
  caller.checkSecretHash(user.exists ? [parameters.USERNAME, user.username, user.sub] : [parameters.USERNAME], parameters.SECRET_HASH);
  const guess = await admitGuess(s, request, user, parameters.USERNAME);
  let settled: GuessOutcome = 'not_attempted';
  try {
    await beforeDecision(s, request, user);
    // A locked-out subject's guess is not checked at all.
    const passwordOk = guess.locked
      ? false
      : user.exists
        ? await s.hasher.verify(user.passwordHash, parameters.PASSWORD)
        : await s.hasher.verifyDummy(parameters.PASSWORD);
    const validityDays = pool.settings.passwordPolicy.temporaryPasswordValidityDays;
    const outcome = decidePasswordSignIn({
      user,
      locked: guess.locked,
      passwordOk,
      hideUserExistence: caller.hidesUserExistence,
      temporaryPasswordExpired:
        user.exists && user.status === 'FORCE_CHANGE_PASSWORD' && validityDays > 0 && now.getTime() - Date.parse(user.passwordSetAt) > validityDays * DAY_MS,
      now: now.toISOString(),
    });
    settled = guessOutcome(outcome);
    const answer = await recordAndAnswer(s, request, user, request.flow as AuthFlowName, outcome);
    // A password set before SRP gets its verifier now that it is proven (then SRP sign-ins work);
    // an imported (or weaker) hash is replaced by argon2id, with the verifier.
    if (user.exists && s.hasher.needsRehash?.(user.passwordHash)) await rehashPassword(s, request, user, parameters.PASSWORD);
    else if (user.exists && !user.srp) await addSrpVerifier(s, request, user, parameters.PASSWORD);
    return answer;
  } finally {
    await settleGuess(s, guess, settled, now);
  }
}

async function addSrpVerifier(s: SignInServices, request: SignInRequest, user: ExistingUserState, password: string): Promise<void> {
  const pool = request.caller.pool;
  await s.users.run({
    pool,
    streamId: userStream(pool.poolId, user.sub),
    context: request.context,
    now: request.now,
    command: () => ({
      type: 'AddSrpVerifier',
      srp: newVerifier(pool.poolId, user.username, password),
      checkedHash: user.passwordHash,
      now: request.now.toISOString(),
    }),
  });
}

async function rehashPassword(s: SignInServices, request: SignInRequest, user: ExistingUserState, password: string): Promise<void> {
  const pool = request.caller.pool;
  const { passwordHash, srp } = await passwordCredentials(s.hasher, pool.poolId, user.username, password);
  await s.users.run({
    pool,
    streamId: userStream(pool.poolId, user.sub),
    context: request.context,
    now: request.now,
    command: () => ({ type: 'RehashPassword', checkedHash: user.passwordHash, newPasswordHash: passwordHash, srp, now: request.now.toISOString() }),
  });
}

export const userPasswordAuth: AuthFlowHandler = {
  clientFlow: 'ALLOW_USER_PASSWORD_AUTH',
  clientFlowName: 'USER_PASSWORD_AUTH',
  surfaces: ['public'],
  run: passwordSignIn,
};

export const adminUserPasswordAuth: AuthFlowHandler = {
  clientFlow: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  clientFlowName: 'ADMIN_USER_PASSWORD_AUTH',
  surfaces: ['admin'],
  run: passwordSignIn,
};
