import { WrongExpectedRevisionError } from '../../event-store/errors.js';
import type { StreamWrite } from '../../event-store/event-store.port.js';
import { withMetadata } from '../../shared/command-handler.js';
import { NotAuthorizedError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import type { ClientCaller } from '../../user-pools/clients/client-rules.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import type { MfaFactor } from '../../user-pools/user.events.js';
import { type AuthFlowName, type AuthLogEvent, authLogStream, type SignInFailureReason } from '../auth-log.events.js';
import type { Device } from '../devices/device.decider.js';
import { poolFactors } from '../mfa/pool-mfa-config.js';
import { decideSecondFactor, nextStep, type SecondFactor, type SecondFactorFacts } from '../mfa/second-factor.js';
import { amrOf, type PassedFactor, passedMfa, type SignInProgress } from '../mfa/sign-in-progress.js';
import type { SignInServices } from '../sign-in-services.js';
import type { SignInAnswer, SignInSurface } from './flow.js';

/** A sign-in between its steps: who, through which client, started by which flow. */
export interface SignInContext {
  caller: ClientCaller;
  flow: string;
  surface: SignInSurface;
  context: RequestContext;
  now: Date;
  /** The caller's ClientMetadata, for the hooks of the sign-in's last step. */
  clientMetadata?: Record<string, string>;
}

/** The progress of a sign-in whose first factor just passed (DEVICE_KEY: the device it names). */
export function firstFactorPassed(s: SignInServices, factor: PassedFactor, parameters: Record<string, string>): SignInProgress {
  return { id: s.ids.uuid(), passed: [factor], ...(parameters.DEVICE_KEY ? { deviceKey: parameters.DEVICE_KEY } : {}) };
}

/**
 * After a factor passed: the next step, decided from the pool's MFA settings, the user's
 * factors and the device the sign-in named (mfa/second-factor.ts), then carried out: a
 * challenge with its Session (and its code sent), the device's proof, or tokens.
 */
export async function continueSignIn(s: SignInServices, at: SignInContext, user: ExistingUserState, progress: SignInProgress): Promise<SignInAnswer> {
  const pool = at.caller.pool;
  const tracking = pool.settings.deviceConfiguration;
  // A device is only looked at in pools that track devices; one the user does not have is Cognito's "Device does not exist."
  let device: Device | undefined;
  if (tracking && progress.deviceKey) {
    device = await s.devices.find(pool.poolId, user.sub, progress.deviceKey);
    if (!device) throw new ResourceNotFoundError('Device does not exist.');
  }
  const deviceProven = progress.passed.includes('DEVICE');
  const mfa = user.mfa;
  const facts = {
    mfaConfiguration: pool.settings.mfaConfiguration,
    factors: poolFactors(pool),
    preferences: mfa?.preferences ?? {},
    hasTotp: mfa?.totp !== undefined,
    hasPhone: Boolean(user.attributes.phone_number),
    hasEmail: Boolean(user.attributes.email),
  };
  const step = nextStep({
    secondFactor: riskSecondFactor(decideSecondFactor(facts), facts, progress),
    mfaDone: passedMfa(progress),
    devicePending: device !== undefined && !deviceProven,
    deviceSkipsMfa: device !== undefined && device.remembered && Boolean(tracking?.challengeRequiredOnNewDevice) && !progress.risk?.mfa,
  });
  const base = { USER_ID_FOR_SRP: user.username };
  switch (step.kind) {
    case 'tokens':
      return finishSignIn(s, at, user, tracking ? progress : { ...progress, deviceKey: undefined });
    case 'device':
      return openChallenge(s, at, user, 'DEVICE_SRP_AUTH', progress, {});
    case 'challenge':
      if (step.factor === 'SOFTWARE_TOKEN_MFA') return openChallenge(s, at, user, step.factor, progress, base);
      return codeChallenge(s, at, user, step.factor, progress);
    case 'select':
      return openChallenge(s, at, user, 'SELECT_MFA_TYPE', { ...progress, choices: step.choices }, { ...base, MFAS_CAN_CHOOSE: JSON.stringify(step.choices) });
    case 'setup':
      return openChallenge(s, at, user, 'MFA_SETUP', progress, { ...base, MFAS_CAN_SETUP: JSON.stringify(step.canSetUp) });
  }
}

/** Threat protection asked for MFA: a factor the user has, even where the pool would not ask (none: as decided). */
function riskSecondFactor(decided: SecondFactor, facts: SecondFactorFacts, progress: SignInProgress): SecondFactor {
  if (!progress.risk?.mfa || decided.kind !== 'none') return decided;
  const forced = decideSecondFactor({ ...facts, mfaConfiguration: 'ON' });
  return forced.kind === 'setup' ? decided : forced;
}

/** SMS_MFA / EMAIL_OTP: a code sent now, its hash sealed in the Session; where it went, masked. */
export async function codeChallenge(
  s: SignInServices,
  at: SignInContext,
  user: ExistingUserState,
  factor: Exclude<MfaFactor, 'SOFTWARE_TOKEN_MFA'>,
  progress: SignInProgress,
): Promise<SignInAnswer> {
  const sent = await s.mfaCodes.send(at.caller.pool, user, factor, progress.id, at.now, {
    clientId: at.caller.clientId,
    ...(at.clientMetadata ? { clientMetadata: at.clientMetadata } : {}),
    context: at.context,
  });
  return openChallenge(
    s,
    at,
    user,
    factor,
    { ...progress, code: { hash: sent.hash, exp: sent.expiresAt } },
    {
      USER_ID_FOR_SRP: user.username,
      CODE_DELIVERY_DELIVERY_MEDIUM: sent.medium,
      CODE_DELIVERY_DESTINATION: sent.destination,
    },
  );
}

export function openChallenge(
  s: SignInServices,
  at: SignInContext,
  user: ExistingUserState,
  name: string,
  progress: SignInProgress,
  parameters: Record<string, string>,
): SignInAnswer {
  return {
    ChallengeName: name,
    Session: s.sessions.open(at.caller, { sub: user.sub, challenge: name, flow: at.flow, progress }),
    ChallengeParameters: parameters,
  };
}

/**
 * Tokens: the sign-in's log entry (naming its factors), its refresh family (the sign-in's id, so
 * a replayed last answer finds it taken: "session can only be used once") and the device's
 * sign-in, in one append. A pool that tracks devices hands out a new device key when the
 * sign-in proved none.
 */
async function finishSignIn(s: SignInServices, at: SignInContext, user: ExistingUserState, progress: SignInProgress): Promise<SignInAnswer> {
  const { caller, context, now } = at;
  const pool = caller.pool;
  const provenDevice = progress.passed.includes('DEVICE') ? progress.deviceKey : undefined;
  const newDevice = pool.settings.deviceConfiguration && !provenDevice ? s.devices.newDevice(pool, user.sub) : undefined;
  const pending = s.tokens.startSignIn(caller.client, user, context, now, {
    familyId: progress.id,
    amr: amrOf(progress.passed),
    ...(provenDevice || newDevice ? { deviceKey: provenDevice ?? newDevice?.DeviceKey } : {}),
  });
  const logged: AuthLogEvent = {
    type: 'SignInSucceeded',
    data: {
      poolId: pool.poolId,
      sub: user.sub,
      clientId: caller.clientId,
      flow: at.flow as AuthFlowName,
      factors: progress.passed,
      ...(progress.risk ? { risk: progress.risk.record } : {}),
      at: now.toISOString(),
    },
  };
  const entry = withMetadata([logged], context, now);
  const writes: StreamWrite[] = [pending.write, { streamId: authLogStream(pool.poolId, user.sub), events: entry, options: { expectedRevision: 'any' } }];
  if (provenDevice) writes.push(s.devices.authenticatedWrite(pool.poolId, user.sub, provenDevice, context, now));
  try {
    await s.store.appendMany(writes);
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw new NotAuthorizedError('Invalid session for the user, session can only be used once.');
    throw error;
  }
  if (progress.risk) await s.risk.notifyAfter({ pool, clientId: caller.clientId, user, context, now }, progress.risk, entry[0].metadata.eventId);
  const result = await s.tokens.finishSignIn(caller.client, user, pending, {
    source: provenDevice ? 'TokenGeneration_AuthenticateDevice' : 'TokenGeneration_Authentication',
    newDeviceUsed: newDevice !== undefined,
    ...(at.clientMetadata ? { clientMetadata: at.clientMetadata } : {}),
  });
  return { AuthenticationResult: newDevice ? { ...result, NewDeviceMetadata: newDevice } : result, ChallengeParameters: {} };
}

/** A failed factor after the first: logged with the factor named and what had passed before it. */
export async function recordFactorFailure(
  s: SignInServices,
  at: SignInContext,
  sub: string,
  factor: string,
  reason: SignInFailureReason,
  progress: SignInProgress | undefined,
): Promise<void> {
  const pool = at.caller.pool;
  const logged: AuthLogEvent = {
    type: 'SignInFailed',
    data: {
      poolId: pool.poolId,
      sub,
      clientId: at.caller.clientId,
      flow: at.flow as AuthFlowName,
      reason,
      factor,
      passed: progress?.passed ?? [],
      at: at.now.toISOString(),
    },
  };
  await s.store.append(authLogStream(pool.poolId, sub), withMetadata([logged], at.context, at.now), { expectedRevision: 'any' });
}
