/**
 * A pool's external identity providers (CreateIdentityProvider): OIDC, SAML and the social
 * presets. All of a pool's providers are on one stream, `identityproviders-<poolId>`, so the
 * uniqueness of their names and of their IdpIdentifiers is decided on one state, under the
 * stream's expected revision.
 *
 * Secret members of ProviderDetails (`client_secret`, Sign in with Apple's `private_key`) never
 * appear in `details`: they are in `sealedDetails`, encrypted under the master key (bound to the
 * pool, provider and key), and removed before an event leaves the log.
 */
export type IdentityProviderType = 'SAML' | 'Facebook' | 'Google' | 'LoginWithAmazon' | 'SignInWithApple' | 'OIDC';

export type IdentityProviderCreated = {
  type: 'IdentityProviderCreated';
  data: {
    poolId: string;
    providerName: string;
    providerType: IdentityProviderType;
    details: Record<string, string>;
    sealedDetails: Record<string, string>;
    attributeMapping: Record<string, string>;
    idpIdentifiers: string[];
    at: string;
  };
};

/** Update replaces the members given (ProviderDetails merged key by key, AttributeMapping and IdpIdentifiers whole). */
export type IdentityProviderUpdated = {
  type: 'IdentityProviderUpdated';
  data: {
    providerName: string;
    details: Record<string, string>;
    sealedDetails: Record<string, string>;
    attributeMapping: Record<string, string>;
    idpIdentifiers: string[];
    at: string;
  };
};

export type IdentityProviderDeleted = { type: 'IdentityProviderDeleted'; data: { providerName: string; at: string } };

export type IdentityProviderEvent = IdentityProviderCreated | IdentityProviderUpdated | IdentityProviderDeleted;

export const identityProvidersStream = (poolId: string) => `identityproviders-${poolId}`;
