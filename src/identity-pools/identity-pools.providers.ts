import type { Provider } from '@nestjs/common';
import { AssumeRoleWithWebIdentityHandler, GetCredentialsForIdentityHandler, GetOpenIdTokenHandler } from './commands/credentials.use-cases.js';
import {
  GetOpenIdTokenForDeveloperIdentityHandler,
  LookupDeveloperIdentityHandler,
  MergeDeveloperIdentitiesHandler,
  UnlinkDeveloperIdentityHandler,
} from './commands/developer.use-cases.js';
import {
  CreateIdentityPoolHandler,
  DeleteIdentityPoolHandler,
  DescribeIdentityPoolHandler,
  ListIdentityPoolsHandler,
  SetIdentityPoolRolesHandler,
  SetPrincipalTagAttributeMapHandler,
  UpdateIdentityPoolHandler,
} from './commands/identity-pool.use-cases.js';
import { DeleteIdentitiesHandler, DescribeIdentityHandler, GetIdHandler, ListIdentitiesHandler, UnlinkIdentityHandler } from './commands/identity.use-cases.js';
import {
  CreateOpenIdConnectProviderHandler,
  CreateRoleHandler,
  DeleteOpenIdConnectProviderHandler,
  DeleteRoleHandler,
  DeleteRolePolicyHandler,
  GetOpenIdConnectProviderHandler,
  GetRoleHandler,
  ListOpenIdConnectProvidersHandler,
  ListRolesHandler,
  PutRolePolicyHandler,
  UpdateAssumeRolePolicyHandler,
  UpdateRoleHandler,
} from './commands/role.use-cases.js';
import { VerifyRequestHandler } from './commands/verify-request.js';
import { TemporaryCredentials } from './credentials.js';
import { Identities } from './identities.js';
import { IdentityAccessCheck } from './identity-access.js';
import { LoginVerifier } from './logins.js';
import { OpenIdTokens } from './openid-tokens.js';

/** The identity-pools context: its services and one handler per operation. */
export const IDENTITY_POOLS_PROVIDERS: Provider[] = [
  OpenIdTokens,
  LoginVerifier,
  Identities,
  IdentityAccessCheck,
  TemporaryCredentials,
  // Identity pools
  CreateIdentityPoolHandler,
  UpdateIdentityPoolHandler,
  DeleteIdentityPoolHandler,
  DescribeIdentityPoolHandler,
  ListIdentityPoolsHandler,
  SetIdentityPoolRolesHandler,
  SetPrincipalTagAttributeMapHandler,
  // Identities
  GetIdHandler,
  DescribeIdentityHandler,
  ListIdentitiesHandler,
  DeleteIdentitiesHandler,
  UnlinkIdentityHandler,
  // Developer-authenticated identities
  GetOpenIdTokenForDeveloperIdentityHandler,
  LookupDeveloperIdentityHandler,
  MergeDeveloperIdentitiesHandler,
  UnlinkDeveloperIdentityHandler,
  // Credentials (this service as its own STS) and their verification
  GetCredentialsForIdentityHandler,
  GetOpenIdTokenHandler,
  AssumeRoleWithWebIdentityHandler,
  VerifyRequestHandler,
  // Roles and OIDC providers
  CreateRoleHandler,
  UpdateRoleHandler,
  UpdateAssumeRolePolicyHandler,
  PutRolePolicyHandler,
  DeleteRolePolicyHandler,
  DeleteRoleHandler,
  GetRoleHandler,
  ListRolesHandler,
  CreateOpenIdConnectProviderHandler,
  DeleteOpenIdConnectProviderHandler,
  GetOpenIdConnectProviderHandler,
  ListOpenIdConnectProvidersHandler,
];
