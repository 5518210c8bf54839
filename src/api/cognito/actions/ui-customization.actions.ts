import { z } from 'zod';
import { GetUICustomizationQuery, SetUICustomizationCommand, type UICustomizationView } from '../../../user-pools/branding/ui-customization.use-cases.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { userPoolId } from './members.js';

/** ClientIdType, or ALL for the pool's default. */
const clientOrAll = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w+]+$/);
/** The SDK sends the logo as base64 (a JSON blob). */
const imageFile = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/**
 * Cognito's UICustomizationType. No ImageUrl: the logo is served by the hosted pages, which do not
 * exist yet (issue 14); the image is stored and will be served there.
 */
const customizationType = (v: UICustomizationView) => ({
  UserPoolId: v.poolId,
  ClientId: v.clientId,
  ...(v.stored?.css !== undefined ? { CSS: v.stored.css } : {}),
  ...(v.stored ? { CSSVersion: v.stored.cssVersion, CreationDate: epochSeconds(v.stored.createdAt), LastModifiedDate: epochSeconds(v.stored.at) } : {}),
});

export const setUICustomization = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientOrAll.optional(), CSS: z.string().max(131072).optional(), ImageFile: imageFile.optional() }),
  async handle(input, ctx) {
    const set = await ctx.commands.execute(
      new SetUICustomizationCommand(
        {
          poolId: input.UserPoolId,
          ...(input.ClientId !== undefined ? { clientId: input.ClientId } : {}),
          ...(input.CSS !== undefined ? { css: input.CSS } : {}),
          ...(input.ImageFile !== undefined ? { image: new Uint8Array(Buffer.from(input.ImageFile, 'base64')) } : {}),
        },
        ctx.request,
      ),
    );
    return { UICustomization: customizationType(set) };
  },
});

export const getUICustomization = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientOrAll.optional() }),
  async handle(input, ctx) {
    const found = await ctx.queries.execute(
      new GetUICustomizationQuery({ poolId: input.UserPoolId, ...(input.ClientId !== undefined ? { clientId: input.ClientId } : {}) }, ctx.request),
    );
    return { UICustomization: customizationType(found) };
  },
});

export const UI_CUSTOMIZATION_ACTIONS = { SetUICustomization: setUICustomization, GetUICustomization: getUICustomization };
