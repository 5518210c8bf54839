import { randomBytes } from 'node:crypto';
import { serverEphemeral } from '../../crypto/srp.js';
import { UserNotFoundError } from '../../shared/domain-error.js';
import type { SignInServices } from '../sign-in-services.js';
import type { AuthFlowHandler, SignInAnswer, SignInRequest } from './flow.js';
import { findSignInUser, requireParameters } from './sign-in-steps.js';
import { openSecretBlock, sealSecretBlock } from './srp-secret-block.js';

/**
 * USER_SRP_AUTH, first half: the client's SRP_A for the user's salt and the server's SRP_B, with
 * the exchange's state sealed in SECRET_BLOCK (stateless: any instance takes the answer). The
 * password is checked in the PASSWORD_VERIFIER challenge (challenges/password-verifier). A name
 * that matches no user gets a challenge of the same shape when the client hides user existence
 * (salt stable per name), and fails there as a wrong password does.
 */
async function srpSignIn(request: SignInRequest, s: SignInServices): Promise<SignInAnswer> {
  const { caller, parameters, now } = request;
  requireParameters(request, 'USERNAME', 'SRP_A');
  const user = await findSignInUser(s, caller.pool, parameters.USERNAME);
  caller.checkSecretHash(user.exists ? [parameters.USERNAME, user.username, user.sub] : [parameters.USERNAME], parameters.SECRET_HASH);
  if (!user.exists && !caller.hidesUserExistence) throw new UserNotFoundError('User does not exist.');
  // A user without a verifier (a password set before SRP) gets a challenge no password can pass,
  // until one password sign-in records the verifier.
  const real = user.exists && user.srp ? user.srp : undefined;
  const salt = real?.salt ?? fakeSalt(s, caller.pool.poolId, parameters.USERNAME);
  const ephemeral = serverEphemeral(real?.verifier ?? randomBytes(384).toString('hex'));
  const userId = user.exists ? user.username : parameters.USERNAME;
  const secretBlock = sealSecretBlock(s, caller, { userId, sub: user.exists ? user.sub : undefined, A: parameters.SRP_A, ephemeral, flow: request.flow }, now);
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: salt, SECRET_BLOCK: secretBlock, SRP_B: ephemeral.B, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

/** A salt for a name that matches no user: stable per name, so asking twice looks like a real user. */
function fakeSalt(s: SignInServices, poolId: string, name: string): string {
  return Buffer.from(s.secrets.uniqueValue('srp-fake-salt', `${poolId}\u0000${name}`), 'base64url')
    .subarray(0, 16)
    .toString('hex');
}

export const userSrpAuth: AuthFlowHandler = {
  clientFlow: 'ALLOW_USER_SRP_AUTH',
  clientFlowName: 'USER_SRP_AUTH',
  surfaces: ['public', 'admin'],
  run: srpSignIn,
};

export { openSecretBlock };
