import { FEDERATED_SIGN_IN_HANDLERS } from './federated-sign-in.use-case.js';
import { OIDC_FEDERATION_HANDLERS } from './oidc-federation.use-cases.js';

/** User-pool federation (OIDC and the social presets; SAML's own parts are in saml/): one handler per operation. */
export const FEDERATION_PROVIDERS = [...FEDERATED_SIGN_IN_HANDLERS, ...OIDC_FEDERATION_HANDLERS];
