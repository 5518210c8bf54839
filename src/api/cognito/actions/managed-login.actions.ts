import { z } from 'zod';
import type { StoredBranding } from '../../../user-pools/branding/managed-login.decider.js';
import {
  CreateManagedLoginBrandingCommand,
  DeleteManagedLoginBrandingCommand,
  DescribeManagedLoginBrandingQuery,
  UpdateManagedLoginBrandingCommand,
} from '../../../user-pools/branding/managed-login.use-cases.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { clientId, userPoolId } from './members.js';

// ManagedLoginBrandingIdType (a UUID v4) and AssetType as in Cognito's API reference.
const brandingId = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/);
const category = z.enum([
  'AUTH_APP_GRAPHIC',
  'EMAIL_GRAPHIC',
  'FAVICON_ICO',
  'FAVICON_SVG',
  'FORM_BACKGROUND',
  'FORM_LOGO',
  'IDP_BUTTON_ICON',
  'PAGE_BACKGROUND',
  'PAGE_FOOTER_BACKGROUND',
  'PAGE_FOOTER_LOGO',
  'PAGE_HEADER_BACKGROUND',
  'PAGE_HEADER_LOGO',
  'PASSKEY_GRAPHIC',
  'PASSWORD_GRAPHIC',
  'SMS_GRAPHIC',
]);
const asset = z.object({
  Category: category,
  ColorMode: z.enum(['LIGHT', 'DARK', 'DYNAMIC']),
  Extension: z.enum(['ICO', 'JPEG', 'PNG', 'SVG', 'WEBP']),
  // The SDK sends the image as base64 (a JSON blob).
  Bytes: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .optional(),
  ResourceId: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[\w\- ]+$/)
    .optional(),
});
const style = {
  UseCognitoProvidedValues: z.boolean().optional(),
  Settings: z.record(z.string(), z.unknown()).optional(),
  Assets: z.array(asset).max(40).optional(),
};
/**
 * ReturnMergedResources asks for Cognito's default values beside the customized ones. This
 * service does not hold Cognito's default style document, so it answers the stored style only.
 */
const returnMerged = z.boolean().optional();

const toStyle = (input: { UseCognitoProvidedValues?: boolean; Settings?: Record<string, unknown>; Assets?: z.infer<typeof asset>[] }) => ({
  ...(input.UseCognitoProvidedValues !== undefined ? { useCognitoProvidedValues: input.UseCognitoProvidedValues } : {}),
  ...(input.Settings !== undefined ? { settings: input.Settings } : {}),
  ...(input.Assets !== undefined
    ? {
        assets: input.Assets.map((a) => ({
          category: a.Category,
          colorMode: a.ColorMode,
          extension: a.Extension,
          ...(a.Bytes !== undefined ? { bytes: a.Bytes } : {}),
          ...(a.ResourceId !== undefined ? { resourceId: a.ResourceId } : {}),
        })),
      }
    : {}),
});

const brandingType = (b: StoredBranding) => ({
  ManagedLoginBrandingId: b.brandingId,
  UserPoolId: b.poolId,
  UseCognitoProvidedValues: b.useCognitoProvidedValues,
  ...(b.settings !== undefined ? { Settings: b.settings } : {}),
  Assets: b.assets.map((a) => ({
    Category: a.category,
    ColorMode: a.colorMode,
    Extension: a.extension,
    ...(a.bytes !== undefined ? { Bytes: a.bytes } : {}),
    ...(a.resourceId !== undefined ? { ResourceId: a.resourceId } : {}),
  })),
  CreationDate: epochSeconds(b.createdAt),
  LastModifiedDate: epochSeconds(b.updatedAt),
});

export const createManagedLoginBranding = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId, ...style }),
  async handle(input, ctx) {
    const created = await ctx.commands.execute(
      new CreateManagedLoginBrandingCommand({ poolId: input.UserPoolId, clientId: input.ClientId, style: toStyle(input) }, ctx.request),
    );
    return { ManagedLoginBranding: brandingType(created) };
  },
});

export const updateManagedLoginBranding = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ManagedLoginBrandingId: brandingId, ...style }),
  async handle(input, ctx) {
    const updated = await ctx.commands.execute(
      new UpdateManagedLoginBrandingCommand({ poolId: input.UserPoolId, brandingId: input.ManagedLoginBrandingId, style: toStyle(input) }, ctx.request),
    );
    return { ManagedLoginBranding: brandingType(updated) };
  },
});

export const deleteManagedLoginBranding = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ManagedLoginBrandingId: brandingId }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteManagedLoginBrandingCommand({ poolId: input.UserPoolId, brandingId: input.ManagedLoginBrandingId }, ctx.request));
    return {};
  },
});

export const describeManagedLoginBranding = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ManagedLoginBrandingId: brandingId, ReturnMergedResources: returnMerged }),
  async handle(input, ctx) {
    const found = await ctx.queries.execute(
      new DescribeManagedLoginBrandingQuery({ poolId: input.UserPoolId, brandingId: input.ManagedLoginBrandingId }, ctx.request),
    );
    return { ManagedLoginBranding: brandingType(found) };
  },
});

export const describeManagedLoginBrandingByClient = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId, ReturnMergedResources: returnMerged }),
  async handle(input, ctx) {
    const found = await ctx.queries.execute(new DescribeManagedLoginBrandingQuery({ poolId: input.UserPoolId, clientId: input.ClientId }, ctx.request));
    return { ManagedLoginBranding: brandingType(found) };
  },
});

export const MANAGED_LOGIN_ACTIONS = {
  CreateManagedLoginBranding: createManagedLoginBranding,
  UpdateManagedLoginBranding: updateManagedLoginBranding,
  DeleteManagedLoginBranding: deleteManagedLoginBranding,
  DescribeManagedLoginBranding: describeManagedLoginBranding,
  DescribeManagedLoginBrandingByClient: describeManagedLoginBrandingByClient,
};
