import { z } from 'zod';
import { GetUserAttributeVerificationCodeCommand, VerifyUserAttributeCommand } from '../../../user-pools/commands/attribute-verification.js';
import { ChangePasswordCommand, ConfirmForgotPasswordCommand } from '../../../user-pools/commands/passwords.js';
import { ForgotPasswordCommand, ResendConfirmationCodeCommand } from '../../../user-pools/commands/send-codes.js';
import { DeleteUserAttributesCommand, UpdateUserAttributesCommand } from '../../../user-pools/commands/user-attributes.js';
import { UserLifecycleCommand } from '../../../user-pools/commands/user-lifecycle.js';
import { action } from '../cognito-action.js';
import { accessToken, attributeType, clientId, clientMetadata, secretHash, username } from './members.js';
import { attributesOf } from './user-type.js';

const byClient = {
  ClientId: clientId,
  SecretHash: secretHash.optional(),
  Username: username,
  ClientMetadata: clientMetadata,
  UserContextData: z.unknown().optional(),
  AnalyticsMetadata: z.unknown().optional(),
};
const via = (input: { ClientId: string; SecretHash?: string | undefined }) => ({ clientId: input.ClientId, secretHash: input.SecretHash });

export const resendConfirmationCodeAction = action({
  auth: 'public',
  input: z.object(byClient),
  async handle(input, ctx) {
    const details = await ctx.commands.execute(
      new ResendConfirmationCodeCommand({ via: via(input), username: input.Username, clientMetadata: input.ClientMetadata }, ctx.request),
    );
    return { CodeDeliveryDetails: details };
  },
});

export const forgotPasswordAction = action({
  auth: 'public',
  input: z.object(byClient),
  async handle(input, ctx) {
    const details = await ctx.commands.execute(
      new ForgotPasswordCommand({ via: via(input), username: input.Username, clientMetadata: input.ClientMetadata }, ctx.request),
    );
    return { CodeDeliveryDetails: details };
  },
});

export const confirmForgotPasswordAction = action({
  auth: 'public',
  input: z.object({ ...byClient, ConfirmationCode: z.string().min(1).max(2048).regex(/^\S+$/), Password: z.string().min(1).max(256) }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new ConfirmForgotPasswordCommand(
        { via: via(input), username: input.Username, code: input.ConfirmationCode, password: input.Password, clientMetadata: input.ClientMetadata },
        ctx.request,
      ),
    );
    return {};
  },
});

export const changePasswordAction = action({
  auth: 'public',
  input: z.object({ PreviousPassword: z.string().min(1).max(256), ProposedPassword: z.string().min(1).max(256), AccessToken: accessToken }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new ChangePasswordCommand({ accessToken: input.AccessToken, previous: input.PreviousPassword, proposed: input.ProposedPassword }, ctx.request),
    );
    return {};
  },
});

export const updateUserAttributesAction = action({
  auth: 'public',
  input: z.object({ UserAttributes: z.array(attributeType).min(1).max(100), AccessToken: accessToken, ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    const list = await ctx.commands.execute(
      new UpdateUserAttributesCommand(
        { target: { accessToken: input.AccessToken }, attributes: attributesOf(input.UserAttributes), clientMetadata: input.ClientMetadata },
        ctx.request,
      ),
    );
    return { CodeDeliveryDetailsList: list };
  },
});

export const deleteUserAttributesAction = action({
  auth: 'public',
  input: z.object({ UserAttributeNames: z.array(z.string().min(1).max(32)).min(1).max(100), AccessToken: accessToken }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteUserAttributesCommand({ target: { accessToken: input.AccessToken }, names: input.UserAttributeNames }, ctx.request));
    return {};
  },
});

export const deleteUserAction = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  async handle(input, ctx) {
    await ctx.commands.execute(new UserLifecycleCommand({ target: { accessToken: input.AccessToken }, action: 'DeleteUser' }, ctx.request));
    return {};
  },
});

export const getUserAttributeVerificationCodeAction = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, AttributeName: z.string().min(1).max(32), ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    const details = await ctx.commands.execute(
      new GetUserAttributeVerificationCodeCommand(
        { accessToken: input.AccessToken, attribute: input.AttributeName, clientMetadata: input.ClientMetadata },
        ctx.request,
      ),
    );
    return { CodeDeliveryDetails: details };
  },
});

export const verifyUserAttributeAction = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, AttributeName: z.enum(['email', 'phone_number']), Code: z.string().min(1).max(2048).regex(/^\S+$/) }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new VerifyUserAttributeCommand({ accessToken: input.AccessToken, attribute: input.AttributeName, code: input.Code }, ctx.request),
    );
    return {};
  },
});
