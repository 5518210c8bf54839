import { FEDERATED_SIGN_IN_HANDLERS } from './federated-sign-in.use-case.js';

/** User-pool federation (OIDC and the social presets; SAML's own parts are in saml/): one handler per operation. */
export const FEDERATION_PROVIDERS = [...FEDERATED_SIGN_IN_HANDLERS];
