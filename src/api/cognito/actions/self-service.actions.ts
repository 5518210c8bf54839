import { z } from 'zod';
import { authenticateAccessToken } from '../../../auth/access-token.js';
import { checkSecretHash, clientAndPool } from '../../../auth/client-auth.js';
import { changePassword, confirmForgotPassword, forgotPassword, resendConfirmationCode, verifyUserAttribute } from '../../../user-pools/commands/self-service.js';
import { runUserCommand } from '../../../user-pools/commands/user-admin.js';
import { deleteUserAttributes, sendAttributeVerificationCode, updateUserAttributes } from '../../../user-pools/commands/user-attributes.js';
import { loadPool } from '../../../user-pools/user-pool.repository.js';
import { CodeMismatchError, NotAuthorizedError, UserNotFoundError } from '../../../shared/domain-error.js';
import type { ActiveClient } from '../../../user-pools/clients/client.repository.js';
import { loadClient } from '../../../user-pools/clients/client.repository.js';
import { action, type ActionContext } from '../cognito-action.js';
import { accessToken, attributeType, clientId, clientMetadata, secretHash, username } from './members.js';
import { attributesOf } from './user-type.js';


/** Public calls that name a user: the client decides the pool and checks SECRET_HASH. */
async function clientUser(ctx: ActionContext, input: { ClientId: string; Username: string; SecretHash?: string | undefined }) {
  const { client, pool } = await clientAndPool(ctx.platform, input.ClientId);
  checkSecretHash(ctx.platform, client, [input.Username], input.SecretHash);
  return Object.assign(pool, { hideUsers: client.settings.preventUserExistenceErrors === 'ENABLED' });
}

/**
 * PreventUserExistenceErrors = ENABLED: an unknown user gets the answer a known one would
 * (a plausible delivery, or a wrong code), so the API does not reveal who has an account.
 */
async function hidingUnknownUsers<T>(hide: boolean, run: () => Promise<T>, simulated: () => T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (hide && error instanceof UserNotFoundError) return simulated();
    throw error;
  }
}
const simulatedDelivery = () => ({ Destination: 'u***@e***', DeliveryMedium: 'EMAIL' as const, AttributeName: 'email' as const });

/** Calls authorised by the user's access token (the token's app client is part of the answer). */
async function tokenUser(ctx: ActionContext, token: string) {
  const owner = await authenticateAccessToken(ctx.platform, token);
  const pool = await loadPool(ctx.platform.store, owner.poolId);
  const client = await loadClient(ctx.platform.store, owner.clientId, owner.poolId);
  return { pool, client, user: owner.user, streamId: owner.streamId };
}

/** An app client with WriteAttributes may only change those (Cognito: NotAuthorizedException). */
function checkWritable(client: ActiveClient, names: string[]): void {
  const writable = client.settings.writeAttributes;
  const refused = writable.length === 0 ? [] : names.filter((n) => !writable.includes(n));
  if (refused.length > 0) throw new NotAuthorizedError(`A client attempted to write unauthorized attribute ${refused[0]}`);
}

export const resendConfirmationCodeAction = action({
  auth: 'public',
  input: z.object({ ClientId: clientId, SecretHash: secretHash.optional(), Username: username, ClientMetadata: clientMetadata, UserContextData: z.unknown().optional(), AnalyticsMetadata: z.unknown().optional() }),
  async handle(input, ctx) {
    const pool = await clientUser(ctx, input);
    return { CodeDeliveryDetails: await hidingUnknownUsers(pool.hideUsers, () => resendConfirmationCode(ctx.platform, pool.poolId, input.Username, ctx.request), simulatedDelivery) };
  },
});

export const forgotPasswordAction = action({
  auth: 'public',
  input: z.object({ ClientId: clientId, SecretHash: secretHash.optional(), Username: username, ClientMetadata: clientMetadata, UserContextData: z.unknown().optional(), AnalyticsMetadata: z.unknown().optional() }),
  async handle(input, ctx) {
    const pool = await clientUser(ctx, input);
    return { CodeDeliveryDetails: await hidingUnknownUsers(pool.hideUsers, () => forgotPassword(ctx.platform, pool.poolId, input.Username, ctx.request), simulatedDelivery) };
  },
});

export const confirmForgotPasswordAction = action({
  auth: 'public',
  input: z.object({
    ClientId: clientId,
    SecretHash: secretHash.optional(),
    Username: username,
    ConfirmationCode: z.string().min(1).max(2048).regex(/^\S+$/),
    Password: z.string().min(1).max(256),
    ClientMetadata: clientMetadata,
    UserContextData: z.unknown().optional(),
    AnalyticsMetadata: z.unknown().optional(),
  }),
  async handle(input, ctx) {
    const pool = await clientUser(ctx, input);
    await hidingUnknownUsers(
      pool.hideUsers,
      () => confirmForgotPassword(ctx.platform, { poolId: pool.poolId, username: input.Username, code: input.ConfirmationCode, password: input.Password }, ctx.request),
      () => {
        throw new CodeMismatchError('Invalid verification code provided, please try again.');
      },
    );
    return {};
  },
});

export const changePasswordAction = action({
  auth: 'public',
  input: z.object({ PreviousPassword: z.string().min(1).max(256), ProposedPassword: z.string().min(1).max(256), AccessToken: accessToken }),
  async handle(input, ctx) {
    const { pool, user, streamId } = await tokenUser(ctx, input.AccessToken);
    await changePassword(ctx.platform, { pool, user, streamId, previous: input.PreviousPassword, proposed: input.ProposedPassword, context: ctx.request });
    return {};
  },
});

export const updateUserAttributesAction = action({
  auth: 'public',
  input: z.object({ UserAttributes: z.array(attributeType).min(1).max(100), AccessToken: accessToken, ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    const { pool, client, user, streamId } = await tokenUser(ctx, input.AccessToken);
    checkWritable(client, input.UserAttributes.map((a) => a.Name));
    const list = await updateUserAttributes(ctx.platform, { pool, user, streamId, attributes: attributesOf(input.UserAttributes), byAdmin: false, context: ctx.request });
    return { CodeDeliveryDetailsList: list };
  },
});

export const deleteUserAttributesAction = action({
  auth: 'public',
  input: z.object({ UserAttributeNames: z.array(z.string().min(1).max(32)).min(1).max(100), AccessToken: accessToken }),
  async handle(input, ctx) {
    const { pool, client, user, streamId } = await tokenUser(ctx, input.AccessToken);
    checkWritable(client, input.UserAttributeNames);
    await deleteUserAttributes(ctx.platform, { pool, user, streamId, names: input.UserAttributeNames, context: ctx.request });
    return {};
  },
});

export const deleteUserAction = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken }),
  async handle(input, ctx) {
    const { pool, streamId } = await tokenUser(ctx, input.AccessToken);
    await runUserCommand(ctx.platform, streamId, () => ({ type: 'DeleteUser', by: 'USER', now: new Date().toISOString() }), ctx.request, pool);
    return {};
  },
});

export const getUserAttributeVerificationCodeAction = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, AttributeName: z.string().min(1).max(32), ClientMetadata: clientMetadata }),
  async handle(input, ctx) {
    const { pool, user, streamId } = await tokenUser(ctx, input.AccessToken);
    return { CodeDeliveryDetails: await sendAttributeVerificationCode(ctx.platform, { pool, user, streamId, attribute: input.AttributeName, context: ctx.request }) };
  },
});

export const verifyUserAttributeAction = action({
  auth: 'public',
  input: z.object({ AccessToken: accessToken, AttributeName: z.enum(['email', 'phone_number']), Code: z.string().min(1).max(2048).regex(/^\S+$/) }),
  async handle(input, ctx) {
    const { pool, user, streamId } = await tokenUser(ctx, input.AccessToken);
    await verifyUserAttribute(ctx.platform, { pool, user, streamId, attribute: input.AttributeName, code: input.Code, context: ctx.request });
    return {};
  },
});

