import type { CognitoService } from '../cognito-action.js';
import {
  adminInitiateAuth,
  adminUserGlobalSignOut,
  getTokensFromRefreshToken,
  getUser,
  globalSignOut,
  initiateAuth,
  adminRespondToAuthChallenge,
  respondToAuthChallenge,
  revokeToken,
} from './auth.actions.js';
import { confirmSignUp, signUp } from './sign-up.actions.js';
import {
  adminConfirmSignUp,
  adminCreateUserAction,
  adminDeleteUser,
  adminDeleteUserAttributes,
  adminDisableUser,
  adminEnableUser,
  adminGetUser,
  adminResetUserPasswordAction,
  adminSetUserPasswordAction,
  adminUpdateUserAttributes,
} from './admin-user.actions.js';
import {
  changePasswordAction,
  confirmForgotPasswordAction,
  deleteUserAction,
  deleteUserAttributesAction,
  forgotPasswordAction,
  getUserAttributeVerificationCodeAction,
  resendConfirmationCodeAction,
  updateUserAttributesAction,
  verifyUserAttributeAction,
} from './self-service.actions.js';
import { createUserPoolClient, deleteUserPoolClient, describeUserPoolClient, listUserPoolClients, updateUserPoolClient } from './user-pool-client.actions.js';
import { addCustomAttributes, createUserPool, deleteUserPool, describeUserPool, listUserPools, updateUserPool } from './user-pool.actions.js';
import { GROUP_ACTIONS } from './group.actions.js';
import { MFA_ACTIONS } from './mfa.actions.js';
import { DEVICE_ACTIONS } from './device.actions.js';
import { WEBAUTHN_ACTIONS } from './webauthn.actions.js';
import { listUsersAction } from './list-users.actions.js';
import { adminListUserAuthEvents } from './auth-events.actions.js';
import { CLIENT_SECRET_ACTIONS } from './client-secret.actions.js';
import { TAG_ACTIONS } from './tag.actions.js';
import { SESSION_ACTIONS } from './session.actions.js';
import { TERMS_ACTIONS } from './terms.actions.js';
import { REPLICA_ACTIONS } from './replica.actions.js';
import { UI_CUSTOMIZATION_ACTIONS } from './ui-customization.actions.js';
import { MANAGED_LOGIN_ACTIONS } from './managed-login.actions.js';
import { IMPORT_ACTIONS } from './import.actions.js';
import { IMPORT_LOGS_SERVICE } from './import-logs.actions.js';
import { LIMITS_ACTIONS } from './limits.actions.js';
import { LOG_DELIVERY_ACTIONS } from './log-delivery.actions.js';
import { DOMAIN_ACTIONS } from './domain.actions.js';
import { RESOURCE_SERVER_ACTIONS } from './resource-server.actions.js';
import { RISK_ACTIONS } from './risk.actions.js';
import { getClientToken } from './client-token.actions.js';
import { adminDeleteSoftwareToken } from './admin-software-token.actions.js';
import { IDENTITY_PROVIDER_ACTIONS } from './identity-provider.actions.js';
import { SIGNING_CERTIFICATE_ACTIONS } from './signing-certificate.actions.js';
import { IDENTITY_SERVICES } from '../identity/services.js';

/**
 * The action table, by `X-Amz-Target` prefix. Identity pools (`AWSCognitoIdentityService`,
 * signed as `cognito-identity`) join here when that context exists.
 */
export const COGNITO_SERVICES: Record<string, CognitoService> = {
  AWSCognitoIdentityProviderService: {
    signingName: 'cognito-idp',
    actions: {
      CreateUserPool: createUserPool,
      DescribeUserPool: describeUserPool,
      UpdateUserPool: updateUserPool,
      DeleteUserPool: deleteUserPool,
      AddCustomAttributes: addCustomAttributes,
      ListUserPools: listUserPools,
      CreateUserPoolClient: createUserPoolClient,
      UpdateUserPoolClient: updateUserPoolClient,
      DescribeUserPoolClient: describeUserPoolClient,
      DeleteUserPoolClient: deleteUserPoolClient,
      ListUserPoolClients: listUserPoolClients,
      SignUp: signUp,
      ConfirmSignUp: confirmSignUp,
      InitiateAuth: initiateAuth,
      AdminInitiateAuth: adminInitiateAuth,
      GetTokensFromRefreshToken: getTokensFromRefreshToken,
      RevokeToken: revokeToken,
      GetUser: getUser,
      GlobalSignOut: globalSignOut,
      AdminUserGlobalSignOut: adminUserGlobalSignOut,
      RespondToAuthChallenge: respondToAuthChallenge,
      AdminRespondToAuthChallenge: adminRespondToAuthChallenge,
      AdminCreateUser: adminCreateUserAction,
      AdminGetUser: adminGetUser,
      AdminDeleteUser: adminDeleteUser,
      AdminDisableUser: adminDisableUser,
      AdminEnableUser: adminEnableUser,
      AdminConfirmSignUp: adminConfirmSignUp,
      AdminResetUserPassword: adminResetUserPasswordAction,
      AdminSetUserPassword: adminSetUserPasswordAction,
      AdminUpdateUserAttributes: adminUpdateUserAttributes,
      AdminDeleteUserAttributes: adminDeleteUserAttributes,
      ResendConfirmationCode: resendConfirmationCodeAction,
      ForgotPassword: forgotPasswordAction,
      ConfirmForgotPassword: confirmForgotPasswordAction,
      ChangePassword: changePasswordAction,
      UpdateUserAttributes: updateUserAttributesAction,
      DeleteUserAttributes: deleteUserAttributesAction,
      DeleteUser: deleteUserAction,
      GetUserAttributeVerificationCode: getUserAttributeVerificationCodeAction,
      VerifyUserAttribute: verifyUserAttributeAction,
      ...GROUP_ACTIONS,
      ...MFA_ACTIONS,
      ...DEVICE_ACTIONS,
      ...WEBAUTHN_ACTIONS,
      ListUsers: listUsersAction,
      AdminListUserAuthEvents: adminListUserAuthEvents,
      ...CLIENT_SECRET_ACTIONS,
      ...TAG_ACTIONS,
      ...SESSION_ACTIONS,
      ...TERMS_ACTIONS,
      ...REPLICA_ACTIONS,
      ...UI_CUSTOMIZATION_ACTIONS,
      ...MANAGED_LOGIN_ACTIONS,
      ...IMPORT_ACTIONS,
      ...LIMITS_ACTIONS,
      ...LOG_DELIVERY_ACTIONS,
      ...DOMAIN_ACTIONS,
      ...RESOURCE_SERVER_ACTIONS,
      ...RISK_ACTIONS,
      GetClientToken: getClientToken,
      AdminDeleteSoftwareToken: adminDeleteSoftwareToken,
      ...IDENTITY_PROVIDER_ACTIONS,
      ...SIGNING_CERTIFICATE_ACTIONS,
    },
  },
  ...IMPORT_LOGS_SERVICE,
  ...IDENTITY_SERVICES,
};
