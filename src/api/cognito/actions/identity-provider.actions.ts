import { z } from 'zod';
import {
  CreateIdentityProviderCommand,
  DeleteIdentityProviderCommand,
  DescribeIdentityProviderQuery,
  GetIdentityProviderByIdentifierQuery,
  type IdentityProviderView,
  ListIdentityProvidersQuery,
  UpdateIdentityProviderCommand,
} from '../../../user-pools/identity-providers/identity-provider.use-cases.js';
import {
  AdminDisableProviderForUserCommand,
  AdminLinkProviderForUserCommand,
  type ProviderUser,
} from '../../../user-pools/identity-providers/provider-links.use-cases.js';
import { InvalidParameterError } from '../../../shared/domain-error.js';
import { epochSeconds } from '../account.js';

const invalid = (message: string) => new InvalidParameterError(message);
import { action } from '../cognito-action.js';
import { nextToken, userPoolId } from './members.js';

// ProviderNameTypeV2 (create), ProviderNameType, IdpIdentifierType, AttributeMappingType as in Cognito's API reference.
const newProviderName = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u);
const providerName = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u);
const providerType = z.enum(['SAML', 'Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple', 'OIDC']);
const idpIdentifier = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[\w\s+=.@-]+$/);
const providerDetails = z.record(z.string(), z.string().max(131072));
const attributeMapping = z.record(z.string().min(1).max(32), z.string().max(131072));

const identityProviderType = (p: IdentityProviderView) => ({
  UserPoolId: p.poolId,
  ProviderName: p.name,
  ProviderType: p.type,
  ProviderDetails: p.details,
  AttributeMapping: p.attributeMapping,
  IdpIdentifiers: p.idpIdentifiers,
  LastModifiedDate: epochSeconds(p.updatedAt),
  CreationDate: epochSeconds(p.createdAt),
});

export const createIdentityProvider = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    ProviderName: newProviderName,
    ProviderType: providerType,
    ProviderDetails: providerDetails,
    AttributeMapping: attributeMapping.optional(),
    IdpIdentifiers: z.array(idpIdentifier).max(50).optional(),
  }),
  async handle(input, ctx) {
    const p = await ctx.commands.execute(
      new CreateIdentityProviderCommand(
        {
          poolId: input.UserPoolId,
          providerName: input.ProviderName,
          providerType: input.ProviderType,
          providerDetails: input.ProviderDetails,
          ...(input.AttributeMapping ? { attributeMapping: input.AttributeMapping } : {}),
          ...(input.IdpIdentifiers ? { idpIdentifiers: input.IdpIdentifiers } : {}),
        },
        ctx.request,
      ),
    );
    return { IdentityProvider: identityProviderType(p) };
  },
});

export const updateIdentityProvider = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    ProviderName: providerName,
    ProviderDetails: providerDetails.optional(),
    AttributeMapping: attributeMapping.optional(),
    IdpIdentifiers: z.array(idpIdentifier).max(50).optional(),
  }),
  async handle(input, ctx) {
    const p = await ctx.commands.execute(
      new UpdateIdentityProviderCommand(
        {
          poolId: input.UserPoolId,
          providerName: input.ProviderName,
          ...(input.ProviderDetails ? { providerDetails: input.ProviderDetails } : {}),
          ...(input.AttributeMapping ? { attributeMapping: input.AttributeMapping } : {}),
          ...(input.IdpIdentifiers ? { idpIdentifiers: input.IdpIdentifiers } : {}),
        },
        ctx.request,
      ),
    );
    return { IdentityProvider: identityProviderType(p) };
  },
});

export const describeIdentityProvider = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ProviderName: providerName }),
  async handle(input, ctx) {
    const p = await ctx.queries.execute(new DescribeIdentityProviderQuery({ poolId: input.UserPoolId, providerName: input.ProviderName }, ctx.request));
    return { IdentityProvider: identityProviderType(p) };
  },
});

export const getIdentityProviderByIdentifier = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, IdpIdentifier: idpIdentifier }),
  async handle(input, ctx) {
    const p = await ctx.queries.execute(
      new GetIdentityProviderByIdentifierQuery({ poolId: input.UserPoolId, idpIdentifier: input.IdpIdentifier }, ctx.request),
    );
    return { IdentityProvider: identityProviderType(p) };
  },
});

export const deleteIdentityProvider = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ProviderName: providerName }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteIdentityProviderCommand({ poolId: input.UserPoolId, providerName: input.ProviderName }, ctx.request));
    return {};
  },
});

export const listIdentityProviders = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, MaxResults: z.number().int().min(1).max(60).optional(), NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListIdentityProvidersQuery(
        { poolId: input.UserPoolId, maxResults: input.MaxResults ?? 60, ...(input.NextToken ? { nextToken: input.NextToken } : {}) },
        ctx.request,
      ),
    );
    return {
      Providers: page.providers.map((p) => ({
        ProviderName: p.name,
        ProviderType: p.type,
        LastModifiedDate: epochSeconds(p.updatedAt),
        CreationDate: epochSeconds(p.createdAt),
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
});

// ProviderUserIdentifierType.
const providerUser = z.object({
  ProviderName: providerName.optional(),
  ProviderAttributeName: z.string().min(1).max(256).optional(),
  ProviderAttributeValue: z.string().min(1).max(2048).optional(),
});

function toProviderUser(member: string, u: z.infer<typeof providerUser>): ProviderUser {
  if (!u.ProviderName || !u.ProviderAttributeValue) throw invalid(`${member} must name a ProviderName and a ProviderAttributeValue.`);
  return {
    providerName: u.ProviderName,
    attributeValue: u.ProviderAttributeValue,
    ...(u.ProviderAttributeName ? { attributeName: u.ProviderAttributeName } : {}),
  };
}

export const adminLinkProviderForUser = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, DestinationUser: providerUser, SourceUser: providerUser }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new AdminLinkProviderForUserCommand(
        {
          poolId: input.UserPoolId,
          destination: toProviderUser('DestinationUser', input.DestinationUser),
          source: toProviderUser('SourceUser', input.SourceUser),
        },
        ctx.request,
      ),
    );
    return {};
  },
});

export const adminDisableProviderForUser = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, User: providerUser }),
  async handle(input, ctx) {
    await ctx.commands.execute(new AdminDisableProviderForUserCommand({ poolId: input.UserPoolId, user: toProviderUser('User', input.User) }, ctx.request));
    return {};
  },
});

export const IDENTITY_PROVIDER_ACTIONS = {
  AdminLinkProviderForUser: adminLinkProviderForUser,
  AdminDisableProviderForUser: adminDisableProviderForUser,
  CreateIdentityProvider: createIdentityProvider,
  UpdateIdentityProvider: updateIdentityProvider,
  DescribeIdentityProvider: describeIdentityProvider,
  GetIdentityProviderByIdentifier: getIdentityProviderByIdentifier,
  DeleteIdentityProvider: deleteIdentityProvider,
  ListIdentityProviders: listIdentityProviders,
};
