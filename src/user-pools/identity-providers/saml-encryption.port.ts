import type { RequestContext } from '../../shared/request-context.js';

/**
 * The certificate a pool's SAML IdPs encrypt their responses to (EncryptedResponses): Cognito shows
 * it as the read-only ActiveEncryptionCertificate in a SAML provider's ProviderDetails. The
 * identity providers of this context depend on the port; the SAML side of the auth context
 * implements it (it owns the pool's key pair), and the composition root binds the two.
 */
export const SAML_ENCRYPTION_CERTIFICATES = Symbol('SamlEncryptionCertificates');

export interface SamlEncryptionCertificates {
  /** base64 DER (made on first use, as GetSigningCertificate's is). */
  activeEncryptionCertificate(poolId: string, context: RequestContext): Promise<string>;
}
