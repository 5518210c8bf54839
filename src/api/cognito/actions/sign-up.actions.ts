import { z } from 'zod';
import { checkSecretHash } from '../../../auth/client-auth.js';
import { loadClient } from '../../../user-pools/clients/client.repository.js';
import { ConfirmSignUpCommand } from '../../../user-pools/commands/confirm-sign-up.js';
import { SignUpCommand } from '../../../user-pools/commands/sign-up.js';
import type { ActionContext } from '../cognito-action.js';
import { CodeMismatchError, UserNotFoundError } from '../../../shared/domain-error.js';
import { action } from '../cognito-action.js';
import { attributeType, clientId, secretHash, username } from './members.js';
import { attributesOf } from './user-type.js';

/** The app client a public call names decides the pool, and checks SECRET_HASH when it has a secret. */
async function poolOfClient(ctx: ActionContext, input: { ClientId: string; Username: string; SecretHash?: string | undefined }): Promise<string> {
  const client = await loadClient(ctx.platform.store, input.ClientId);
  checkSecretHash(ctx.platform, client, [input.Username], input.SecretHash);
  return client.poolId;
}

export const signUp = action({
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    SecretHash: secretHash.optional(),
    Username: username,
    // Cognito allows password-less sign-up for passwordless pools; those do not exist here yet.
    Password: z.string().min(1).max(256),
    UserAttributes: z.array(attributeType).max(100).optional(),
  }),
  async handle(input, ctx) {
    const poolId = await poolOfClient(ctx, input);
    const attributes = attributesOf(input.UserAttributes);
    const result = await ctx.commands.execute(
      new SignUpCommand({ poolId, username: input.Username, password: input.Password, attributes }, ctx.request),
    );
    const delivery = result.codeDeliveryDetails;
    return {
      UserConfirmed: result.userConfirmed,
      UserSub: result.userSub,
      ...(delivery
        ? { CodeDeliveryDetails: { Destination: delivery.destination, DeliveryMedium: delivery.deliveryMedium, AttributeName: delivery.attributeName } }
        : {}),
    };
  },
});

export const confirmSignUp = action({
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    SecretHash: secretHash.optional(),
    Username: username,
    ConfirmationCode: z.string().min(1).max(2048).regex(/^[\S]+$/),
  }),
  async handle(input, ctx) {
    const client = await loadClient(ctx.platform.store, input.ClientId);
    checkSecretHash(ctx.platform, client, [input.Username], input.SecretHash);
    try {
      await ctx.commands.execute(new ConfirmSignUpCommand({ poolId: client.poolId, username: input.Username, code: input.ConfirmationCode }, ctx.request));
    } catch (error) {
      // PreventUserExistenceErrors: an unknown user looks like a wrong code.
      if (client.settings.preventUserExistenceErrors === 'ENABLED' && error instanceof UserNotFoundError) {
        throw new CodeMismatchError('Invalid verification code provided, please try again.');
      }
      throw error;
    }
    return {};
  },
});
