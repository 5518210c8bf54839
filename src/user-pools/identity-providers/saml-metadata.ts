import { DOMParser } from '@xmldom/xmldom';
import { select } from 'xpath';

/** What the service provider needs from a SAML IdP's metadata document (SAML 2.0 metadata, §2.4.3). */
export interface IdpMetadata {
  entityId: string;
  /** SingleSignOnService with the HTTP-Redirect binding (where AuthnRequests go). */
  ssoRedirectUrl?: string;
  /** SingleSignOnService with the HTTP-POST binding (described, not used: requests go by redirect). */
  ssoPostUrl?: string;
  /** SingleLogoutService with the HTTP-Redirect binding (IDPSignout). */
  sloRedirectUrl?: string;
  /** Where the IdP wants LogoutResponses, when it says (ResponseLocation), else sloRedirectUrl. */
  sloResponseUrl?: string;
  /** The IdP's signing certificates as PEM (KeyDescriptor use="signing" or without use). */
  signingCertificates: string[];
  /** IDPSSODescriptor WantAuthnRequestsSigned. */
  wantAuthnRequestsSigned: boolean;
}

export class SamlMetadataError extends Error {}

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
export const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

const elements = (expression: string, node: Node): Element[] => select(expression, node) as Element[];

/** A base64 certificate body (whitespace removed) as PEM. */
export function certificatePem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Reads an IdP's metadata (an EntityDescriptor, or the first IdP of an EntitiesDescriptor):
 * entity id, the SSO and SLO endpoints by binding, and the signing certificates. Pure: the
 * document is given (MetadataFile, or what MetadataURL answered).
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const { entity, idp } = readIdpDescriptor(xml);
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) throw new SamlMetadataError('the EntityDescriptor has no entityID');
  const signingCertificates = elements(`./*[local-name()='KeyDescriptor' and namespace-uri()='${MD}'][not(@use) or @use='signing']`, idp)
    .flatMap((key) => elements(`.//*[local-name()='X509Certificate' and namespace-uri()='${DS}']`, key))
    .map((cert) => (cert.textContent ?? '').replace(/\s+/g, ''))
    .filter((body) => body.length > 0)
    .map(certificatePem);
  if (signingCertificates.length === 0) throw new SamlMetadataError('the IDPSSODescriptor has no signing certificate');
  return {
    entityId,
    ...idpEndpoints(idp),
    signingCertificates: [...new Set(signingCertificates)],
    wantAuthnRequestsSigned: idp.getAttribute('WantAuthnRequestsSigned') === 'true',
  };
}

/** The IdP's SSO and SLO endpoints by binding, as its metadata names them (what DescribeIdentityProvider shows). */
export function idpMetadataEndpoints(xml: string): Pick<IdpMetadata, 'ssoRedirectUrl' | 'ssoPostUrl' | 'sloRedirectUrl' | 'sloResponseUrl'> {
  return idpEndpoints(readIdpDescriptor(xml).idp);
}

function idpEndpoints(idp: Element): Pick<IdpMetadata, 'ssoRedirectUrl' | 'ssoPostUrl' | 'sloRedirectUrl' | 'sloResponseUrl'> {
  const endpoint = (kind: string, binding: string) => elements(`./*[local-name()='${kind}' and namespace-uri()='${MD}'][@Binding='${binding}']`, idp)[0];
  const sso = endpoint('SingleSignOnService', REDIRECT_BINDING);
  const ssoPost = endpoint('SingleSignOnService', POST_BINDING);
  const slo = endpoint('SingleLogoutService', REDIRECT_BINDING);
  const attr = (element: Element | undefined, name: string) => element?.getAttribute(name) || undefined;
  return {
    ssoRedirectUrl: attr(sso, 'Location'),
    ssoPostUrl: attr(ssoPost, 'Location'),
    sloRedirectUrl: attr(slo, 'Location'),
    sloResponseUrl: attr(slo, 'ResponseLocation') ?? attr(slo, 'Location'),
  };
}

/** The (first) EntityDescriptor with an IDPSSODescriptor, and that descriptor. */
function readIdpDescriptor(xml: string): { entity: Element; idp: Element } {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (message: string) => errors.push(message),
      fatalError: (message: string) => errors.push(message),
    },
  }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc?.documentElement) throw new SamlMetadataError('the metadata is not well-formed XML');
  const entity = elements(`//*[local-name()='EntityDescriptor' and namespace-uri()='${MD}'][*[local-name()='IDPSSODescriptor']]`, doc)[0];
  if (!entity) throw new SamlMetadataError('the metadata has no EntityDescriptor with an IDPSSODescriptor');
  const idp = elements(`./*[local-name()='IDPSSODescriptor' and namespace-uri()='${MD}']`, entity)[0];
  return { entity, idp };
}
