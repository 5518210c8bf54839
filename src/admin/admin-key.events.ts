export type AdminKeyCreated = {
  type: 'AdminKeyCreated';
  /** The secret is kept encrypted under the master key: SigV4 needs it to check signatures. */
  data: { accessKeyId: string; encryptedSecret: string; label: string; createdAt: string };
};
export type AdminKeyRevoked = { type: 'AdminKeyRevoked'; data: { accessKeyId: string; revokedAt: string } };
export type AdminKeyEvent = AdminKeyCreated | AdminKeyRevoked;

export const ADMIN_KEYS_STREAM = 'admin-keys';
