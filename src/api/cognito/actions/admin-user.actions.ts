import { z } from 'zod';
import { adminCreateUser, adminResetUserPassword, adminSetUserPassword } from '../../../user-pools/commands/admin-users.js';
import { attributeList, loadUserByName, runUserCommand } from '../../../user-pools/commands/user-admin.js';
import { deleteUserAttributes, updateUserAttributes } from '../../../user-pools/commands/user-attributes.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { attributeType, clientMetadata, password, userPoolId, username } from './members.js';
import { attributesOf, toUserType } from './user-type.js';

const poolUser = { UserPoolId: userPoolId, Username: username };
const now = () => new Date().toISOString();

export const adminCreateUserAction = action({
  auth: 'admin',
  input: z.object({
    ...poolUser,
    UserAttributes: z.array(attributeType).max(100).optional(),
    ValidationData: z.array(attributeType).optional(),
    TemporaryPassword: password.optional(),
    ForceAliasCreation: z.boolean().optional(),
    MessageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
    DesiredDeliveryMediums: z.array(z.enum(['EMAIL', 'SMS'])).optional(),
    ClientMetadata: clientMetadata,
  }),
  async handle(input, ctx) {
    const user = await adminCreateUser(
      ctx.platform,
      {
        poolId: input.UserPoolId,
        username: input.Username,
        attributes: attributesOf(input.UserAttributes),
        temporaryPassword: input.TemporaryPassword,
        messageAction: input.MessageAction,
        desiredDeliveryMediums: input.DesiredDeliveryMediums,
      },
      ctx.request,
    );
    return { User: toUserType(user) };
  },
});

export const adminGetUser = action({
  auth: 'admin',
  input: z.object(poolUser),
  async handle(input, ctx) {
    const { user } = await loadUserByName(ctx.platform, input.UserPoolId, input.Username);
    return {
      Username: user.username,
      UserAttributes: attributeList(user),
      UserCreateDate: epochSeconds(user.createdAt),
      UserLastModifiedDate: epochSeconds(user.updatedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
      MFAOptions: [],
      UserMFASettingList: [],
    };
  },
});

/** Admin actions that are one user command on the named user. */
const simple = (command: 'DisableUser' | 'EnableUser' | 'AdminConfirmSignUp' | 'DeleteUser') =>
  action({
    auth: 'admin',
    input: z.object({ ...poolUser, ClientMetadata: clientMetadata }),
    async handle(input, ctx) {
      const { streamId, pool } = await loadUserByName(ctx.platform, input.UserPoolId, input.Username);
      await runUserCommand(
        ctx.platform,
        streamId,
        () => (command === 'DeleteUser' ? { type: 'DeleteUser', by: 'ADMIN', now: now() } : { type: command, now: now() }),
        ctx.request,
        pool,
      );
      return {};
    },
  });

export const adminDisableUser = simple('DisableUser');
export const adminEnableUser = simple('EnableUser');
export const adminConfirmSignUp = simple('AdminConfirmSignUp');
export const adminDeleteUser = simple('DeleteUser');

export const adminSetUserPasswordAction = action({
  auth: 'admin',
  input: z.object({ ...poolUser, Password: password, Permanent: z.boolean().optional() }),
  async handle(input, ctx) {
    await adminSetUserPassword(ctx.platform, { poolId: input.UserPoolId, username: input.Username, password: input.Password, permanent: input.Permanent ?? false }, ctx.request);
    return {};
  },
});

export const adminResetUserPasswordAction = action({
  auth: 'admin',
  input: z.object({ ...poolUser, ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    await adminResetUserPassword(ctx.platform, { poolId: input.UserPoolId, username: input.Username }, ctx.request);
    return {};
  },
});

export const adminUpdateUserAttributes = action({
  auth: 'admin',
  input: z.object({ ...poolUser, UserAttributes: z.array(attributeType).min(1).max(100), ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    const { user, streamId, pool } = await loadUserByName(ctx.platform, input.UserPoolId, input.Username);
    await updateUserAttributes(ctx.platform, { pool, user, streamId, attributes: attributesOf(input.UserAttributes), byAdmin: true, context: ctx.request });
    return {};
  },
});

export const adminDeleteUserAttributes = action({
  auth: 'admin',
  input: z.object({ ...poolUser, UserAttributeNames: z.array(z.string().min(1).max(32)).min(1).max(100) }),
  async handle(input, ctx) {
    const { user, streamId, pool } = await loadUserByName(ctx.platform, input.UserPoolId, input.Username);
    await deleteUserAttributes(ctx.platform, { pool, user, streamId, names: input.UserAttributeNames, context: ctx.request });
    return {};
  },
});
