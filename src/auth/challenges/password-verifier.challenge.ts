import { parseSrpTimestamp, verifyClaim } from '../../crypto/srp.js';
import { userStream } from '../../user-pools/user.events.js';
import type { UserState } from '../../user-pools/user.decider.js';
import type { AuthFlowName } from '../auth-log.events.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer, SignInRequest } from '../flows/flow.js';
import { admitGuess, beforeDecision, recordAndAnswer, requireParameters, settleGuess } from '../flows/sign-in-steps.js';
import { openSecretBlock } from '../flows/srp-secret-block.js';
import type { GuessOutcome } from '../sign-in-guard.js';
import { decidePasswordSignIn, guessOutcome } from '../sign-in.js';
import type { SignInServices } from '../sign-in-services.js';

const DAY_MS = 86_400_000;
/** How far the claim's TIMESTAMP may be from the server's clock (either way). */
const TIMESTAMP_SKEW_MS = 5 * 60_000;

/**
 * PASSWORD_VERIFIER, the second half of USER_SRP_AUTH: the client's claim that it knows the
 * password behind the verifier, then the same guard, hooks, decision and records as a password
 * sign-in (lockout, enumeration protection, auth events, NEW_PASSWORD_REQUIRED, tokens).
 */
async function answerPasswordVerifier(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { caller, responses, now } = response;
  const pool = caller.pool;
  requireParameters({ parameters: responses }, 'USERNAME', 'PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP');
  const exchange = openSecretBlock(s, caller, responses.PASSWORD_CLAIM_SECRET_BLOCK, now);
  const user: UserState = exchange.sub ? await s.users.read(userStream(pool.poolId, exchange.sub)) : { exists: false };
  caller.checkSecretHash(user.exists ? [responses.USERNAME, user.username, user.sub] : [responses.USERNAME], responses.SECRET_HASH);
  // The sign-in goes on as the flow that started it (its name is in the log and the metrics).
  const request: SignInRequest = {
    flow: exchange.flow,
    surface: response.surface,
    caller,
    parameters: responses,
    clientMetadata: response.clientMetadata,
    context: response.context,
    now,
  };
  const guess = await admitGuess(s, request, user, exchange.userId);
  let settled: GuessOutcome = 'not_attempted';
  try {
    await beforeDecision(s, request, user);
    const stamped = parseSrpTimestamp(responses.TIMESTAMP);
    const fresh = stamped !== undefined && Math.abs(stamped.getTime() - now.getTime()) <= TIMESTAMP_SKEW_MS;
    const passwordOk =
      !guess.locked &&
      fresh &&
      user.exists &&
      user.srp !== undefined &&
      verifyClaim({
        poolId: pool.poolId,
        userId: exchange.userId,
        verifier: user.srp.verifier,
        A: exchange.A,
        ephemeral: exchange.ephemeral,
        secretBlock: responses.PASSWORD_CLAIM_SECRET_BLOCK,
        timestamp: responses.TIMESTAMP,
        signature: responses.PASSWORD_CLAIM_SIGNATURE,
      });
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
    // USER_AUTH's PASSWORD_SRP is logged as USER_AUTH.
    const flow: AuthFlowName = exchange.flow === 'USER_AUTH' ? 'USER_AUTH' : 'USER_SRP_AUTH';
    return await recordAndAnswer(s, request, user, flow, outcome);
  } finally {
    await settleGuess(s, guess, settled, now);
  }
}

export const passwordVerifier: ChallengeHandler = { run: answerPasswordVerifier };
