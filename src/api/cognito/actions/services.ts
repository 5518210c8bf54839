import type { CognitoService } from '../cognito-action.js';
import {
  adminInitiateAuth,
  adminUserGlobalSignOut,
  getTokensFromRefreshToken,
  getUser,
  globalSignOut,
  initiateAuth,
  revokeToken,
} from './auth.actions.js';
import { confirmSignUp, signUp } from './sign-up.actions.js';
import {
  createUserPoolClient,
  deleteUserPoolClient,
  describeUserPoolClient,
  listUserPoolClients,
  updateUserPoolClient,
} from './user-pool-client.actions.js';
import { createUserPool, describeUserPool, listUserPools } from './user-pool.actions.js';

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
    },
  },
};
