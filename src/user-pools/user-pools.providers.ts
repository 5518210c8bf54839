import type { Provider } from '@nestjs/common';
import { AppClients } from './clients/app-clients.js';
import { CreateUserPoolClientHandler, DeleteUserPoolClientHandler, UpdateUserPoolClientHandler } from './clients/client.commands.js';
import { DescribeUserPoolClientHandler, ListUserPoolClientsHandler } from './clients/client.queries.js';
import { Codes } from './codes.js';
import { UserMigration } from './user-migration.js';
import { AddCustomAttributesHandler } from './commands/add-custom-attributes.js';
import { AdminCreateUserHandler } from './commands/admin-create-user.js';
import { AdminResetUserPasswordHandler, AdminSetUserPasswordHandler } from './commands/admin-passwords.js';
import { GetUserAttributeVerificationCodeHandler, VerifyUserAttributeHandler } from './commands/attribute-verification.js';
import { AddUserPoolClientSecretHandler, DeleteUserPoolClientSecretHandler, ListUserPoolClientSecretsHandler } from './commands/client-secrets.js';
import { ConfirmSignUpHandler } from './commands/confirm-sign-up.js';
import { CreateUserPoolHandler } from './commands/create-user-pool.js';
import { DeleteUserPoolHandler } from './commands/delete-user-pool.js';
import { ChangePasswordHandler, ConfirmForgotPasswordHandler } from './commands/passwords.js';
import { ForgotPasswordHandler, ResendConfirmationCodeHandler } from './commands/send-codes.js';
import { SignUpHandler } from './commands/sign-up.js';
import { UpdateUserPoolHandler } from './commands/update-user-pool.js';
import { DeleteUserAttributesHandler, UpdateUserAttributesHandler } from './commands/user-attributes.js';
import { UserLifecycleHandler } from './commands/user-lifecycle.js';
import { ChangeMembershipHandler, CreateGroupHandler, DeleteGroupHandler, UpdateGroupHandler } from './groups/group.commands.js';
import { GetGroupHandler, ListGroupsForUserHandler, ListGroupsHandler, ListUsersInGroupHandler } from './groups/group.queries.js';
import { Pools } from './pools.js';
import { TAG_HANDLERS } from './tags/tag.use-cases.js';
import { SESSION_CONFIG_PROVIDERS } from './sessions/session-config.use-cases.js';
import { TERMS_PROVIDERS } from './terms/terms.use-cases.js';
import { REPLICA_HANDLERS } from './replicas/replica.use-cases.js';
import { UI_CUSTOMIZATION_HANDLERS } from './branding/ui-customization.use-cases.js';
import { USER_POOL_OAUTH_HANDLERS } from './oauth/oauth.providers.js';
import { IDENTITY_PROVIDER_HANDLERS } from './identity-providers/identity-provider.use-cases.js';
import { MANAGED_LOGIN_HANDLERS } from './branding/managed-login.use-cases.js';
import { IMPORT_PROVIDERS } from './import/import.providers.js';
import { RISK_PROVIDERS } from './risk/risk.providers.js';
import { LIMITS_PROVIDERS } from './limits/limits.use-cases.js';
import { LOG_DELIVERY_HANDLERS } from './log-delivery/log-delivery.use-cases.js';
import { GetUserPoolHandler } from './queries/get-user-pool.js';
import { GetUserHandler } from './queries/get-user.js';
import { ListUserPoolsHandler } from './queries/list-user-pools.js';
import { ListUsersHandler } from './queries/list-users.js';
import { TokenCallers } from './self-service.js';
import { JwksHandler, OpenIdConfigurationHandler, RotateSigningKeyHandler } from './signing-keys.use-cases.js';
import { UserTargets } from './user-target.js';
import { SignUpSessions } from './sign-up-sessions.js';
import { Users } from './users.js';

/** The user-pools context: its services and one handler per operation (the registry the buses dispatch to). */
export const USER_POOLS_PROVIDERS: Provider[] = [
  Pools,
  Users,
  AppClients,
  Codes,
  SignUpSessions,
  UserMigration,
  TokenCallers,
  UserTargets,
  // Pools
  CreateUserPoolHandler,
  UpdateUserPoolHandler,
  DeleteUserPoolHandler,
  AddCustomAttributesHandler,
  GetUserPoolHandler,
  ListUserPoolsHandler,
  RotateSigningKeyHandler,
  JwksHandler,
  OpenIdConfigurationHandler,
  // App clients
  CreateUserPoolClientHandler,
  UpdateUserPoolClientHandler,
  DeleteUserPoolClientHandler,
  DescribeUserPoolClientHandler,
  ListUserPoolClientsHandler,
  AddUserPoolClientSecretHandler,
  DeleteUserPoolClientSecretHandler,
  ListUserPoolClientSecretsHandler,
  // Users
  SignUpHandler,
  ConfirmSignUpHandler,
  ResendConfirmationCodeHandler,
  ForgotPasswordHandler,
  ConfirmForgotPasswordHandler,
  ChangePasswordHandler,
  UpdateUserAttributesHandler,
  DeleteUserAttributesHandler,
  GetUserAttributeVerificationCodeHandler,
  VerifyUserAttributeHandler,
  AdminCreateUserHandler,
  AdminSetUserPasswordHandler,
  AdminResetUserPasswordHandler,
  UserLifecycleHandler,
  GetUserHandler,
  ListUsersHandler,
  // Groups
  CreateGroupHandler,
  UpdateGroupHandler,
  DeleteGroupHandler,
  ChangeMembershipHandler,
  GetGroupHandler,
  ListGroupsHandler,
  ListUsersInGroupHandler,
  ListGroupsForUserHandler,
  // Tags
  ...TAG_HANDLERS,
  // Session configuration (the sessions themselves are the auth context's)
  ...SESSION_CONFIG_PROVIDERS,
  // Terms documents
  ...TERMS_PROVIDERS,
  // Replicas (one region)
  ...REPLICA_HANDLERS,
  // Hosted UI branding (stored for the hosted pages)
  ...UI_CUSTOMIZATION_HANDLERS,
  ...MANAGED_LOGIN_HANDLERS,
  // User import jobs (the worker runs in every instance)
  ...IMPORT_PROVIDERS,
  // Provisioned API request-rate limits
  ...LIMITS_PROVIDERS,
  // Log delivery configuration (the worker is projections/log-delivery)
  ...LOG_DELIVERY_HANDLERS,
  // Pool domains and resource servers (OAuth)
  ...USER_POOL_OAUTH_HANDLERS,
  // External identity providers (federation)
  ...IDENTITY_PROVIDER_HANDLERS,
  // Threat protection (risk configurations)
  ...RISK_PROVIDERS,
];
