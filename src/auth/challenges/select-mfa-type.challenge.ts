import { InvalidParameterError } from '../../shared/domain-error.js';
import type { MfaFactor } from '../../user-pools/user.events.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer } from '../flows/flow.js';
import { codeChallenge, openChallenge } from '../flows/sign-in-continuation.js';
import { requireParameters } from '../flows/sign-in-steps.js';
import type { SignInServices } from '../sign-in-services.js';
import { resumeSignIn } from './sign-in-resume.js';

/** SELECT_MFA_TYPE: ANSWER names one of MFAS_CAN_CHOOSE; that factor's challenge follows (its code sent now). */
async function answerSelectMfaType(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { at, user, progress } = await resumeSignIn(s, response, 'SELECT_MFA_TYPE');
  requireParameters({ parameters: response.responses }, 'ANSWER');
  const answer = response.responses.ANSWER as MfaFactor;
  if (!progress.choices?.includes(answer)) throw new InvalidParameterError(`${response.responses.ANSWER} is not one of the MFA types this user can choose.`);
  const { choices: _asked, ...rest } = progress;
  if (answer === 'SOFTWARE_TOKEN_MFA') return openChallenge(s, at, user, answer, rest, { USER_ID_FOR_SRP: user.username });
  return codeChallenge(s, at, user, answer, rest);
}

export const selectMfaType: ChallengeHandler = { run: answerSelectMfaType };
