/**
 * An IAM-style role this service hands out credentials for: a trust policy (who may assume it)
 * and named inline permission policies, both in AWS IAM JSON policy grammar and kept as the
 * text given. Role names are unique case-insensitively, as in IAM: the stream is named by the
 * lower-cased name.
 */
export type RoleCreated = {
  type: 'RoleCreated';
  data: {
    roleName: string;
    roleId: string;
    arn: string;
    path: string;
    description?: string;
    assumeRolePolicy: string;
    maxSessionDuration: number;
    createdAt: string;
  };
};

export type RoleUpdated = { type: 'RoleUpdated'; data: { roleName: string; description?: string; maxSessionDuration?: number; at: string } };
export type RoleTrustPolicyUpdated = { type: 'RoleTrustPolicyUpdated'; data: { roleName: string; assumeRolePolicy: string; at: string } };
export type RolePolicyPut = { type: 'RolePolicyPut'; data: { roleName: string; policyName: string; policyDocument: string; at: string } };
export type RolePolicyDeleted = { type: 'RolePolicyDeleted'; data: { roleName: string; policyName: string; at: string } };
export type RoleDeleted = { type: 'RoleDeleted'; data: { roleName: string; arn: string; at: string } };

export type RoleEvent = RoleCreated | RoleUpdated | RoleTrustPolicyUpdated | RolePolicyPut | RolePolicyDeleted | RoleDeleted;

export const roleStream = (roleName: string) => `iamrole-${roleName.toLowerCase()}`;

/**
 * An external OpenID Connect provider identity pools may trust (IAM's OpenIDConnectProvider):
 * its issuer URL, the audiences accepted, and where its keys are (discovery by default).
 */
export type OpenIdConnectProviderCreated = {
  type: 'OpenIdConnectProviderCreated';
  data: { arn: string; url: string; clientIds: string[]; thumbprints: string[]; jwksUri?: string; createdAt: string };
};
export type OpenIdConnectProviderDeleted = { type: 'OpenIdConnectProviderDeleted'; data: { arn: string; url: string; at: string } };

export type OpenIdConnectProviderEvent = OpenIdConnectProviderCreated | OpenIdConnectProviderDeleted;

/** By the provider's name (issuer without scheme), which is also the ARN's resource part. */
export const oidcProviderStream = (name: string) => `oidcprovider-${name}`;
