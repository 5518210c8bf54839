import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { maskDestination } from '../../messaging/message.js';
import { type DomainError, NotAuthorizedError } from '../../shared/domain-error.js';
import { allowedFirstAuthFactors } from '../../user-pools/pool-settings.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import { normalizeUsername } from '../../user-pools/username.js';
import type { FirstFactorFacts } from '../first-factors.js';
import { poolFactors } from '../mfa/pool-mfa-config.js';
import type { SignInServices } from '../sign-in-services.js';
import { CEREMONY_TIMEOUT_MS, poolRelyingParty } from '../webauthn/passkeys.js';
import type { ChallengeResponse, SignInAnswer, SignInRequest } from './flow.js';
import { admitGuess, requireParameters, settleGuess } from './sign-in-steps.js';

/**
 * Choice-based sign-in (USER_AUTH) for a name that matches no user, in a client that hides user
 * existence. A real user is offered the factors they have (a verified email, a phone, a passkey),
 * so offering a name that matches no one only the password choices would tell the two apart.
 * Instead the name gets decoy factors, stable per name: what users of the pool mostly have (a
 * verified email where the pool verifies emails or signs in by email, the same for phones) and a
 * passkey for some names, as some users have one. Choosing one answers a challenge of the same
 * shape as a real one (a masked destination, assertion options naming a credential), with no
 * code sent; its answer fails as a wrong answer does, and counts against the name in the
 * sign-in guard as wrong passwords for unknown names do.
 */

const seed = (s: SignInServices, pool: ActivePool, name: string) =>
  Buffer.from(s.secrets.uniqueValue('user-auth-decoy', `${pool.poolId}\u0000${normalizeUsername(name, pool.settings.usernameCaseSensitive)}`), 'base64url');

const verifies = (pool: ActivePool, attribute: 'email' | 'phone_number') =>
  pool.settings.autoVerifiedAttributes.includes(attribute) || pool.settings.usernameAttributes.includes(attribute);

/** The first-factor facts a name that matches no user appears to have. */
export function decoyFacts(s: SignInServices, pool: ActivePool, name: string): FirstFactorFacts {
  return {
    allowed: allowedFirstAuthFactors(pool.settings),
    mfaConfiguration: pool.settings.mfaConfiguration,
    webAuthn: poolFactors(pool).webAuthn,
    hasPassword: true,
    emailVerified: verifies(pool, 'email'),
    phoneVerified: verifies(pool, 'phone_number'),
    passkeys: (seed(s, pool, name)[0] ?? 0) & 1,
  };
}

/** A destination as a real one would be masked: the name itself when it is an email or a phone number, else letters and digits of its seed. */
function decoyDestination(bytes: Buffer, medium: 'EMAIL' | 'SMS', name: string): string {
  if (medium === 'EMAIL') {
    if (/^[^@\s]+@[^@\s]+$/.test(name)) return maskDestination('EMAIL', name);
    const letter = (b: number) => String.fromCharCode(97 + (b % 26));
    return `${letter(bytes[1] ?? 0)}***@${letter(bytes[2] ?? 0)}***`;
  }
  if (/^\+\d{8,15}$/.test(name)) return maskDestination('SMS', name);
  const digits = [3, 4, 5, 6].map((i) => String((bytes[i] ?? 0) % 10)).join('');
  return maskDestination('SMS', `+1555555${digits}`);
}

/** The challenge a decoy factor answers with: the shape of the real one, its Session naming no user. */
export async function decoyChallenge(s: SignInServices, request: SignInRequest, challenge: 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN'): Promise<SignInAnswer> {
  const { caller, parameters } = request;
  const name = parameters.USERNAME;
  const bytes = seed(s, caller.pool, name);
  const progress = { id: s.ids.uuid(), passed: [] };
  const session = s.sessions.open(caller, { sub: '', challenge, flow: 'USER_AUTH', progress });
  if (challenge === 'WEB_AUTHN') {
    const rp = await poolRelyingParty(s.store, caller.pool, s.settings.publicBaseUrl);
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      timeout: CEREMONY_TIMEOUT_MS,
      userVerification: rp.userVerification,
      allowCredentials: [{ id: bytes.subarray(8, 24).toString('base64url'), transports: ['internal'] }],
    });
    return { ChallengeName: 'WEB_AUTHN', Session: session, ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify(options) } };
  }
  const medium = challenge === 'EMAIL_OTP' ? 'EMAIL' : 'SMS';
  return {
    ChallengeName: challenge,
    Session: session,
    ChallengeParameters: { USER_ID_FOR_SRP: name, CODE_DELIVERY_DELIVERY_MEDIUM: medium, CODE_DELIVERY_DESTINATION: decoyDestination(bytes, medium, name) },
  };
}

/**
 * Before a challenge's answer is checked: when its Session is a decoy's (it names no user), the
 * answer fails here as `wrong` (or as a lockout, once the name has failed too often), after the
 * same parameter checks a real answer gets.
 */
export async function refuseDecoyAnswer(
  s: SignInServices,
  response: ChallengeResponse,
  challenge: string,
  field: string,
  wrong: () => DomainError,
): Promise<void> {
  const { caller, responses, now } = response;
  const pending = s.sessions.resume(caller, response.session, challenge);
  if (pending.sub !== '') return;
  requireParameters({ parameters: responses }, 'USERNAME');
  caller.checkSecretHash([responses.USERNAME], responses.SECRET_HASH);
  requireParameters({ parameters: responses }, field);
  const request: SignInRequest = {
    flow: 'USER_AUTH',
    surface: response.surface,
    caller,
    parameters: responses,
    clientMetadata: response.clientMetadata,
    context: response.context,
    now,
  };
  const guess = await admitGuess(s, request, { exists: false }, responses.USERNAME);
  try {
    throw guess.locked ? new NotAuthorizedError('Password attempts exceeded') : wrong();
  } finally {
    await settleGuess(s, guess, guess.locked ? 'not_attempted' : 'wrong_password', now);
  }
}
