/**
 * Events of SAML 2.0 federation (the pool as a SAML service provider). Streams:
 * `samlcert-<poolId>` (the pool's SAML signing certificate), `samlassertion-<poolId>-<key>` (one
 * per accepted assertion, the replay guard), `samlsession-<poolId>-<familyId>` (the IdP session
 * behind a sign-in, for single logout).
 */

/** The pool's SAML signing certificate (GetSigningCertificate): signs AuthnRequests and logout messages, decrypts EncryptedResponses. */
export type SamlSigningCertificateCreated = {
  type: 'SamlSigningCertificateCreated';
  data: {
    poolId: string;
    /** The X.509 certificate, base64 DER (as GetSigningCertificate answers it). */
    certificate: string;
    /** The PKCS#8 private key (PEM), AES-GCM under the master key, bound to `saml-signing-key:<poolId>`. */
    encryptedPrivateKey: string;
    createdAt: string;
    notAfter: string;
  };
};

/** A signed assertion was accepted: the same assertion is refused from now on (at least until it expires). */
export type SamlAssertionConsumed = {
  type: 'SamlAssertionConsumed';
  data: {
    poolId: string;
    providerName: string;
    /** The assertion's ID attribute (chosen by the IdP). */
    assertionId: string;
    issuer: string;
    /** Until when the assertion was valid (its NotOnOrAfter), if it said. */
    notOnOrAfter?: string;
    consumedAt: string;
    /** SP-initiated (InResponseTo of an AuthnRequest) or IdP-initiated (unsolicited). */
    initiatedBy: 'SP' | 'IDP';
  };
};

/** A SAML sign-in's IdP session (NameID and SessionIndex), kept for single logout (IDPSignout). */
export type SamlSessionStarted = {
  type: 'SamlSessionStarted';
  data: {
    poolId: string;
    providerName: string;
    /** The sign-in (refresh-token family) the session stands behind. */
    familyId: string;
    nameId: string;
    nameIdFormat?: string;
    sessionIndex?: string;
    startedAt: string;
  };
};

/** The session was ended by single logout (a LogoutRequest sent to the IdP, or received from it). */
export type SamlSessionEnded = {
  type: 'SamlSessionEnded';
  data: { poolId: string; familyId: string; endedAt: string; by: 'SP' | 'IDP' };
};

export type SamlCertificateEvent = SamlSigningCertificateCreated;
export type SamlAssertionEvent = SamlAssertionConsumed;
export type SamlSessionEvent = SamlSessionStarted | SamlSessionEnded;
export type SamlEvent = SamlCertificateEvent | SamlAssertionEvent | SamlSessionEvent;

export const samlCertificateStream = (poolId: string) => `samlcert-${poolId}`;
export const samlAssertionStream = (poolId: string, key: string) => `samlassertion-${poolId}-${key}`;
export const samlSubjectStream = (poolId: string, key: string) => `samlsubject-${poolId}-${key}`;
/** Associated data of the private key's ciphertext: it cannot be moved to another pool. */
export const samlKeyContext = (poolId: string) => `saml-signing-key:${poolId}`;
