import { z } from 'zod';
import { AdminDeleteSoftwareTokenCommand } from '../../../auth/mfa/admin-delete-software-token.js';
import { action } from '../cognito-action.js';
import { userPoolId, username } from './members.js';

export const adminDeleteSoftwareToken = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username }),
  async handle(input, ctx) {
    await ctx.commands.execute(new AdminDeleteSoftwareTokenCommand({ poolId: input.UserPoolId, username: input.Username }, ctx.request));
    return {};
  },
});
