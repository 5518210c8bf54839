import { parseSrpTimestamp } from '../../crypto/srp.js';
import { NotAuthorizedError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { ChallengeHandler, ChallengeResponse, SignInAnswer } from '../flows/flow.js';
import { continueSignIn, openChallenge, recordFactorFailure } from '../flows/sign-in-continuation.js';
import { requireParameters } from '../flows/sign-in-steps.js';
import { openSecretBlock, sealSecretBlock } from '../flows/srp-secret-block.js';
import type { SignInServices } from '../sign-in-services.js';
import { resumeSignIn } from './sign-in-resume.js';

/** How far the claim's TIMESTAMP may be from the server's clock (either way). */
const TIMESTAMP_SKEW_MS = 5 * 60_000;

/**
 * DEVICE_SRP_AUTH: the device named at sign-in starts its SRP exchange (SRP_A) against the
 * verifier it registered with ConfirmDevice; the server's half (SRP_B, SALT) and the sealed
 * exchange (SECRET_BLOCK) come back as DEVICE_PASSWORD_VERIFIER.
 */
async function answerDeviceSrp(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { at, user, progress } = await resumeSignIn(s, response, 'DEVICE_SRP_AUTH');
  requireParameters({ parameters: response.responses }, 'DEVICE_KEY', 'SRP_A');
  const deviceKey = response.responses.DEVICE_KEY;
  if (deviceKey !== progress.deviceKey) throw new NotAuthorizedError('Invalid session for the user.');
  const device = await s.devices.find(at.caller.pool.poolId, user.sub, deviceKey);
  if (!device) throw new ResourceNotFoundError('Device does not exist.');
  const ephemeral = s.devices.ephemeral(device);
  const secretBlock = sealSecretBlock(s, at.caller, { userId: deviceKey, sub: user.sub, A: response.responses.SRP_A, ephemeral, flow: at.flow }, at.now);
  return openChallenge(s, at, user, 'DEVICE_PASSWORD_VERIFIER', progress, {
    SALT: device.srp.salt,
    SRP_B: ephemeral.B,
    SECRET_BLOCK: secretBlock,
    USERNAME: user.username,
    DEVICE_KEY: deviceKey,
  });
}

/** DEVICE_PASSWORD_VERIFIER: the device's claim; right, the device is proven (and stands in for MFA when remembered). */
async function answerDevicePasswordVerifier(response: ChallengeResponse, s: SignInServices): Promise<SignInAnswer> {
  const { at, user, progress } = await resumeSignIn(s, response, 'DEVICE_PASSWORD_VERIFIER');
  const r = response.responses;
  requireParameters({ parameters: r }, 'PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP', 'DEVICE_KEY');
  const exchange = openSecretBlock(s, at.caller, r.PASSWORD_CLAIM_SECRET_BLOCK, at.now);
  if (exchange.sub !== user.sub || exchange.userId !== r.DEVICE_KEY || r.DEVICE_KEY !== progress.deviceKey)
    throw new NotAuthorizedError('Invalid session for the user.');
  const device = await s.devices.find(at.caller.pool.poolId, user.sub, r.DEVICE_KEY);
  if (!device) throw new ResourceNotFoundError('Device does not exist.');
  const stamped = parseSrpTimestamp(r.TIMESTAMP);
  const fresh = stamped !== undefined && Math.abs(stamped.getTime() - at.now.getTime()) <= TIMESTAMP_SKEW_MS;
  const ok =
    fresh &&
    s.devices.verify(device, {
      A: exchange.A,
      ephemeral: exchange.ephemeral,
      secretBlock: r.PASSWORD_CLAIM_SECRET_BLOCK,
      timestamp: r.TIMESTAMP,
      signature: r.PASSWORD_CLAIM_SIGNATURE,
    });
  if (!ok) {
    await recordFactorFailure(s, at, user.sub, 'DEVICE', 'WRONG_PROOF', progress);
    throw new NotAuthorizedError('Incorrect username or password.');
  }
  return continueSignIn(s, at, user, { ...progress, passed: [...progress.passed, 'DEVICE'] });
}

export const deviceSrpAuth: ChallengeHandler = { run: answerDeviceSrp };
export const devicePasswordVerifier: ChallengeHandler = { run: answerDevicePasswordVerifier };
