import { z } from 'zod';
import { AdminCreateUserCommand } from '../../../user-pools/commands/admin-create-user.js';
import { AdminResetUserPasswordCommand, AdminSetUserPasswordCommand } from '../../../user-pools/commands/admin-passwords.js';
import { DeleteUserAttributesCommand, UpdateUserAttributesCommand } from '../../../user-pools/commands/user-attributes.js';
import { type LifecycleAction, UserLifecycleCommand } from '../../../user-pools/commands/user-lifecycle.js';
import { GetUserQuery } from '../../../user-pools/queries/get-user.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { attributeType, clientMetadata, password, userPoolId, username } from './members.js';
import { mfaSettingsOf } from './mfa.actions.js';
import { attributesOf, toUserType } from './user-type.js';

const poolUser = { UserPoolId: userPoolId, Username: username };
const target = (input: { UserPoolId: string; Username: string }) => ({ poolId: input.UserPoolId, username: input.Username });

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
    const user = await ctx.commands.execute(
      new AdminCreateUserCommand(
        {
          poolId: input.UserPoolId,
          username: input.Username,
          attributes: attributesOf(input.UserAttributes),
          temporaryPassword: input.TemporaryPassword,
          messageAction: input.MessageAction,
          desiredDeliveryMediums: input.DesiredDeliveryMediums,
          clientMetadata: input.ClientMetadata,
          validationData: attributesOf(input.ValidationData),
        },
        ctx.request,
      ),
    );
    return { User: toUserType(user) };
  },
});

export const adminGetUser = action({
  auth: 'admin',
  input: z.object(poolUser),
  async handle(input, ctx) {
    const { user, attributes } = await ctx.queries.execute(new GetUserQuery({ target: target(input) }, ctx.request));
    return {
      Username: user.username,
      UserAttributes: attributes,
      UserCreateDate: epochSeconds(user.createdAt),
      UserLastModifiedDate: epochSeconds(user.updatedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
      // The factors turned on and the preferred one, as GetUser answers them.
      ...mfaSettingsOf(user),
    };
  },
});

/** Admin actions that are one user command on the named user. */
const lifecycle = (command: LifecycleAction) =>
  action({
    auth: 'admin',
    input: z.object({ ...poolUser, ClientMetadata: clientMetadata }),
    async handle(input, ctx) {
      await ctx.commands.execute(new UserLifecycleCommand({ target: target(input), action: command, clientMetadata: input.ClientMetadata }, ctx.request));
      return {};
    },
  });

export const adminDisableUser = lifecycle('DisableUser');
export const adminEnableUser = lifecycle('EnableUser');
export const adminConfirmSignUp = lifecycle('AdminConfirmSignUp');
export const adminDeleteUser = lifecycle('DeleteUser');

export const adminSetUserPasswordAction = action({
  auth: 'admin',
  input: z.object({ ...poolUser, Password: password, Permanent: z.boolean().optional() }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new AdminSetUserPasswordCommand(
        { poolId: input.UserPoolId, username: input.Username, password: input.Password, permanent: input.Permanent ?? false },
        ctx.request,
      ),
    );
    return {};
  },
});

export const adminResetUserPasswordAction = action({
  auth: 'admin',
  input: z.object({ ...poolUser, ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new AdminResetUserPasswordCommand({ poolId: input.UserPoolId, username: input.Username, clientMetadata: input.ClientMetadata }, ctx.request),
    );
    return {};
  },
});

export const adminUpdateUserAttributes = action({
  auth: 'admin',
  input: z.object({ ...poolUser, UserAttributes: z.array(attributeType).min(1).max(100), ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new UpdateUserAttributesCommand(
        { target: target(input), attributes: attributesOf(input.UserAttributes), clientMetadata: input.ClientMetadata },
        ctx.request,
      ),
    );
    return {};
  },
});

export const adminDeleteUserAttributes = action({
  auth: 'admin',
  input: z.object({ ...poolUser, UserAttributeNames: z.array(z.string().min(1).max(32)).min(1).max(100) }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteUserAttributesCommand({ target: target(input), names: input.UserAttributeNames }, ctx.request));
    return {};
  },
});
