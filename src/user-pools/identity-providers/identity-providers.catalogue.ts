import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { ExternalIdentityLinked, ExternalIdentityUnlinked, ExternalUserCreated, PasswordSignInDisabled } from '../user.events.js';
import type { IdentityProviderCreated, IdentityProviderDeleted, IdentityProviderUpdated } from './identity-provider.events.js';

const details = {
  client_id: 'shop-web',
  authorize_scopes: 'openid email profile',
  attributes_request_method: 'GET',
  oidc_issuer: 'https://idp.example.com',
  attributes_url_add_attributes: 'false',
};
const sealedDetails = { client_secret: 'v1.<iv>.<ciphertext>.<tag>' };

/** Catalogue entries of the identity provider events (spread into EVENT_CATALOGUE). */
export const IDENTITY_PROVIDERS_CATALOGUE: {
  IdentityProviderCreated: CatalogueEntry<IdentityProviderCreated>;
  IdentityProviderUpdated: CatalogueEntry<IdentityProviderUpdated>;
  IdentityProviderDeleted: CatalogueEntry<IdentityProviderDeleted>;
} = {
  IdentityProviderCreated: {
    stream: 'identityproviders-<poolId>',
    description:
      'An external identity provider (OIDC, SAML, Google, Facebook, Login with Amazon, Sign in with Apple) was added to the pool, with its ProviderDetails (secrets sealed under the master key), AttributeMapping and IdpIdentifiers.',
    secretFields: ['sealedDetails'],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      providerName: 'Corporate',
      providerType: 'OIDC',
      details,
      sealedDetails,
      attributeMapping: { username: 'sub', email: 'email' },
      idpIdentifiers: ['example.com'],
      at: '2026-01-01T00:00:00.000Z',
    },
  },
  IdentityProviderUpdated: {
    stream: 'identityproviders-<poolId>',
    description: "A provider's ProviderDetails, AttributeMapping or IdpIdentifiers changed (the event carries them whole).",
    secretFields: ['sealedDetails'],
    example: {
      providerName: 'Corporate',
      details,
      sealedDetails,
      attributeMapping: { username: 'sub', email: 'email', name: 'name' },
      idpIdentifiers: ['example.com', 'example.org'],
      at: '2026-01-02T00:00:00.000Z',
    },
  },
  IdentityProviderDeleted: {
    stream: 'identityproviders-<poolId>',
    description: 'The provider was removed from the pool; its name and identifiers are free again.',
    secretFields: [],
    example: { providerName: 'Corporate', at: '2026-01-03T00:00:00.000Z' },
  },
};

const identity = {
  providerName: 'Corporate',
  providerType: 'OIDC',
  userId: '248289761001',
  issuer: null,
  primary: true,
  dateCreated: 1767225600000,
};

/** Catalogue entries of the federated users' events on their user streams (spread into EVENT_CATALOGUE). */
export const FEDERATED_USER_CATALOGUE: {
  ExternalUserCreated: CatalogueEntry<ExternalUserCreated>;
  ExternalIdentityLinked: CatalogueEntry<ExternalIdentityLinked>;
  ExternalIdentityUnlinked: CatalogueEntry<ExternalIdentityUnlinked>;
  PasswordSignInDisabled: CatalogueEntry<PasswordSignInDisabled>;
} = {
  ExternalUserCreated: {
    stream: 'user-<poolId>-<sub>',
    description:
      'A first sign-in through an external identity provider created the user (status EXTERNAL_PROVIDER, username <ProviderName>_<userId>, attributes from the AttributeMapping); the username and the external login are claimed for this user.',
    secretFields: [],
    example: {
      poolId: 'us-east-1_AbCdEfGhI',
      sub: '3f1c7a52-9b1e-4c1f-8a54-5f3f0d1b2c3d',
      username: 'Corporate_248289761001',
      attributes: { email: 'jane@example.com', email_verified: 'true' },
      identity,
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
  ExternalIdentityLinked: {
    stream: 'user-<poolId>-<sub>',
    description: 'AdminLinkProviderForUser: sign-ins with this external identity now land on this user (the login is claimed for it).',
    secretFields: [],
    example: { identity: { ...identity, primary: false }, at: '2026-01-02T00:00:00.000Z' },
  },
  ExternalIdentityUnlinked: {
    stream: 'user-<poolId>-<sub>',
    description: 'AdminDisableProviderForUser: the external identity no longer signs in as this user (the login is released).',
    secretFields: [],
    example: { providerName: 'Corporate', userId: '248289761001', at: '2026-01-03T00:00:00.000Z' },
  },
  PasswordSignInDisabled: {
    stream: 'user-<poolId>-<sub>',
    description:
      'AdminDisableProviderForUser with ProviderName Cognito: the native user can no longer sign in with a password (password, SRP, USER_AUTH and hosted login); the user stays and its linked external identities still sign in.',
    secretFields: [],
    example: { at: '2026-01-04T00:00:00.000Z' },
  },
};
