import { NotAuthorizedError } from '../../shared/domain-error.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer } from '../flows/flow.js';
import { continueSignIn } from '../flows/sign-in-continuation.js';
import type { SignInServices } from '../sign-in-services.js';
import { resumeSignIn } from './sign-in-resume.js';

/**
 * MFA_SETUP: the Session VerifySoftwareToken handed back once the user's new authenticator gave
 * a right code (that code is the sign-in's second factor); the sign-in goes on to tokens.
 */
async function answerMfaSetup(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { at, user, progress } = await resumeSignIn(s, response, 'MFA_SETUP');
  if (!progress.passed.includes('SOFTWARE_TOKEN_MFA') || !user.mfa?.totp) throw new NotAuthorizedError('Invalid session for the user.');
  return continueSignIn(s, at, user, progress);
}

export const mfaSetup: ChallengeHandler = { run: answerMfaSetup };
