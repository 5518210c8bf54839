import { z } from 'zod';
import {
  AddUserPoolClientSecretCommand,
  type ClientSecretView,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsQuery,
} from '../../../user-pools/commands/client-secrets.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { clientId, nextToken, userPoolId } from './members.js';

/** Cognito's ClientSecretDescriptorType; the value only when the service generated it. */
const descriptor = (s: ClientSecretView) => ({
  ClientSecretId: s.secretId,
  ...(s.value !== undefined ? { ClientSecretValue: s.value } : {}),
  ClientSecretCreateDate: epochSeconds(s.createdAt),
});

export const addUserPoolClientSecret = action({
  auth: 'admin',
  // ClientSecret as in Cognito's API reference: 24 to 64 word characters or '+'.
  input: z.object({
    UserPoolId: userPoolId,
    ClientId: clientId,
    ClientSecret: z
      .string()
      .min(24)
      .max(64)
      .regex(/^[\w+]+$/)
      .optional(),
  }),
  async handle(input, ctx) {
    const added = await ctx.commands.execute(
      new AddUserPoolClientSecretCommand(
        { poolId: input.UserPoolId, clientId: input.ClientId, ...(input.ClientSecret !== undefined ? { clientSecret: input.ClientSecret } : {}) },
        ctx.request,
      ),
    );
    return { ClientSecretDescriptor: descriptor(added) };
  },
});

export const listUserPoolClientSecrets = action({
  auth: 'admin',
  // Two secrets at most: one page, so NextToken is accepted and never returned.
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const secrets = await ctx.queries.execute(new ListUserPoolClientSecretsQuery({ poolId: input.UserPoolId, clientId: input.ClientId }, ctx.request));
    return { ClientSecrets: secrets.map(descriptor) };
  },
});

export const deleteUserPoolClientSecret = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId, ClientSecretId: z.string().min(1).max(128) }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new DeleteUserPoolClientSecretCommand({ poolId: input.UserPoolId, clientId: input.ClientId, secretId: input.ClientSecretId }, ctx.request),
    );
    return {};
  },
});

/** The client-secret actions, spread into the action table (services.ts). */
export const CLIENT_SECRET_ACTIONS = {
  AddUserPoolClientSecret: addUserPoolClientSecret,
  ListUserPoolClientSecrets: listUserPoolClientSecrets,
  DeleteUserPoolClientSecret: deleteUserPoolClientSecret,
};
