import type { EventStore } from '../../event-store/event-store.port.js';
import { DomainError, NotAuthorizedError } from '../../shared/domain-error.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { resumeSignIn } from '../challenges/sign-in-resume.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer } from '../flows/flow.js';
import { refuseDecoyAnswer } from '../flows/decoy-factors.js';
import { continueSignIn, openChallenge, recordFactorFailure, type SignInContext } from '../flows/sign-in-continuation.js';
import { admitGuess, requireParameters, settleGuess } from '../flows/sign-in-steps.js';
import type { SignInProgress } from '../mfa/sign-in-progress.js';
import type { GuessOutcome } from '../sign-in-guard.js';
import type { SignInServices } from '../sign-in-services.js';
import { assertionOptions, poolRelyingParty, readPasskeys, verifyAssertion } from './passkeys.js';

/** How many passkeys the user has registered. */
export async function passkeyCount(store: EventStore, poolId: string, sub: string): Promise<number> {
  return Object.keys((await readPasskeys(store, poolId, sub)).passkeys).length;
}

/** WEB_AUTHN: assertion options for the user's passkeys (CREDENTIAL_REQUEST_OPTIONS), the challenge sealed in the Session. */
export async function webAuthnChallenge(s: SignInServices, at: SignInContext, user: ExistingUserState, progress: SignInProgress): Promise<SignInAnswer> {
  const pool = at.caller.pool;
  const rp = await poolRelyingParty(s.store, pool, s.settings.publicBaseUrl);
  const options = await assertionOptions(rp, await readPasskeys(s.store, pool.poolId, user.sub));
  return openChallenge(
    s,
    at,
    user,
    'WEB_AUTHN',
    { ...progress, webAuthnChallenge: options.challenge },
    { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify(options) },
  );
}

/**
 * The answer to WEB_AUTHN: CREDENTIAL, the authenticator's assertion (AuthenticationResponseJSON).
 * Checked against the Session's challenge, the pool's relying party and allowed origins and the
 * credential's public key; its signature counter must move forward. Every answer is a guess the
 * sign-in guard counts, every failure an auth event naming WEB_AUTHN. A pool that requires MFA
 * takes a passkey only when the authenticator verified the user.
 */
async function answerWebAuthn(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  await refuseDecoyAnswer(s, response, 'WEB_AUTHN', 'CREDENTIAL', () => new NotAuthorizedError('Incorrect username or password.'));
  const resumed = await resumeSignIn(s, response, 'WEB_AUTHN');
  requireParameters({ parameters: response.responses }, 'CREDENTIAL');
  const { at, user, progress, request } = resumed;
  if (!progress.webAuthnChallenge) throw new NotAuthorizedError('Invalid session for the user.');
  const guess = await admitGuess(s, request, user, user.username);
  let settled: GuessOutcome = 'not_attempted';
  try {
    if (guess.locked) throw new NotAuthorizedError('Password attempts exceeded');
    let credential: unknown;
    try {
      credential = JSON.parse(response.responses.CREDENTIAL);
    } catch {
      credential = undefined;
    }
    try {
      const { userVerified } = await verifyAssertion(s.store, {
        pool: at.caller.pool,
        sub: user.sub,
        challenge: progress.webAuthnChallenge,
        credential,
        publicBaseUrl: s.settings.publicBaseUrl,
        context: at.context,
        now: at.now,
      });
      if (at.caller.pool.settings.mfaConfiguration === 'ON' && !userVerified) throw new NotAuthorizedError('User verification is required.');
    } catch (error) {
      settled = 'wrong_password';
      if (error instanceof DomainError) await recordFactorFailure(s, at, user.sub, 'WEB_AUTHN', 'WRONG_PROOF', progress);
      throw error;
    }
    settled = 'success';
    const { webAuthnChallenge: _used, ...rest } = progress;
    return await continueSignIn(s, at, user, { ...rest, passed: [...progress.passed, 'WEB_AUTHN'] });
  } finally {
    await settleGuess(s, guess, settled, at.now);
  }
}

export const webAuthn: ChallengeHandler = { run: answerWebAuthn };
