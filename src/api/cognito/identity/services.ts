import type { CognitoService } from '../cognito-action.js';
import {
  createIdentityPool,
  deleteIdentityPool,
  describeIdentityPool,
  getIdentityPoolRoles,
  getPrincipalTagAttributeMap,
  listIdentityPools,
  setIdentityPoolRoles,
  setPrincipalTagAttributeMap,
  updateIdentityPool,
} from './identity-pool.actions.js';
import {
  deleteIdentities,
  describeIdentity,
  getCredentialsForIdentity,
  getId,
  getOpenIdToken,
  getOpenIdTokenForDeveloperIdentity,
  listIdentities,
  lookupDeveloperIdentity,
  mergeDeveloperIdentities,
  unlinkDeveloperIdentity,
  unlinkIdentity,
} from './identity.actions.js';
import { ROLE_ACTIONS } from './role.actions.js';

/**
 * Identity pools on the same endpoint (`AWSCognitoIdentityService.<Action>`, signed as
 * `cognito-identity`), and this service's role documents (`CairnIdentityRoles.<Action>`, IAM's
 * operation names, signed the same way). Spread into COGNITO_SERVICES.
 */
export const IDENTITY_SERVICES: Record<string, CognitoService> = {
  AWSCognitoIdentityService: {
    signingName: 'cognito-identity',
    actions: {
      CreateIdentityPool: createIdentityPool,
      DescribeIdentityPool: describeIdentityPool,
      UpdateIdentityPool: updateIdentityPool,
      DeleteIdentityPool: deleteIdentityPool,
      ListIdentityPools: listIdentityPools,
      SetIdentityPoolRoles: setIdentityPoolRoles,
      GetIdentityPoolRoles: getIdentityPoolRoles,
      SetPrincipalTagAttributeMap: setPrincipalTagAttributeMap,
      GetPrincipalTagAttributeMap: getPrincipalTagAttributeMap,
      GetId: getId,
      GetCredentialsForIdentity: getCredentialsForIdentity,
      GetOpenIdToken: getOpenIdToken,
      GetOpenIdTokenForDeveloperIdentity: getOpenIdTokenForDeveloperIdentity,
      LookupDeveloperIdentity: lookupDeveloperIdentity,
      MergeDeveloperIdentities: mergeDeveloperIdentities,
      UnlinkDeveloperIdentity: unlinkDeveloperIdentity,
      UnlinkIdentity: unlinkIdentity,
      DescribeIdentity: describeIdentity,
      ListIdentities: listIdentities,
      DeleteIdentities: deleteIdentities,
    },
  },
  CairnIdentityRoles: { signingName: 'cognito-identity', actions: ROLE_ACTIONS },
};
