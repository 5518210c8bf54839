import type { RoleMapping, PoolRoles } from './role-mapping.js';

/** A user pool an identity pool accepts ID tokens from (Cognito's CognitoIdentityProvider). */
export interface CognitoProviderConfig {
  /** Canonical form: `cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  providerName: string;
  clientId: string;
  serverSideTokenCheck: boolean;
}

/** The settings CreateIdentityPool takes and UpdateIdentityPool replaces. */
export interface IdentityPoolConfig {
  name: string;
  allowUnauthenticated: boolean;
  allowClassicFlow: boolean;
  supportedLoginProviders: Record<string, string>;
  developerProviderName?: string;
  openIdConnectProviderArns: string[];
  cognitoIdentityProviders: CognitoProviderConfig[];
  samlProviderArns: string[];
  tags: Record<string, string>;
}

/** Principal tags for one provider: tag name → claim name (SetPrincipalTagAttributeMap). */
export interface PrincipalTagMap {
  useDefaults: boolean;
  principalTags: Record<string, string>;
}

export type IdentityPoolCreated = {
  type: 'IdentityPoolCreated';
  data: { poolId: string; region: string; config: IdentityPoolConfig; createdAt: string };
};

/** UpdateIdentityPool: the whole configuration, as Cognito replaces it. */
export type IdentityPoolUpdated = { type: 'IdentityPoolUpdated'; data: { poolId: string; config: IdentityPoolConfig; updatedAt: string } };

/** SetIdentityPoolRoles: the roles and role mappings, replaced as a whole. */
export type IdentityPoolRolesSet = {
  type: 'IdentityPoolRolesSet';
  data: { poolId: string; roles: PoolRoles; roleMappings: Record<string, RoleMapping>; at: string };
};

export type PrincipalTagAttributeMapSet = {
  type: 'PrincipalTagAttributeMapSet';
  data: { poolId: string; providerName: string; useDefaults: boolean; principalTags: Record<string, string>; at: string };
};

export type IdentityPoolDeleted = { type: 'IdentityPoolDeleted'; data: { poolId: string; deletedAt: string } };

export type IdentityPoolEvent = IdentityPoolCreated | IdentityPoolUpdated | IdentityPoolRolesSet | PrincipalTagAttributeMapSet | IdentityPoolDeleted;

export const identityPoolStream = (poolId: string) => `identitypool-${poolId}`;
