import type { ExistingUser } from '../../../user-pools/commands/user-admin.js';
import { attributeList } from '../../../user-pools/commands/user-admin.js';
import { epochSeconds } from '../account.js';

/** Cognito's UserType (AdminCreateUser, ListUsers). */
export function toUserType(user: ExistingUser) {
  return {
    Username: user.username,
    Attributes: attributeList(user),
    UserCreateDate: epochSeconds(user.createdAt),
    UserLastModifiedDate: epochSeconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

export const attributesOf = (list: Array<{ Name: string; Value?: string | undefined }> | undefined) =>
  Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value ?? '']));
