/**
 * A pool's resource servers (CreateResourceServer): the custom OAuth scopes
 * `<identifier>/<scopeName>` app clients may be allowed and client_credentials tokens carry. All
 * of a pool's servers are on one stream, `resourceservers-<poolId>` (Cognito allows 25 per pool).
 */
export interface ResourceServerScope {
  name: string;
  description: string;
}

export type ResourceServerCreated = {
  type: 'ResourceServerCreated';
  data: { poolId: string; identifier: string; name: string; scopes: ResourceServerScope[]; at: string };
};

/** Update replaces the name and the whole list of scopes, as Cognito's UpdateResourceServer does. */
export type ResourceServerUpdated = {
  type: 'ResourceServerUpdated';
  data: { identifier: string; name: string; scopes: ResourceServerScope[]; at: string };
};

export type ResourceServerDeleted = { type: 'ResourceServerDeleted'; data: { identifier: string; at: string } };

export type ResourceServerEvent = ResourceServerCreated | ResourceServerUpdated | ResourceServerDeleted;

export const resourceServersStream = (poolId: string) => `resourceservers-${poolId}`;
