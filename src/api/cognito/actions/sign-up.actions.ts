import { z } from 'zod';
import { ConfirmSignUpCommand } from '../../../user-pools/commands/confirm-sign-up.js';
import { SignUpCommand } from '../../../user-pools/commands/sign-up.js';
import { action } from '../cognito-action.js';
import { attributeType, clientId, clientMetadata, secretHash, username } from './members.js';
import { attributesOf } from './user-type.js';

export const signUp = action({
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    SecretHash: secretHash.optional(),
    Username: username,
    // Cognito allows password-less sign-up for passwordless pools; those do not exist here yet.
    Password: z.string().min(1).max(256),
    UserAttributes: z.array(attributeType).max(100).optional(),
    ValidationData: z.array(attributeType).optional(),
    ClientMetadata: clientMetadata,
    AnalyticsMetadata: z.unknown().optional(),
    UserContextData: z.unknown().optional(),
  }),
  async handle(input, ctx) {
    const result = await ctx.commands.execute(
      new SignUpCommand(
        {
          via: { clientId: input.ClientId, secretHash: input.SecretHash },
          username: input.Username,
          password: input.Password,
          attributes: attributesOf(input.UserAttributes),
          clientMetadata: input.ClientMetadata,
          validationData: attributesOf(input.ValidationData),
        },
        ctx.request,
      ),
    );
    return {
      UserConfirmed: result.userConfirmed,
      UserSub: result.userSub,
      ...(result.codeDeliveryDetails ? { CodeDeliveryDetails: result.codeDeliveryDetails } : {}),
      ...(result.session ? { Session: result.session } : {}),
    };
  },
});

export const confirmSignUp = action({
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    SecretHash: secretHash.optional(),
    Username: username,
    ConfirmationCode: z
      .string()
      .min(1)
      .max(2048)
      .regex(/^[\S]+$/),
    ForceAliasCreation: z.boolean().optional(),
    ClientMetadata: clientMetadata,
    AnalyticsMetadata: z.unknown().optional(),
    UserContextData: z.unknown().optional(),
    Session: z.string().min(20).max(2048).optional(),
  }),
  async handle(input, ctx) {
    const result = await ctx.commands.execute(
      new ConfirmSignUpCommand(
        {
          via: { clientId: input.ClientId, secretHash: input.SecretHash },
          username: input.Username,
          code: input.ConfirmationCode,
          clientMetadata: input.ClientMetadata,
          ...(input.Session ? { session: input.Session } : {}),
        },
        ctx.request,
      ),
    );
    return result.session ? { Session: result.session } : {};
  },
});
