import type { CatalogueEntry } from '../events/catalogue-entry.js';
import type { IdentityPoolEvent } from './identity-pool.events.js';
import type { IdentityCredentialsIssued, IdentityEvent } from './identity.events.js';
import type { OpenIdConnectProviderEvent, RoleEvent } from './role.events.js';

export type IdentityPoolsEvent = IdentityPoolEvent | IdentityEvent | IdentityCredentialsIssued | RoleEvent | OpenIdConnectProviderEvent;

const POOL = 'us-east-1:6f1c2f0e-5a9b-4a55-9d1e-3f2c1b0a9e8d';
const IDENTITY = 'us-east-1:0b6c8a3e-2d4f-4e1a-8b7c-9d0e1f2a3b4c';
const AT = '2026-01-01T00:00:00.000Z';
const ROLE = 'arn:aws:iam::000000000000:role/members';
const USER_POOL = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI';
const TRUST =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}';
const LOGIN = { provider: USER_POOL, subject: '7d3e5f1a-9b2c-4d8e-a6f0-1c2b3a4d5e6f' };

/** Catalogue entries of the identity-pools context (spread into EVENT_CATALOGUE). None carries a secret. */
export const IDENTITY_POOLS_CATALOGUE: { [T in IdentityPoolsEvent['type']]: CatalogueEntry<Extract<IdentityPoolsEvent, { type: T }>> } = {
  IdentityPoolCreated: {
    stream: 'identitypool-<identityPoolId>',
    description: 'An identity pool was created with its providers and settings (CreateIdentityPool).',
    secretFields: [],
    example: {
      poolId: POOL,
      region: 'us-east-1',
      createdAt: AT,
      config: {
        name: 'photos',
        allowUnauthenticated: true,
        allowClassicFlow: false,
        supportedLoginProviders: {},
        openIdConnectProviderArns: [],
        cognitoIdentityProviders: [{ providerName: USER_POOL, clientId: '1example23456789', serverSideTokenCheck: false }],
        samlProviderArns: [],
        tags: {},
      },
    },
  },
  IdentityPoolUpdated: {
    stream: 'identitypool-<identityPoolId>',
    description: 'The whole configuration of an identity pool was replaced (UpdateIdentityPool).',
    secretFields: [],
    example: {
      poolId: POOL,
      updatedAt: AT,
      config: {
        name: 'photos',
        allowUnauthenticated: false,
        allowClassicFlow: false,
        supportedLoginProviders: {},
        openIdConnectProviderArns: [],
        cognitoIdentityProviders: [],
        samlProviderArns: [],
        tags: {},
      },
    },
  },
  IdentityPoolRolesSet: {
    stream: 'identitypool-<identityPoolId>',
    description: 'The roles and role mappings of an identity pool were set (SetIdentityPoolRoles).',
    secretFields: [],
    example: {
      poolId: POOL,
      roles: { authenticated: ROLE },
      roleMappings: { [`${USER_POOL}:1example23456789`]: { type: 'Token', ambiguousRoleResolution: 'AuthenticatedRole' } },
      at: AT,
    },
  },
  PrincipalTagAttributeMapSet: {
    stream: 'identitypool-<identityPoolId>',
    description: 'The principal tags of one provider were mapped to token claims (SetPrincipalTagAttributeMap).',
    secretFields: [],
    example: { poolId: POOL, providerName: USER_POOL, useDefaults: false, principalTags: { team: 'custom:team' }, at: AT },
  },
  IdentityPoolDeleted: {
    stream: 'identitypool-<identityPoolId>',
    description: 'An identity pool was deleted (its identities with it).',
    secretFields: [],
    example: { poolId: POOL, deletedAt: AT },
  },
  IdentityCreated: {
    stream: 'identity-<identityId>',
    description: 'An identity was created with its first logins (none for a guest); each login is claimed unique in its pool.',
    secretFields: [],
    example: { identityId: IDENTITY, poolId: POOL, logins: [LOGIN], createdAt: AT },
  },
  IdentityLoginsLinked: {
    stream: 'identity-<identityId>',
    description: 'Logins were linked to an identity (a further provider, a developer user identifier, a merge).',
    secretFields: [],
    example: { identityId: IDENTITY, poolId: POOL, logins: [{ provider: 'login.example.com', subject: 'user-1' }], at: AT },
  },
  IdentityLoginsUnlinked: {
    stream: 'identity-<identityId>',
    description: 'Logins were unlinked from an identity and released (UnlinkIdentity, UnlinkDeveloperIdentity).',
    secretFields: [],
    example: { identityId: IDENTITY, poolId: POOL, logins: [LOGIN], at: AT },
  },
  IdentityMerged: {
    stream: 'identity-<identityId>',
    description: "An identity's logins moved to another identity, and the identity is gone (MergeDeveloperIdentities).",
    secretFields: [],
    example: { identityId: IDENTITY, poolId: POOL, into: 'us-east-1:5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c', logins: [LOGIN], at: AT },
  },
  IdentityDeleted: {
    stream: 'identity-<identityId>',
    description: 'An identity was deleted and its logins released (DeleteIdentities).',
    secretFields: [],
    example: { identityId: IDENTITY, poolId: POOL, logins: [LOGIN], at: AT },
  },
  IdentityCredentialsIssued: {
    stream: 'identitycredentials-<identityId>',
    description:
      'Temporary credentials were issued for a role: the access key id, role and expiry (the secret exists only inside the encrypted session token).',
    secretFields: [],
    example: {
      identityId: IDENTITY,
      poolId: POOL,
      accessKeyId: 'ASIAEXAMPLE2EXAMPLE2',
      roleArn: ROLE,
      expiration: '2026-01-01T01:00:00.000Z',
      issuedAt: AT,
      flow: 'enhanced',
      authenticated: true,
      providers: [USER_POOL],
    },
  },
  RoleCreated: {
    stream: 'iamrole-<lower-cased roleName>',
    description: 'A role was created with its trust policy (IAM JSON).',
    secretFields: [],
    example: { roleName: 'members', roleId: 'AROAEXAMPLEEXAMPLE1', arn: ROLE, path: '/', assumeRolePolicy: TRUST, maxSessionDuration: 3600, createdAt: AT },
  },
  RoleUpdated: {
    stream: 'iamrole-<lower-cased roleName>',
    description: "A role's description or maximum session duration changed.",
    secretFields: [],
    example: { roleName: 'members', maxSessionDuration: 7200, at: AT },
  },
  RoleTrustPolicyUpdated: {
    stream: 'iamrole-<lower-cased roleName>',
    description: "A role's trust policy was replaced (UpdateAssumeRolePolicy).",
    secretFields: [],
    example: { roleName: 'members', assumeRolePolicy: TRUST, at: AT },
  },
  RolePolicyPut: {
    stream: 'iamrole-<lower-cased roleName>',
    description: 'An inline permission policy of a role was set (PutRolePolicy).',
    secretFields: [],
    example: {
      roleName: 'members',
      policyName: 'access',
      policyDocument: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}',
      at: AT,
    },
  },
  RolePolicyDeleted: {
    stream: 'iamrole-<lower-cased roleName>',
    description: 'An inline permission policy of a role was deleted.',
    secretFields: [],
    example: { roleName: 'members', policyName: 'access', at: AT },
  },
  RoleDeleted: {
    stream: 'iamrole-<lower-cased roleName>',
    description: 'A role was deleted; credentials issued for it stop verifying.',
    secretFields: [],
    example: { roleName: 'members', arn: ROLE, at: AT },
  },
  OpenIdConnectProviderCreated: {
    stream: 'oidcprovider-<issuer without scheme>',
    description: 'An external OpenID Connect provider identity pools may trust was registered.',
    secretFields: [],
    example: {
      arn: 'arn:aws:iam::000000000000:oidc-provider/login.example.com',
      url: 'https://login.example.com',
      clientIds: ['app'],
      thumbprints: [],
      createdAt: AT,
    },
  },
  OpenIdConnectProviderDeleted: {
    stream: 'oidcprovider-<issuer without scheme>',
    description: 'An OpenID Connect provider was removed.',
    secretFields: [],
    example: { arn: 'arn:aws:iam::000000000000:oidc-provider/login.example.com', url: 'https://login.example.com', at: AT },
  },
};
