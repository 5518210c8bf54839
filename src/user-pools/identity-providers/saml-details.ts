import { InvalidParameterError } from '../../shared/domain-error.js';
import { idpMetadataEndpoints, SamlMetadataError } from './saml-metadata.js';

const METADATA_TIMEOUT_MS = 5_000;

/**
 * The ProviderDetails keys of a SAML provider that Cognito sets itself (read-only): the endpoints
 * from the IdP's metadata, and with EncryptedResponses the ActiveEncryptionCertificate (shown, never stored).
 */
export const SAML_READ_ONLY_KEYS: readonly string[] = ['SSORedirectBindingURI', 'SLORedirectBindingURI', 'ActiveEncryptionCertificate'];

/** The details without the read-only keys (a Describe answer given back to Update carries them). */
export function withoutReadOnlyKeys(details: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(details).filter(([k]) => !SAML_READ_ONLY_KEYS.includes(k)));
}

/**
 * What Cognito adds to a SAML provider's ProviderDetails at Create/UpdateIdentityProvider: the
 * IdP's HTTP-Redirect SingleSignOnService (SSORedirectBindingURI) and SingleLogoutService
 * (SLORedirectBindingURI), read from the MetadataFile, or from what MetadataURL answers (a URL
 * that cannot be read is an InvalidParameterException, as in Cognito).
 */
export async function samlReadOnlyDetails(details: Record<string, string>): Promise<Record<string, string>> {
  let xml = details.MetadataFile;
  if (xml === undefined && details.MetadataURL !== undefined) {
    const url = details.MetadataURL;
    xml = await fetch(url, { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS) })
      .then(async (response) => {
        if (!response.ok) throw new Error(`it answered ${response.status}`);
        return response.text();
      })
      .catch((error: unknown) => {
        throw new InvalidParameterError(`Unable to retrieve the SAML metadata from MetadataURL ${url}: ${(error as Error).message}`);
      });
  }
  if (xml === undefined) return {};
  let endpoints;
  try {
    endpoints = idpMetadataEndpoints(xml);
  } catch (error) {
    if (error instanceof SamlMetadataError) throw new InvalidParameterError(`Invalid SAML metadata: ${error.message}`);
    throw error;
  }
  return {
    ...(endpoints.ssoRedirectUrl ? { SSORedirectBindingURI: endpoints.ssoRedirectUrl } : {}),
    ...(endpoints.sloRedirectUrl ? { SLORedirectBindingURI: endpoints.sloRedirectUrl } : {}),
  };
}
