import type { Provider } from '@nestjs/common';
import { SAML_ENCRYPTION_CERTIFICATES } from '../../../user-pools/identity-providers/saml-encryption.port.js';
import { SamlCertificates } from './saml-certificates.js';
import { GetSigningCertificateHandler } from './signing-certificate.use-cases.js';
import { SamlProviders } from './saml-providers.js';
import { SAML_USE_CASES } from './saml.use-cases.js';

/** SAML 2.0 federation: the pools' signing certificates (also the identity providers' encryption certificate port) and the SAML use cases (spread into AUTH_PROVIDERS). */
export const SAML_PROVIDERS: Provider[] = [
  SamlCertificates,
  { provide: SAML_ENCRYPTION_CERTIFICATES, useExisting: SamlCertificates },
  SamlProviders,
  GetSigningCertificateHandler,
  ...SAML_USE_CASES,
];
