/**
 * Client secret rotation (AddUserPoolClientSecret / DeleteUserPoolClientSecret) on the client's
 * own stream, `client-<clientId>`. A client holds at most two active secrets; SECRET_HASH and the
 * client secret itself are accepted under any of them. The first secret is the one recorded by
 * UserPoolClientCreated (its id derives from the creation instant, see clientSecretId).
 */
export type UserPoolClientSecretAdded = {
  type: 'UserPoolClientSecretAdded';
  /** `encryptedSecret`: AES-GCM under the master key, as the first secret is. */
  data: { secretId: string; encryptedSecret: string; createdAt: string };
};

export type UserPoolClientSecretDeleted = {
  type: 'UserPoolClientSecretDeleted';
  data: { secretId: string; deletedAt: string };
};

export type ClientSecretEvent = UserPoolClientSecretAdded | UserPoolClientSecretDeleted;
