import { randomUUID } from 'node:crypto';
import { type CacheProvider, type Profile, SAML, type SamlConfig } from '@node-saml/node-saml';
import { checkAssertion, readAssertion, readEnvelope, type Solicitation } from './saml-assertion.js';
import type { IdpMetadata } from './saml-metadata.js';

/** A SAML identity provider of a pool, as the service provider needs it (from its ProviderDetails). */
export interface SamlProviderConfig {
  poolId: string;
  providerName: string;
  metadata: IdpMetadata;
  /** ProviderDetails.IDPInit = "true": unsolicited responses are accepted. */
  idpInit: boolean;
  /** ProviderDetails.IDPSignout = "true": /logout signs out at the IdP too. */
  idpSignout: boolean;
  /** ProviderDetails.EncryptedResponses = "true": assertions must come encrypted to the pool's certificate. */
  encryptedResponses: boolean;
  /** ProviderDetails.RequestSigningAlgorithm: "rsa-sha256" signs AuthnRequests. */
  requestSigningAlgorithm?: string;
}

/** The pool domain's SAML endpoints. */
export interface SpEndpoints {
  /** `<domain>/saml2/idpresponse` (the ACS URL). */
  acsUrl: string;
  /** `<domain>/saml2/logout`. */
  logoutUrl: string;
}

/** The pool's signing key and certificate (PEM). */
export interface SpKeys {
  certificatePem: string;
  privateKeyPem: string;
}

/** A refused SAML message, with the reason (shown to the user as Cognito's "Invalid SAML response received: ..."). */
export class SamlRejectedError extends Error {}

export const spEntityId = (poolId: string) => `urn:amazon:cognito:sp:${poolId}`;

/** Accepted difference between the IdP's clock and ours. */
export const CLOCK_SKEW_MS = 60_000;
/** Cognito: an IdP-initiated assertion must have been issued within the previous 6 minutes. */
export const UNSOLICITED_MAX_AGE_MS = 6 * 60_000;

/** node-saml's request-id cache is not used: a request's id is kept with its authorization (durable, shared by every instance). */
const NO_CACHE: CacheProvider = {
  saveAsync: async () => null,
  getAsync: async () => null,
  removeAsync: async () => null,
};

/** A fresh request id (an XML NCName). */
export const newRequestId = (random: string) => `_${random}`;

function saml(config: SamlProviderConfig, endpoints: SpEndpoints, keys: SpKeys, options: { sign: boolean; requestId?: string; ownTimeChecks?: boolean }): SAML {
  const entityId = spEntityId(config.poolId);
  const base: SamlConfig = {
    idpCert: config.metadata.signingCertificates,
    issuer: entityId,
    audience: entityId,
    callbackUrl: endpoints.acsUrl,
    logoutCallbackUrl: endpoints.logoutUrl,
    entryPoint: config.metadata.ssoRedirectUrl,
    logoutUrl: config.metadata.sloRedirectUrl ?? '',
    idpIssuer: config.metadata.entityId,
    // Either the response or the assertion must carry a valid signature by a certificate of the metadata.
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    // -1 turns node-saml's time checks off (they read the wall clock): checkAssertion makes them against the service's clock.
    acceptedClockSkewMs: options.ownTimeChecks ? -1 : CLOCK_SKEW_MS,
    validateInResponseTo: 'never' as never,
    cacheProvider: NO_CACHE,
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    generateUniqueId: () => options.requestId ?? newRequestId(randomUUID().replace(/-/g, '')),
    ...(options.sign ? { privateKey: keys.privateKeyPem, publicCert: keys.certificatePem, signatureAlgorithm: 'sha256' as const } : {}),
    ...(config.encryptedResponses ? { decryptionPvk: keys.privateKeyPem } : {}),
  };
  return new SAML(base);
}

/** The HTTP-Redirect URL of an AuthnRequest to the IdP (signed when RequestSigningAlgorithm is rsa-sha256), bound to `relayState`. */
export async function authnRequestUrl(
  config: SamlProviderConfig,
  endpoints: SpEndpoints,
  keys: SpKeys,
  requestId: string,
  relayState: string,
): Promise<string> {
  if (!config.metadata.ssoRedirectUrl) throw new SamlRejectedError('the identity provider has no SingleSignOnService with the HTTP-Redirect binding');
  const sign = config.requestSigningAlgorithm === 'rsa-sha256' || config.metadata.wantAuthnRequestsSigned;
  return saml(config, endpoints, keys, { sign, requestId }).getAuthorizeUrlAsync(relayState, undefined, {});
}

/** A verified sign-in: the subject (NameID), its attributes, the IdP session, and the assertion's id for the replay guard. */
export interface VerifiedAssertion {
  nameId: string;
  nameIdFormat?: string;
  sessionIndex?: string;
  /** Attribute name → its values (one or more). */
  attributes: Record<string, string[]>;
  assertionId: string;
  notOnOrAfter?: string;
  issuer: string;
}

/** Whether a response says it answers a request (InResponseTo), read before verification to choose the rules. */
export function responseInResponseTo(samlResponse: string): string | undefined {
  return readEnvelope(decode(samlResponse)).inResponseTo;
}

function decode(samlResponse: string): string {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  if (!xml.trimStart().startsWith('<')) throw new SamlRejectedError('the SAMLResponse is not a base64 SAML document');
  return xml;
}

const reasonOf = (error: unknown) => {
  const message = String((error as Error)?.message ?? error);
  if (/signature/i.test(message)) return 'the signature is not valid';
  if (/audience/i.test(message)) return 'the assertion is meant for another audience';
  if (/expired|too old/i.test(message)) return 'the assertion has expired';
  if (/not yet valid/i.test(message)) return 'the assertion is not valid yet';
  if (/decrypt|EncryptedAssertion/i.test(message)) return 'the encrypted assertion cannot be decrypted';
  if (/SAML provider returned/i.test(message)) return message.replace(/^SAML provider returned /, 'the identity provider answered ');
  return message;
};

/**
 * Verifies a SAMLResponse posted to the ACS URL: node-saml checks the signature (of the response
 * or its assertion, by a certificate of the metadata), decrypts an encrypted assertion and checks
 * the audience (`urn:amazon:cognito:sp:<poolId>`); checkAssertion the rest, every time at `nowMs`
 * (the service's clock): the Conditions' window, issuer, Destination, Recipient and its window,
 * InResponseTo, the unsolicited age. Pure of storage: the replay guard is the caller's.
 */
export async function verifyResponse(
  config: SamlProviderConfig,
  endpoints: SpEndpoints,
  keys: SpKeys,
  samlResponse: string,
  solicitation: Solicitation,
  nowMs: number,
): Promise<VerifiedAssertion> {
  const xml = decode(samlResponse);
  const envelope = readEnvelope(xml);
  if (config.encryptedResponses && !/EncryptedAssertion[\s>]/.test(xml)) throw new SamlRejectedError('the assertion must be encrypted');
  if (!config.encryptedResponses && /EncryptedAssertion[\s>]/.test(xml))
    throw new SamlRejectedError('the identity provider is not configured for encrypted responses');
  let profile: Profile | null;
  try {
    ({ profile } = await saml(config, endpoints, keys, { sign: false, ownTimeChecks: true }).validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (error) {
    throw new SamlRejectedError(reasonOf(error));
  }
  if (!profile?.nameID) throw new SamlRejectedError('the assertion names no subject (NameID)');
  const facts = readAssertion(profile.getAssertionXml?.() ?? '');
  const checked = checkAssertion(envelope, facts, {
    acsUrl: endpoints.acsUrl,
    idpEntityId: config.metadata.entityId,
    solicitation,
    nowMs,
    clockSkewMs: CLOCK_SKEW_MS,
    unsolicitedMaxAgeMs: UNSOLICITED_MAX_AGE_MS,
  });
  if (!checked.ok) throw new SamlRejectedError(checked.reason);
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries((profile.attributes as Record<string, unknown> | undefined) ?? {})) {
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (values.length > 0) attributes[name] = values;
  }
  return {
    nameId: profile.nameID,
    nameIdFormat: profile.nameIDFormat || undefined,
    sessionIndex: profile.sessionIndex,
    attributes,
    assertionId: checked.assertionId,
    notOnOrAfter: checked.notOnOrAfter,
    issuer: config.metadata.entityId,
  };
}

/** The IdP session a LogoutRequest names. */
export interface SamlSubject {
  nameId: string;
  nameIdFormat?: string;
  sessionIndex?: string;
}

/** The HTTP-Redirect URL of a signed LogoutRequest to the IdP's SLO endpoint (IDPSignout). */
export async function logoutRequestUrl(
  config: SamlProviderConfig,
  endpoints: SpEndpoints,
  keys: SpKeys,
  subject: SamlSubject,
  relayState: string,
): Promise<string> {
  if (!config.metadata.sloRedirectUrl) throw new SamlRejectedError('the identity provider has no SingleLogoutService with the HTTP-Redirect binding');
  const profile: Profile = {
    issuer: config.metadata.entityId,
    nameID: subject.nameId,
    nameIDFormat: subject.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    ...(subject.sessionIndex ? { sessionIndex: subject.sessionIndex } : {}),
  };
  return saml(config, endpoints, keys, { sign: true }).getLogoutUrlAsync(profile, relayState, {});
}

/**
 * A logout message the IdP sent by HTTP-Redirect to `<domain>/saml2/logout`: its query-string
 * signature is verified against the metadata's certificates. A LogoutResponse (to our request)
 * or a LogoutRequest (IdP-initiated single logout, with the subject it names).
 */
export async function verifyLogoutRedirect(
  config: SamlProviderConfig,
  endpoints: SpEndpoints,
  keys: SpKeys,
  query: Record<string, string>,
  rawQuery: string,
): Promise<{ kind: 'response' } | { kind: 'request'; subject: SamlSubject; profile: Profile }> {
  if (!query.Signature) throw new SamlRejectedError('the logout message is not signed');
  try {
    const { profile, loggedOut } = await saml(config, endpoints, keys, { sign: true }).validateRedirectAsync(query, rawQuery);
    if (query.SAMLResponse) {
      if (!loggedOut) throw new SamlRejectedError('the logout did not succeed');
      return { kind: 'response' };
    }
    if (!profile?.nameID) throw new SamlRejectedError('the logout request names no subject');
    return { kind: 'request', subject: { nameId: profile.nameID, nameIdFormat: profile.nameIDFormat, sessionIndex: profile.sessionIndex }, profile };
  } catch (error) {
    if (error instanceof SamlRejectedError) throw error;
    throw new SamlRejectedError(reasonOf(error));
  }
}

/** The signed HTTP-Redirect URL of our LogoutResponse to an IdP's LogoutRequest. */
export async function logoutResponseUrl(
  config: SamlProviderConfig,
  endpoints: SpEndpoints,
  keys: SpKeys,
  request: Profile,
  relayState: string,
): Promise<string> {
  const s = saml(config, endpoints, keys, { sign: true });
  if (config.metadata.sloResponseUrl) s.options.logoutUrl = config.metadata.sloResponseUrl;
  return s.getLogoutResponseUrlAsync(request, relayState, {}, true);
}
