import { CodeMismatchError, DomainError, ExpiredCodeError, NotAuthorizedError } from '../../shared/domain-error.js';
import { type MfaFactor, userStream } from '../../user-pools/user.events.js';
import type { SignInFailureReason } from '../auth-log.events.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer } from '../flows/flow.js';
import { refuseDecoyAnswer } from '../flows/decoy-factors.js';
import { continueSignIn, recordFactorFailure } from '../flows/sign-in-continuation.js';
import { admitGuess, requireParameters, settleGuess } from '../flows/sign-in-steps.js';
import { seedContext } from '../mfa/mfa.use-cases.js';
import type { PassedFactor } from '../mfa/sign-in-progress.js';
import { checkTotp } from '../mfa/totp.js';
import type { GuessOutcome } from '../sign-in-guard.js';
import type { SignInServices } from '../sign-in-services.js';
import { type ResumedSignIn, resumeSignIn } from './sign-in-resume.js';

const wrongCode = () => new CodeMismatchError('Invalid code or auth state for the user.');

/** How a code's check ended: right, or the error and how the log and the guard count it. */
type Checked = { ok: true } | { ok: false; error: DomainError; reason: SignInFailureReason; guess: GuessOutcome };

/**
 * A second factor's code (SMS_MFA_CODE, SOFTWARE_TOKEN_MFA_CODE, EMAIL_OTP_CODE): every answer is
 * a guess the sign-in guard counts against the user (wrong codes lock the user out as wrong
 * passwords do, however often the Session is reused), each failure an auth event naming the
 * factor. A right code goes on to the next step; its Session's last answer counts once.
 */
function codeChallenge(factor: MfaFactor, field: string, challenge: string = factor, passedAs: PassedFactor = factor): ChallengeHandler {
  return {
    async run(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
      await refuseDecoyAnswer(s, response, challenge, field, wrongCode);
      const resumed = await resumeSignIn(s, response, challenge);
      requireParameters({ parameters: response.responses }, field);
      const { at, user, progress, request } = resumed;
      const guess = await admitGuess(s, request, user, user.username);
      let settled: GuessOutcome = 'not_attempted';
      try {
        const checked: Checked = guess.locked
          ? { ok: false, error: new NotAuthorizedError('Password attempts exceeded'), reason: 'LOCKED_OUT', guess: 'not_attempted' }
          : await check(s, resumed, factor, response.responses[field]);
        if (!checked.ok) {
          settled = checked.guess;
          await recordFactorFailure(s, at, user.sub, passedAs, checked.reason, progress);
          throw checked.error;
        }
        settled = 'success';
        const { code: _used, ...rest } = progress;
        return await continueSignIn(s, at, user, { ...rest, passed: [...progress.passed, passedAs] });
      } finally {
        await settleGuess(s, guess, settled, at.now);
      }
    },
  };
}

async function check(s: SignInServices, r: ResumedSignIn, factor: MfaFactor, presented: string): Promise<Checked> {
  const { user, progress, at } = r;
  if (factor !== 'SOFTWARE_TOKEN_MFA') {
    if (!progress.code) throw new NotAuthorizedError('Invalid session for the user.');
    if (at.now.getTime() > progress.code.exp) {
      return { ok: false, error: new ExpiredCodeError('Invalid code provided, please request a code again.'), reason: 'EXPIRED_CODE', guess: 'other_failure' };
    }
    return s.mfaCodes.matches(user.sub, factor, progress.id, presented, progress.code.hash)
      ? { ok: true }
      : { ok: false, error: wrongCode(), reason: 'WRONG_CODE', guess: 'wrong_password' };
  }
  // TOTP: checked against the seed of the state being written to; a time step counts once (replays are refused there).
  const pool = at.caller.pool;
  try {
    await s.users.run({
      pool,
      streamId: userStream(pool.poolId, user.sub),
      context: at.context,
      now: at.now,
      command: (state) => {
        const seed = state.exists ? state.mfa?.totp?.encryptedSeed : undefined;
        const checked = seed ? checkTotp(s.secrets.decrypt(seed, seedContext(pool.poolId, user.sub)), presented, at.now) : { ok: false, timeStep: 0 };
        return { type: 'UseSoftwareTokenCode', codeOk: checked.ok, timeStep: checked.timeStep, now: at.now.toISOString() };
      },
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof ExpiredCodeError) return { ok: false, error, reason: 'WRONG_CODE', guess: 'other_failure' };
    if (error instanceof CodeMismatchError) return { ok: false, error, reason: 'WRONG_CODE', guess: 'wrong_password' };
    throw error;
  }
}

export const smsMfa = codeChallenge('SMS_MFA', 'SMS_MFA_CODE');
export const softwareTokenMfa = codeChallenge('SOFTWARE_TOKEN_MFA', 'SOFTWARE_TOKEN_MFA_CODE');
export const emailOtp = codeChallenge('EMAIL_OTP', 'EMAIL_OTP_CODE');
/** SMS_OTP: USER_AUTH's passwordless first factor, a code sent by SMS as SMS_MFA's is. */
export const smsOtp = codeChallenge('SMS_MFA', 'SMS_OTP_CODE', 'SMS_OTP', 'SMS_OTP');
