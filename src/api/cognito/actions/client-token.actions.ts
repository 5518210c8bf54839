import { z } from 'zod';
import { GetClientTokenCommand } from '../../../auth/oauth/client-token.js';
import { action } from '../cognito-action.js';
import { clientId } from './members.js';

/** GetClientToken: no AWS credentials (the client's secret authenticates it), as in Cognito. */
export const getClientToken = action({
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    Secret: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w+]+$/),
    Scopes: z
      .array(
        z
          .string()
          .min(1)
          .max(256)
          .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/),
      )
      .max(50)
      .optional(),
    ClientMetadata: z.record(z.string(), z.string()).optional(),
  }),
  async handle(input, ctx) {
    const token = await ctx.commands.execute(new GetClientTokenCommand({ clientId: input.ClientId, secret: input.Secret, scopes: input.Scopes }, ctx.request));
    return { ClientAuthenticationResult: { AccessToken: token.accessToken, ExpiresIn: token.expiresIn, TokenType: token.tokenType } };
  },
});
