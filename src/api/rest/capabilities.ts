import { z } from 'zod';
import { COGNITO_SERVICES } from '../cognito/actions/services.js';
import type { ActionContext, CognitoAction } from '../cognito/cognito-action.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { PreconditionFailedError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { GetUserQuery } from '../../user-pools/queries/get-user.js';
import { identityStream } from '../../identity-pools/identity.events.js';
import { identityPoolStream } from '../../identity-pools/identity-pool.events.js';
import { identityProvidersStream } from '../../user-pools/identity-providers/identity-provider.events.js';
import { logDeliveryStream } from '../../user-pools/log-delivery/log-delivery.events.js';
import { userPoolDomainStream } from '../../user-pools/oauth/domain.events.js';
import { resourceServersStream } from '../../user-pools/oauth/resource-server.events.js';
import { sessionConfigStream } from '../../user-pools/sessions/session-config.events.js';
import { userPoolStream } from '../../user-pools/user-pool.events.js';
import { userStream } from '../../user-pools/user.events.js';
import { devicesStream } from '../../auth/devices/device.events.js';
import { conditionalWrite, streamRevision } from './conditional.js';
import { parse } from './validation.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One REST route (and its GraphQL field) over one operation of the Cognito action table. The
 * action is the Cognito surface's own: its input schema validates, its handler builds the one
 * command or query and sends it through the dispatcher, so nothing is implemented twice. Bodies and
 * answers carry Cognito's member names (its API reference documents them); the path names the
 * resource and fills the members it identifies.
 */
interface CapabilityRoute {
  method: Method;
  /** OpenAPI-style, `{name}` parameters (see PATH_MEMBERS). */
  path: string;
  /** The Cognito action's name (X-Amz-Target suffix). */
  action: string;
  /** `admin`: an admin key or admin access token; `user`: the user's access token, passed as AccessToken. */
  auth: 'admin' | 'user';
  summary: string;
  /** The GraphQL field (a query for GET routes, else a mutation). */
  field: string;
  /** Success status; by default 200, and 204 (no content) for DELETE. */
  status?: number;
  /** A listing: `?limit=&cursor=` (GraphQL `first` / `after`) fill these members; the answer's cursor member becomes `nextCursor`. */
  page?: { limit?: string; cursor: string; max: number };
  /** An answer meaning that the resource does not exist (Cognito answers some of these with an empty object). */
  missing?: (answer: Record<string, unknown>) => boolean;
  /**
   * The one event stream the resource is (by the path's parameters): its last revision is the
   * resource's version, answered as the ETag, and If-Match on a write must name it. Absent: the
   * resource is no single stream (a computed view, an action across streams, the creation of a
   * resource); it answers no ETag and refuses If-Match. `user` finds the user the path or the token
   * names, for a stream of that user's.
   */
  stream?: (params: Record<string, string>, user: UserLookup) => string | Promise<string>;
  /** false: a GraphQL field only; the REST form is served elsewhere (the role documents: src/api/cognito/identity/identity-http.route.ts). */
  rest?: false;
}

/** The user a call names (the path's pool and username, or the access token's user), for a stream of that user's. */
export type UserLookup = () => Promise<{ poolId: string; sub: string }>;

const userOwn = async (_p: Record<string, string>, user: UserLookup) => {
  const { poolId, sub } = await user();
  return userStream(poolId, sub);
};
const devices = async (_p: Record<string, string>, user: UserLookup) => {
  const { poolId, sub } = await user();
  return devicesStream(poolId, sub);
};

/** Which input member each path parameter fills. */
export const PATH_MEMBERS: Record<string, string> = {
  poolId: 'UserPoolId',
  username: 'Username',
  deviceKey: 'DeviceKey',
  sessionId: 'SessionId',
  clientId: 'ClientId',
  domain: 'Domain',
  identifier: 'Identifier',
  jobId: 'JobId',
  identityPoolId: 'IdentityPoolId',
  identityId: 'IdentityId',
  providerName: 'IdentityProviderName',
  idpName: 'ProviderName',
  idpIdentifier: 'IdpIdentifier',
  roleName: 'RoleName',
  policyName: 'PolicyName',
};

const POOL = '/v1/user-pools/{poolId}';
const USER = `${POOL}/users/{username}`;
const IDP = '/v1/identity-pools/{identityPoolId}';
const ROLE = '/v1/roles/{roleName}';

/** Every capability route (besides the hand-written controllers). */
const ROUTES: CapabilityRoute[] = [
  // MFA: the pool's configuration, a user's preference (admin and self-service), TOTP association.
  {
    method: 'get',
    path: `${POOL}/mfa-config`,
    stream: (p) => userPoolStream(p.poolId),
    action: 'GetUserPoolMfaConfig',
    auth: 'admin',
    field: 'userPoolMfaConfig',
    summary: "The pool's MFA configuration",
  },
  {
    method: 'put',
    path: `${POOL}/mfa-config`,
    stream: (p) => userPoolStream(p.poolId),
    action: 'SetUserPoolMfaConfig',
    auth: 'admin',
    field: 'setUserPoolMfaConfig',
    summary: "Replace the pool's MFA configuration (a factor left out is turned off)",
  },
  {
    method: 'put',
    path: `${USER}/mfa-preference`,
    stream: userOwn,
    action: 'AdminSetUserMFAPreference',
    auth: 'admin',
    field: 'setUserMfaPreference',
    summary: "Set a user's MFA factors and preferred factor",
  },
  {
    method: 'put',
    path: '/v1/me/mfa-preference',
    stream: userOwn,
    action: 'SetUserMFAPreference',
    auth: 'user',
    field: 'setMyMfaPreference',
    summary: 'Set own MFA factors',
  },
  {
    method: 'post',
    path: '/v1/me/software-token',
    action: 'AssociateSoftwareToken',
    auth: 'user',
    field: 'associateMySoftwareToken',
    summary: 'Start associating an authenticator app (the TOTP secret)',
  },
  {
    method: 'post',
    path: '/v1/me/software-token/verify',
    action: 'VerifySoftwareToken',
    auth: 'user',
    field: 'verifyMySoftwareToken',
    summary: 'Finish associating an authenticator app with one of its codes',
  },
  // Devices.
  {
    method: 'get',
    path: `${USER}/devices`,
    action: 'AdminListDevices',
    auth: 'admin',
    field: 'userDevices',
    summary: "A user's remembered and tracked devices",
    page: { limit: 'Limit', cursor: 'PaginationToken', max: 60 },
  },
  {
    method: 'get',
    path: `${USER}/devices/{deviceKey}`,
    stream: devices,
    action: 'AdminGetDevice',
    auth: 'admin',
    field: 'userDevice',
    summary: "One of a user's devices",
  },
  {
    method: 'delete',
    path: `${USER}/devices/{deviceKey}`,
    stream: devices,
    action: 'AdminForgetDevice',
    auth: 'admin',
    field: 'forgetUserDevice',
    summary: "Forget a user's device",
  },
  {
    method: 'put',
    path: `${USER}/devices/{deviceKey}/status`,
    stream: devices,
    action: 'AdminUpdateDeviceStatus',
    auth: 'admin',
    field: 'updateUserDeviceStatus',
    summary: "Set whether a user's device is remembered",
  },
  {
    method: 'get',
    path: '/v1/me/devices',
    action: 'ListDevices',
    auth: 'user',
    field: 'myDevices',
    summary: 'Own devices',
    page: { limit: 'Limit', cursor: 'PaginationToken', max: 60 },
  },
  {
    method: 'post',
    path: '/v1/me/devices/{deviceKey}/confirm',
    action: 'ConfirmDevice',
    auth: 'user',
    field: 'confirmMyDevice',
    summary: 'Confirm the device a sign-in answered (NewDeviceMetadata), with its SRP verifier',
  },
  { method: 'get', path: '/v1/me/devices/{deviceKey}', stream: devices, action: 'GetDevice', auth: 'user', field: 'myDevice', summary: 'One own device' },
  {
    method: 'delete',
    path: '/v1/me/devices/{deviceKey}',
    stream: devices,
    action: 'ForgetDevice',
    auth: 'user',
    field: 'forgetMyDevice',
    summary: 'Forget an own device',
  },
  {
    method: 'put',
    path: '/v1/me/devices/{deviceKey}/status',
    stream: devices,
    action: 'UpdateDeviceStatus',
    auth: 'user',
    field: 'updateMyDeviceStatus',
    summary: 'Set whether an own device is remembered',
  },
  // Sessions and their configuration.
  {
    method: 'get',
    path: `${USER}/sessions`,
    action: 'AdminListUserSessions',
    auth: 'admin',
    field: 'userSessions',
    summary: "A user's sessions (refresh-token families)",
    page: { cursor: 'NextToken', max: 60 },
  },
  {
    method: 'post',
    path: `${USER}/sessions/{sessionId}/revoke`,
    action: 'AdminRevokeUserSession',
    auth: 'admin',
    field: 'revokeUserSession',
    summary: "Revoke one of a user's sessions",
  },
  {
    method: 'get',
    path: '/v1/me/sessions',
    action: 'ListUserSessions',
    auth: 'user',
    field: 'mySessions',
    summary: 'Own sessions',
    page: { cursor: 'NextToken', max: 60 },
  },
  {
    method: 'post',
    path: '/v1/me/sessions/{sessionId}/revoke',
    action: 'RevokeUserSession',
    auth: 'user',
    field: 'revokeMySession',
    summary: 'Revoke an own session',
  },
  {
    method: 'get',
    path: `${POOL}/session-configuration`,
    stream: (p) => sessionConfigStream(p.poolId),
    action: 'GetUserPoolSessionConfiguration',
    auth: 'admin',
    field: 'userPoolSessionConfiguration',
    summary: "The pool's session tracking and limits",
  },
  {
    method: 'put',
    path: `${POOL}/session-configuration`,
    stream: (p) => sessionConfigStream(p.poolId),
    action: 'SetUserPoolSessionConfiguration',
    auth: 'admin',
    field: 'setUserPoolSessionConfiguration',
    summary: "Set the pool's session tracking and limits",
  },
  {
    method: 'get',
    path: `${POOL}/clients/{clientId}/session-configuration`,
    stream: (p) => sessionConfigStream(p.poolId),
    action: 'GetUserPoolClientSessionConfiguration',
    auth: 'admin',
    field: 'appClientSessionConfiguration',
    summary: "An app client's SSO session validity",
  },
  {
    method: 'put',
    path: `${POOL}/clients/{clientId}/session-configuration`,
    stream: (p) => sessionConfigStream(p.poolId),
    action: 'SetUserPoolClientSessionConfiguration',
    auth: 'admin',
    field: 'setAppClientSessionConfiguration',
    summary: "Set an app client's SSO session validity",
  },
  // Domains (a domain name is global: it is described on its own).
  {
    method: 'post',
    path: `${POOL}/domains`,
    action: 'CreateUserPoolDomain',
    auth: 'admin',
    field: 'createUserPoolDomain',
    summary: 'Give the pool a domain for its hosted pages and OAuth endpoints',
    status: 201,
  },
  {
    method: 'put',
    path: `${POOL}/domains/{domain}`,
    stream: (p) => userPoolDomainStream(p.poolId),
    action: 'UpdateUserPoolDomain',
    auth: 'admin',
    field: 'updateUserPoolDomain',
    summary: "Change a domain's certificate or managed login version",
  },
  {
    method: 'delete',
    path: `${POOL}/domains/{domain}`,
    stream: (p) => userPoolDomainStream(p.poolId),
    action: 'DeleteUserPoolDomain',
    auth: 'admin',
    field: 'deleteUserPoolDomain',
    summary: 'Delete a domain',
  },
  {
    method: 'get',
    path: '/v1/domains/{domain}',
    action: 'DescribeUserPoolDomain',
    auth: 'admin',
    field: 'userPoolDomain',
    summary: 'Describe a domain (404 when no pool has it)',
    missing: (a) => Object.keys((a.DomainDescription as object | undefined) ?? {}).length === 0,
  },
  // Resource servers.
  {
    method: 'post',
    path: `${POOL}/resource-servers`,
    action: 'CreateResourceServer',
    auth: 'admin',
    field: 'createResourceServer',
    summary: 'Create a resource server and its scopes',
    status: 201,
  },
  {
    method: 'get',
    path: `${POOL}/resource-servers`,
    action: 'ListResourceServers',
    auth: 'admin',
    field: 'resourceServers',
    summary: "The pool's resource servers",
    page: { limit: 'MaxResults', cursor: 'NextToken', max: 50 },
  },
  {
    method: 'get',
    path: `${POOL}/resource-servers/{identifier}`,
    stream: (p) => resourceServersStream(p.poolId),
    action: 'DescribeResourceServer',
    auth: 'admin',
    field: 'resourceServer',
    summary: 'Describe a resource server (the identifier percent-encoded)',
  },
  {
    method: 'put',
    path: `${POOL}/resource-servers/{identifier}`,
    stream: (p) => resourceServersStream(p.poolId),
    action: 'UpdateResourceServer',
    auth: 'admin',
    field: 'updateResourceServer',
    summary: "Replace a resource server's name and scopes",
  },
  {
    method: 'delete',
    path: `${POOL}/resource-servers/{identifier}`,
    stream: (p) => resourceServersStream(p.poolId),
    action: 'DeleteResourceServer',
    auth: 'admin',
    field: 'deleteResourceServer',
    summary: 'Delete a resource server',
  },
  // User import jobs.
  {
    method: 'get',
    path: `${POOL}/import-jobs/csv-header`,
    action: 'GetCSVHeader',
    auth: 'admin',
    field: 'userImportCsvHeader',
    summary: 'The CSV header an import file must have',
  },
  {
    method: 'post',
    path: `${POOL}/import-jobs`,
    action: 'CreateUserImportJob',
    auth: 'admin',
    field: 'createUserImportJob',
    summary: 'Create an import job (its answer names the upload URL)',
    status: 201,
  },
  {
    method: 'get',
    path: `${POOL}/import-jobs`,
    action: 'ListUserImportJobs',
    auth: 'admin',
    field: 'userImportJobs',
    summary: "The pool's import jobs",
    page: { limit: 'MaxResults', cursor: 'PaginationToken', max: 60 },
  },
  {
    method: 'get',
    path: `${POOL}/import-jobs/{jobId}`,
    action: 'DescribeUserImportJob',
    auth: 'admin',
    field: 'userImportJob',
    summary: 'Describe an import job',
  },
  {
    method: 'post',
    path: `${POOL}/import-jobs/{jobId}/start`,
    action: 'StartUserImportJob',
    auth: 'admin',
    field: 'startUserImportJob',
    summary: 'Start an import job (its file uploaded)',
  },
  {
    method: 'post',
    path: `${POOL}/import-jobs/{jobId}/stop`,
    action: 'StopUserImportJob',
    auth: 'admin',
    field: 'stopUserImportJob',
    summary: 'Stop an import job',
  },
  // Log delivery.
  {
    method: 'get',
    path: `${POOL}/log-delivery`,
    stream: (p) => logDeliveryStream(p.poolId),
    action: 'GetLogDeliveryConfiguration',
    auth: 'admin',
    field: 'logDeliveryConfiguration',
    summary: "Where the pool's user notification and auth event logs go",
  },
  {
    method: 'put',
    path: `${POOL}/log-delivery`,
    stream: (p) => logDeliveryStream(p.poolId),
    action: 'SetLogDeliveryConfiguration',
    auth: 'admin',
    field: 'setLogDeliveryConfiguration',
    summary: "Replace the pool's log delivery configuration",
  },
  // The pool's identity providers (federation: OIDC, SAML, social).
  {
    method: 'post',
    path: `${POOL}/identity-providers`,
    action: 'CreateIdentityProvider',
    auth: 'admin',
    field: 'createIdentityProvider',
    summary: 'Add an identity provider to the pool',
    status: 201,
  },
  {
    method: 'get',
    path: `${POOL}/identity-providers`,
    action: 'ListIdentityProviders',
    auth: 'admin',
    field: 'identityProviders',
    summary: "The pool's identity providers",
    page: { limit: 'MaxResults', cursor: 'NextToken', max: 60 },
  },
  {
    method: 'get',
    path: `${POOL}/identity-providers/{idpName}`,
    stream: (p) => identityProvidersStream(p.poolId),
    action: 'DescribeIdentityProvider',
    auth: 'admin',
    field: 'identityProvider',
    summary: 'Describe an identity provider',
  },
  {
    method: 'put',
    path: `${POOL}/identity-providers/{idpName}`,
    stream: (p) => identityProvidersStream(p.poolId),
    action: 'UpdateIdentityProvider',
    auth: 'admin',
    field: 'updateIdentityProvider',
    summary: "Change an identity provider (ProviderDetails given are merged into the provider's)",
  },
  {
    method: 'delete',
    path: `${POOL}/identity-providers/{idpName}`,
    stream: (p) => identityProvidersStream(p.poolId),
    action: 'DeleteIdentityProvider',
    auth: 'admin',
    field: 'deleteIdentityProvider',
    summary: 'Delete an identity provider',
  },
  {
    method: 'get',
    path: `${POOL}/identity-providers/by-identifier/{idpIdentifier}`,
    action: 'GetIdentityProviderByIdentifier',
    auth: 'admin',
    field: 'identityProviderByIdentifier',
    summary: 'The identity provider that has an IdP identifier',
  },
  // Identity pools, their roles and principal tags, their identities.
  {
    method: 'post',
    path: '/v1/identity-pools',
    action: 'CreateIdentityPool',
    auth: 'admin',
    field: 'createIdentityPool',
    summary: 'Create an identity pool',
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/identity-pools',
    action: 'ListIdentityPools',
    auth: 'admin',
    field: 'identityPools',
    summary: 'Identity pools',
    page: { limit: 'MaxResults', cursor: 'NextToken', max: 60 },
  },
  {
    method: 'get',
    path: IDP,
    stream: (p) => identityPoolStream(p.identityPoolId),
    action: 'DescribeIdentityPool',
    auth: 'admin',
    field: 'identityPool',
    summary: 'Describe an identity pool',
  },
  {
    method: 'put',
    path: IDP,
    stream: (p) => identityPoolStream(p.identityPoolId),
    action: 'UpdateIdentityPool',
    auth: 'admin',
    field: 'updateIdentityPool',
    summary: "Replace an identity pool's settings",
  },
  {
    method: 'delete',
    path: IDP,
    stream: (p) => identityPoolStream(p.identityPoolId),
    action: 'DeleteIdentityPool',
    auth: 'admin',
    field: 'deleteIdentityPool',
    summary: 'Delete an identity pool',
  },
  {
    method: 'get',
    path: `${IDP}/roles`,
    stream: (p) => identityPoolStream(p.identityPoolId),
    action: 'GetIdentityPoolRoles',
    auth: 'admin',
    field: 'identityPoolRoles',
    summary: "An identity pool's roles and role mappings",
  },
  {
    method: 'put',
    path: `${IDP}/roles`,
    stream: (p) => identityPoolStream(p.identityPoolId),
    action: 'SetIdentityPoolRoles',
    auth: 'admin',
    field: 'setIdentityPoolRoles',
    summary: "Replace an identity pool's roles and role mappings",
  },
  {
    method: 'get',
    path: `${IDP}/principal-tags/{providerName}`,
    stream: (p) => identityPoolStream(p.identityPoolId),
    action: 'GetPrincipalTagAttributeMap',
    auth: 'admin',
    field: 'principalTagAttributeMap',
    summary: "A provider's claims-to-session-tags map (the provider name percent-encoded)",
  },
  {
    method: 'put',
    path: `${IDP}/principal-tags/{providerName}`,
    stream: (p) => identityPoolStream(p.identityPoolId),
    action: 'SetPrincipalTagAttributeMap',
    auth: 'admin',
    field: 'setPrincipalTagAttributeMap',
    summary: "Set a provider's claims-to-session-tags map",
  },
  {
    method: 'get',
    path: `${IDP}/identities`,
    action: 'ListIdentities',
    auth: 'admin',
    field: 'identities',
    summary: "An identity pool's identities",
    page: { limit: 'MaxResults', cursor: 'NextToken', max: 60 },
  },
  {
    method: 'get',
    path: '/v1/identities/{identityId}',
    stream: (p) => identityStream(p.identityId),
    action: 'DescribeIdentity',
    auth: 'admin',
    field: 'identity',
    summary: 'Describe an identity',
  },
  // Role documents (the IAM roles identity pools hand out; IAM's operation names): their REST routes are the identity surface's.
  {
    method: 'post',
    path: '/v1/roles',
    action: 'CreateRole',
    rest: false,
    auth: 'admin',
    field: 'createRole',
    summary: 'Create a role with its trust policy',
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/roles',
    action: 'ListRoles',
    rest: false,
    auth: 'admin',
    field: 'roles',
    summary: 'Roles',
    page: { limit: 'MaxItems', cursor: 'Marker', max: 1000 },
  },
  { method: 'get', path: ROLE, action: 'GetRole', rest: false, auth: 'admin', field: 'role', summary: 'Get a role' },
  {
    method: 'patch',
    path: ROLE,
    action: 'UpdateRole',
    rest: false,
    auth: 'admin',
    field: 'updateRole',
    summary: "Change a role's description or session duration",
  },
  { method: 'delete', path: ROLE, action: 'DeleteRole', rest: false, auth: 'admin', field: 'deleteRole', summary: 'Delete a role (its inline policies first)' },
  {
    method: 'put',
    path: `${ROLE}/trust-policy`,
    action: 'UpdateAssumeRolePolicy',
    rest: false,
    auth: 'admin',
    field: 'updateRoleTrustPolicy',
    summary: "Replace a role's trust policy",
  },
  {
    method: 'get',
    path: `${ROLE}/policies`,
    action: 'ListRolePolicies',
    rest: false,
    auth: 'admin',
    field: 'rolePolicies',
    summary: "A role's inline policy names",
  },
  {
    method: 'get',
    path: `${ROLE}/policies/{policyName}`,
    action: 'GetRolePolicy',
    rest: false,
    auth: 'admin',
    field: 'rolePolicy',
    summary: 'Get an inline policy',
  },
  {
    method: 'put',
    path: `${ROLE}/policies/{policyName}`,
    action: 'PutRolePolicy',
    rest: false,
    auth: 'admin',
    field: 'putRolePolicy',
    summary: 'Create or replace an inline policy',
  },
  {
    method: 'delete',
    path: `${ROLE}/policies/{policyName}`,
    action: 'DeleteRolePolicy',
    rest: false,
    auth: 'admin',
    field: 'deleteRolePolicy',
    summary: 'Delete an inline policy',
  },
];

/** A route with its action and the schemas of what the caller sends (the path fills the rest). */
export interface Capability extends CapabilityRoute {
  cognito: CognitoAction;
  /** Path parameters, in order. */
  params: string[];
  /** The body: the action's members less those the path or the token fill; strict. Absent: the route takes none. */
  body?: z.ZodObject;
  /** The query string: `limit` and `cursor` of a listing; strict. */
  query: z.ZodObject;
}

const findAction = (name: string): CognitoAction => {
  for (const service of Object.values(COGNITO_SERVICES)) {
    if (Object.hasOwn(service.actions, name)) return service.actions[name];
  }
  throw new Error(`no Cognito action ${name}`);
};

function resolve(route: CapabilityRoute): Capability {
  const cognito = findAction(route.action);
  if (!(cognito.input instanceof z.ZodObject)) throw new Error(`${route.action}: input is not an object`);
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
  const filled = new Set([...params.map((p) => PATH_MEMBERS[p]), ...(route.auth === 'user' ? ['AccessToken'] : [])]);
  if (route.page) {
    if (route.page.limit) filled.add(route.page.limit);
    filled.add(route.page.cursor);
  }
  for (const member of filled) if (!member || !(member in cognito.input.shape)) throw new Error(`${route.action}: the route fills ${member}, not an input`);
  const rest = Object.keys(cognito.input.shape).filter((m) => !filled.has(m));
  const mask = Object.fromEntries([...filled].map((m) => [m, true as const]));
  const body = route.method !== 'get' && rest.length > 0 ? cognito.input.omit(mask as never).strict() : undefined;
  const query = z
    .object(
      route.page
        ? {
            ...(route.page.limit ? { limit: z.coerce.number().int().min(1).max(route.page.max).optional() } : {}),
            cursor: z.string().min(1).max(131072).optional(),
          }
        : {},
    )
    .strict();
  return { ...route, cognito, params, ...(body ? { body } : {}), query };
}

const NO_BODY = z.object({}).strict();

/** Each route once, each field once: a repeated one would silently replace the other's handler. */
function unique(routes: readonly CapabilityRoute[]): readonly CapabilityRoute[] {
  for (const key of [(r: CapabilityRoute) => `${r.method} ${r.path}`, (r: CapabilityRoute) => r.field]) {
    const seen = new Set<string>();
    for (const r of routes) {
      if (seen.has(key(r))) throw new Error(`capability ${key(r)} is declared twice`);
      seen.add(key(r));
    }
  }
  return routes;
}

export const CAPABILITIES: readonly Capability[] = unique(ROUTES).map(resolve);
/** The routes this surface serves over REST (capabilities.controller.ts) and documents in the OpenAPI document. */
export const REST_CAPABILITIES = CAPABILITIES.filter((c) => c.rest !== false);

/** What a call brings: path parameters, body or query (already in REST's or GraphQL's form), the user's access token. */
export interface CapabilityCall {
  params: Record<string, string>;
  body?: unknown;
  query?: { limit?: number | undefined; cursor?: string | undefined };
  accessToken?: string;
}

/**
 * Runs one capability: the body is checked by the route's strict schema, then the whole input by
 * the action's own, and the action calls its use case. A listing's next page token is `nextCursor`.
 */
export async function invokeCapability(capability: Capability, call: CapabilityCall, ctx: ActionContext): Promise<Record<string, unknown>> {
  // The body alone first: a member the path or the token fills, or one the action does not know, is refused.
  parse(capability.body ?? NO_BODY, call.body);
  const page = capability.page;
  const input = {
    ...(capability.body ? (call.body as object) : {}),
    ...(page?.limit ? { [page.limit]: call.query?.limit ?? page.max } : {}),
    ...(page && call.query?.cursor ? { [page.cursor]: call.query.cursor } : {}),
    ...Object.fromEntries(capability.params.map((p) => [PATH_MEMBERS[p], call.params[p]])),
    ...(capability.auth === 'user' ? { AccessToken: call.accessToken } : {}),
  };
  const answer = (await capability.cognito.handle(parse(capability.cognito.input, input), ctx)) as Record<string, unknown>;
  if (capability.missing?.(answer)) throw new ResourceNotFoundError(`${capability.params.map((p) => call.params[p]).join(' ')} does not exist`);
  if (!page) return answer;
  const { [page.cursor]: next, ...rest } = answer;
  return { ...rest, ...(typeof next === 'string' && next !== '' ? { nextCursor: next } : {}) };
}

/**
 * Runs one capability with its version (REST's ETag / If-Match, GraphQL's revision /
 * expectedRevision). A route whose resource is one stream answers that stream's last revision: a
 * read's taken before the read (an ETag never claims a state newer than the answer shows), a
 * write's after it. With `expected`, the write happens only while the stream is at that revision,
 * else PreconditionFailed (412) and nothing is written; a route without a stream refuses it.
 */
export async function invokeVersioned(
  capability: Capability,
  call: CapabilityCall,
  ctx: ActionContext,
  store: EventStore,
  expected?: bigint,
): Promise<{ answer: Record<string, unknown>; revision?: bigint }> {
  const stream = capability.stream;
  // No ETag to match can never match (RFC 9110 §13.1.1): nothing is written.
  if (expected !== undefined && !stream) {
    throw new PreconditionFailedError(
      `${capability.method.toUpperCase()} ${capability.path} has no single version (it answers no ETag); send the write without If-Match`,
    );
  }
  if (!stream) return { answer: await invokeCapability(capability, call, ctx) };
  const user: UserLookup = async () => {
    const target = capability.auth === 'user' ? { accessToken: call.accessToken ?? '' } : { poolId: call.params.poolId, username: call.params.username };
    const { user: found } = await ctx.queries.execute(new GetUserQuery({ target }, ctx.request));
    return { poolId: found.poolId, sub: found.sub };
  };
  const versioned = (answer: Record<string, unknown>, revision: bigint | undefined) => ({ answer, ...(revision !== undefined ? { revision } : {}) });
  if (capability.method === 'get') {
    const revision = await streamRevision(store, await stream(call.params, user));
    return versioned(await invokeCapability(capability, call, ctx), revision);
  }
  if (expected === undefined) {
    // Unconditional: the write first (its own checks and errors), then the version it left.
    const answer = await invokeCapability(capability, call, ctx);
    return versioned(answer, capability.method === 'delete' ? undefined : await streamRevision(store, await stream(call.params, user)));
  }
  const { result, revision } = await conditionalWrite(store, await stream(call.params, user), expected, () => invokeCapability(capability, call, ctx));
  return versioned(result, capability.method === 'delete' ? undefined : revision);
}
