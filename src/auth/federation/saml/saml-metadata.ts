// The metadata reader lives with the identity providers (CreateIdentityProvider reads the endpoints from it too).
export * from '../../../user-pools/identity-providers/saml-metadata.js';
