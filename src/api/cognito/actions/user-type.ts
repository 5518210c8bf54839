import { attributeList, type ExistingUser } from '../../../user-pools/users.js';
import type { DirectoryUser } from '../../../user-pools/directory/user-rows.js';
import { epochSeconds } from '../account.js';

/** Cognito's UserType from a user's own stream (AdminCreateUser). */
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

/** Cognito's UserType from the user directory (ListUsers, ListUsersInGroup): `sub` first. */
export function directoryUserType(u: DirectoryUser) {
  const { sub, ...rest } = u.attributes;
  return {
    Username: u.username,
    Attributes: [...(sub !== undefined ? [{ Name: 'sub', Value: sub }] : []), ...Object.entries(rest).map(([Name, Value]) => ({ Name, Value }))],
    UserCreateDate: epochSeconds(u.createdAt),
    UserLastModifiedDate: epochSeconds(u.updatedAt),
    Enabled: u.enabled,
    UserStatus: u.status,
  };
}

export const attributesOf = (list: Array<{ Name: string; Value?: string | undefined }> | undefined) =>
  Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value ?? '']));
