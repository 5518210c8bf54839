import { randomBytes } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import {
  DomainError,
  InvalidParameterError,
  NotAuthorizedError,
  WebAuthnConfigurationMissingError,
  WebAuthnCredentialNotSupportedError,
  WebAuthnNotEnabledError,
  WebAuthnOriginNotAllowedError,
  WebAuthnRelyingPartyMismatchError,
} from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { domainDecider } from '../../user-pools/oauth/domain.decider.js';
import { type UserPoolDomainEvent, userPoolDomainStream } from '../../user-pools/oauth/domain.events.js';
import { allowedFirstAuthFactors } from '../../user-pools/pool-settings.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import { poolFactors } from '../mfa/pool-mfa-config.js';
import { type Passkey, type PasskeyCommand, passkeyDecider, type PasskeysState, registrationChallenge } from './passkey.decider.js';
import { type PasskeyEvent, passkeysStream } from './passkey.events.js';

/** How long a registration or sign-in challenge may be answered (the options' timeout). */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000;

/** The public-key algorithms passkeys may use, as Cognito offers them: ES256 and RS256 (COSE ids). */
export const SUPPORTED_ALGORITHMS = [-7, -257];

/** The pool's relying party: its id (WebAuthnConfiguration.RelyingPartyId) and whether the authenticator must verify the user. */
export interface RelyingParty {
  id: string;
  userVerification: 'required' | 'preferred';
}

/**
 * The pool's relying party, when passkeys are on: WEB_AUTHN among the pool's first factors
 * (else WebAuthnNotEnabledException) and a relying party id: the one set with
 * SetUserPoolMfaConfig or, as Cognito falls back to the pool's domain, the host the pool's
 * domain is served from (`domainHost`); with neither, WebAuthnConfigurationMissingException.
 */
export function relyingParty(pool: ActivePool, domainHost?: string): RelyingParty {
  if (!allowedFirstAuthFactors(pool.settings).includes('WEB_AUTHN')) throw new WebAuthnNotEnabledError('Passkeys are not enabled for this user pool.');
  const web = poolFactors(pool).webAuthn;
  const id = web.relyingPartyId ?? domainHost;
  if (!id) throw new WebAuthnConfigurationMissingError('The user pool has no relying party id for passkeys.');
  return { id, userVerification: web.userVerification };
}

/**
 * The relying party as `relyingParty` decides it, with the domain fallback looked up only when
 * the pool sets no id: a pool with a domain is served from the deployment's public host.
 */
export async function poolRelyingParty(store: EventStore, pool: ActivePool, publicBaseUrl: string): Promise<RelyingParty> {
  if (poolFactors(pool).webAuthn.relyingPartyId !== undefined) return relyingParty(pool);
  const domain = fold(domainDecider, (await store.readStream(userPoolDomainStream(pool.poolId))) as never as UserPoolDomainEvent[]);
  return relyingParty(pool, domain.exists ? new URL(publicBaseUrl).hostname : undefined);
}

/**
 * An origin the relying party accepts: its own host or a subdomain, over HTTPS (plain HTTP only
 * for localhost, as browsers allow), as WebAuthn scopes credentials to a registrable domain.
 */
export function originAllowed(origin: string, rpId: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  const host = url.hostname;
  const inScope = host === rpId || host.endsWith(`.${rpId}`);
  return inScope && (url.protocol === 'https:' || (url.protocol === 'http:' && host === 'localhost'));
}

/** The client data's origin (checked against the relying party before any verification) and challenge. */
function clientData(clientDataJSON: unknown, rpId: string): { origin: string; challenge: string } {
  let data: { origin?: unknown; challenge?: unknown };
  try {
    data = JSON.parse(Buffer.from(String(clientDataJSON), 'base64url').toString('utf8')) as typeof data;
  } catch {
    throw new InvalidParameterError('The credential is not valid.');
  }
  if (typeof data.origin !== 'string' || !originAllowed(data.origin, rpId)) {
    throw new WebAuthnOriginNotAllowedError('The origin of the credential is not allowed for this relying party.');
  }
  return { origin: data.origin, challenge: typeof data.challenge === 'string' ? data.challenge : '' };
}

/** A failure of the library's checks, in Cognito's terms. */
function ceremonyError(error: unknown, otherwise: () => DomainError): DomainError {
  if (error instanceof DomainError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/RP ID/i.test(message)) return new WebAuthnRelyingPartyMismatchError("The credential's relying party id does not match the user pool's.");
  if (/origin/i.test(message)) return new WebAuthnOriginNotAllowedError('The origin of the credential is not allowed for this relying party.');
  if (/alg|Attestation Format|credential type|public key/i.test(message)) return new WebAuthnCredentialNotSupportedError('The credential is not supported.');
  return otherwise();
}

export async function readPasskeys(store: EventStore, poolId: string, sub: string): Promise<PasskeysState> {
  return fold(passkeyDecider, (await store.readStream(passkeysStream(poolId, sub))) as never as PasskeyEvent[]);
}

export async function runPasskeys(
  store: EventStore,
  poolId: string,
  sub: string,
  context: RequestContext,
  now: Date,
  command: PasskeyCommand,
): Promise<PasskeysState> {
  const result = await handleCommand({
    store,
    streamId: passkeysStream(poolId, sub),
    decider: passkeyDecider,
    context,
    now,
    retries: 3,
    command: () => command,
  });
  return result.state;
}

const passkeyList = (state: PasskeysState): Passkey[] => Object.values(state.passkeys);

/** StartWebAuthnRegistration: creation options for the user, the challenge recorded for the completion. */
export async function startRegistration(
  store: EventStore,
  args: { pool: ActivePool; sub: string; username: string; displayName?: string; clientId: string; publicBaseUrl: string; context: RequestContext; now: Date },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = await poolRelyingParty(store, args.pool, args.publicBaseUrl);
  const state = await readPasskeys(store, args.pool.poolId, args.sub);
  const options = await generateRegistrationOptions({
    rpName: rp.id,
    rpID: rp.id,
    userName: args.username,
    userID: Buffer.from(args.sub, 'utf8'),
    userDisplayName: args.displayName ?? args.username,
    challenge: randomBytes(32),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    excludeCredentials: passkeyList(state).map((p) => ({ id: p.credentialId, transports: p.transports as never })),
    authenticatorSelection: { residentKey: 'required', userVerification: rp.userVerification },
  });
  await runPasskeys(store, args.pool.poolId, args.sub, args.context, args.now, {
    type: 'StartRegistration',
    challenge: options.challenge,
    relyingPartyId: rp.id,
    clientId: args.clientId,
    expiresAt: new Date(args.now.getTime() + CEREMONY_TIMEOUT_MS).toISOString(),
    now: args.now.toISOString(),
  });
  return options;
}

/** CompleteWebAuthnRegistration: the attestation verified against the pending challenge, then recorded. */
export async function completeRegistration(
  store: EventStore,
  args: { pool: ActivePool; sub: string; clientId: string; credential: unknown; publicBaseUrl: string; context: RequestContext; now: Date },
): Promise<void> {
  const rp = await poolRelyingParty(store, args.pool, args.publicBaseUrl);
  const response = args.credential as RegistrationResponseJSON;
  if (!response || typeof response !== 'object' || !response.response) throw new InvalidParameterError('The credential is not valid.');
  const state = await readPasskeys(store, args.pool.poolId, args.sub);
  const { origin, challenge } = clientData(response.response.clientDataJSON, rp.id);
  // The challenge must be the one StartWebAuthnRegistration handed out, unexpired, to the same client (the decider checks again as it records).
  registrationChallenge(state, challenge, args.clientId, args.now);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rp.id,
      requireUserVerification: rp.userVerification === 'required',
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  } catch (error) {
    throw ceremonyError(error, () => new InvalidParameterError('The credential is not valid.'));
  }
  if (!verified.verified || !verified.registrationInfo) throw new InvalidParameterError('The credential is not valid.');
  const info = verified.registrationInfo;
  await runPasskeys(store, args.pool.poolId, args.sub, args.context, args.now, {
    type: 'CompleteRegistration',
    challenge,
    clientId: args.clientId,
    credential: {
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      relyingPartyId: rp.id,
      ...(response.authenticatorAttachment ? { authenticatorAttachment: response.authenticatorAttachment } : {}),
      transports: info.credential.transports ?? response.response.transports ?? [],
    },
    now: args.now.toISOString(),
  });
}

/** The assertion options of a WEB_AUTHN sign-in: a fresh challenge and the user's credentials. */
export async function assertionOptions(rp: RelyingParty, state: PasskeysState): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge: randomBytes(32),
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: rp.userVerification,
    allowCredentials: passkeyList(state).map((p) => ({ id: p.credentialId, transports: p.transports as never })),
  });
}

/**
 * A WEB_AUTHN answer: the assertion verified against the challenge the sign-in handed out and
 * the credential's public key, its counter moved forward (a replay fails there). Returns
 * whether the authenticator verified the user.
 */
export async function verifyAssertion(
  store: EventStore,
  args: { pool: ActivePool; sub: string; challenge: string; credential: unknown; publicBaseUrl: string; context: RequestContext; now: Date },
): Promise<{ userVerified: boolean }> {
  const rp = await poolRelyingParty(store, args.pool, args.publicBaseUrl);
  const wrong = () => new NotAuthorizedError('Incorrect username or password.');
  const response = args.credential as AuthenticationResponseJSON;
  if (!response || typeof response !== 'object' || !response.response || typeof response.id !== 'string') throw wrong();
  const { origin } = clientData(response.response.clientDataJSON, rp.id);
  const state = await readPasskeys(store, args.pool.poolId, args.sub);
  const passkey = Object.hasOwn(state.passkeys, response.id) ? state.passkeys[response.id] : undefined;
  if (!passkey) throw wrong();
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: args.challenge,
      expectedOrigin: origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credentialId,
        publicKey: Buffer.from(passkey.publicKey, 'base64url'),
        counter: passkey.counter,
        transports: passkey.transports as never,
      },
      requireUserVerification: rp.userVerification === 'required',
    });
  } catch (error) {
    throw ceremonyError(error, wrong);
  }
  if (!verified.verified) throw wrong();
  await runPasskeys(store, args.pool.poolId, args.sub, args.context, args.now, {
    type: 'UsePasskey',
    credentialId: passkey.credentialId,
    counter: verified.authenticationInfo.newCounter,
    now: args.now.toISOString(),
  });
  return { userVerified: verified.authenticationInfo.userVerified };
}
