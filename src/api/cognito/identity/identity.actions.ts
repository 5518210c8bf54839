import { z } from 'zod';
import { GetCredentialsForIdentityCommand, GetOpenIdTokenCommand } from '../../../identity-pools/commands/credentials.use-cases.js';
import {
  GetOpenIdTokenForDeveloperIdentityCommand,
  LookupDeveloperIdentityQuery,
  MergeDeveloperIdentitiesCommand,
  UnlinkDeveloperIdentityCommand,
} from '../../../identity-pools/commands/developer.use-cases.js';
import {
  DeleteIdentitiesCommand,
  DescribeIdentityQuery,
  GetIdCommand,
  ListIdentitiesQuery,
  UnlinkIdentityCommand,
} from '../../../identity-pools/commands/identity.use-cases.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import {
  developerProviderName,
  developerUserIdentifier,
  identityId,
  identityPoolId,
  logins,
  maxResults,
  nextToken,
  principalTags,
  providerName,
  roleArn,
} from './members.js';

export const getId = action({
  auth: 'public',
  input: z.object({
    AccountId: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    IdentityPoolId: identityPoolId,
    Logins: logins.optional(),
  }),
  async handle(input, ctx) {
    const id = await ctx.commands.execute(new GetIdCommand({ poolId: input.IdentityPoolId, ...(input.Logins ? { logins: input.Logins } : {}) }, ctx.request));
    return { IdentityId: id };
  },
});

export const getCredentialsForIdentity = action({
  auth: 'public',
  input: z.object({ IdentityId: identityId, Logins: logins.optional(), CustomRoleArn: roleArn.optional() }),
  async handle(input, ctx) {
    const result = await ctx.commands.execute(
      new GetCredentialsForIdentityCommand(
        {
          identityId: input.IdentityId,
          ...(input.Logins ? { logins: input.Logins } : {}),
          ...(input.CustomRoleArn ? { customRoleArn: input.CustomRoleArn } : {}),
        },
        ctx.request,
      ),
    );
    const c = result.credentials;
    return {
      IdentityId: result.identityId,
      Credentials: {
        AccessKeyId: c.accessKeyId,
        SecretKey: c.secretAccessKey,
        SessionToken: c.sessionToken,
        Expiration: epochSeconds(c.expiration.toISOString()),
      },
    };
  },
});

export const getOpenIdToken = action({
  auth: 'public',
  input: z.object({ IdentityId: identityId, Logins: logins.optional() }),
  async handle(input, ctx) {
    const r = await ctx.commands.execute(
      new GetOpenIdTokenCommand({ identityId: input.IdentityId, ...(input.Logins ? { logins: input.Logins } : {}) }, ctx.request),
    );
    return { IdentityId: r.identityId, Token: r.token };
  },
});

export const getOpenIdTokenForDeveloperIdentity = action({
  auth: 'admin',
  input: z.object({
    IdentityPoolId: identityPoolId,
    IdentityId: identityId.optional(),
    Logins: logins,
    PrincipalTags: principalTags.optional(),
    TokenDuration: z.number().int().min(1).max(86_400).optional(),
  }),
  async handle(input, ctx) {
    const r = await ctx.commands.execute(
      new GetOpenIdTokenForDeveloperIdentityCommand(
        {
          poolId: input.IdentityPoolId,
          logins: input.Logins,
          ...(input.IdentityId ? { identityId: input.IdentityId } : {}),
          ...(input.PrincipalTags ? { principalTags: input.PrincipalTags } : {}),
          ...(input.TokenDuration ? { tokenDuration: input.TokenDuration } : {}),
        },
        ctx.request,
      ),
    );
    return { IdentityId: r.identityId, Token: r.token };
  },
});

export const lookupDeveloperIdentity = action({
  auth: 'admin',
  input: z.object({
    IdentityPoolId: identityPoolId,
    IdentityId: identityId.optional(),
    DeveloperUserIdentifier: developerUserIdentifier.optional(),
    MaxResults: maxResults.optional(),
    NextToken: nextToken.optional(),
  }),
  async handle(input, ctx) {
    const r = await ctx.queries.execute(
      new LookupDeveloperIdentityQuery(
        {
          poolId: input.IdentityPoolId,
          ...(input.IdentityId ? { identityId: input.IdentityId } : {}),
          ...(input.DeveloperUserIdentifier !== undefined ? { developerUserIdentifier: input.DeveloperUserIdentifier } : {}),
        },
        ctx.request,
      ),
    );
    return { IdentityId: r.identityId, DeveloperUserIdentifierList: r.developerUserIdentifiers };
  },
});

export const mergeDeveloperIdentities = action({
  auth: 'admin',
  input: z.object({
    IdentityPoolId: identityPoolId,
    DeveloperProviderName: developerProviderName,
    SourceUserIdentifier: developerUserIdentifier,
    DestinationUserIdentifier: developerUserIdentifier,
  }),
  async handle(input, ctx) {
    const id = await ctx.commands.execute(
      new MergeDeveloperIdentitiesCommand(
        {
          poolId: input.IdentityPoolId,
          developerProviderName: input.DeveloperProviderName,
          sourceUserIdentifier: input.SourceUserIdentifier,
          destinationUserIdentifier: input.DestinationUserIdentifier,
        },
        ctx.request,
      ),
    );
    return { IdentityId: id };
  },
});

export const unlinkDeveloperIdentity = action({
  auth: 'admin',
  input: z.object({
    IdentityId: identityId,
    IdentityPoolId: identityPoolId,
    DeveloperProviderName: developerProviderName,
    DeveloperUserIdentifier: developerUserIdentifier,
  }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new UnlinkDeveloperIdentityCommand(
        {
          poolId: input.IdentityPoolId,
          identityId: input.IdentityId,
          developerProviderName: input.DeveloperProviderName,
          developerUserIdentifier: input.DeveloperUserIdentifier,
        },
        ctx.request,
      ),
    );
    return {};
  },
});

export const unlinkIdentity = action({
  auth: 'public',
  input: z.object({ IdentityId: identityId, Logins: logins, LoginsToRemove: z.array(providerName) }),
  async handle(input, ctx) {
    await ctx.commands.execute(
      new UnlinkIdentityCommand({ identityId: input.IdentityId, logins: input.Logins, loginsToRemove: input.LoginsToRemove }, ctx.request),
    );
    return {};
  },
});

const identityDescription = (i: { identityId: string; logins: string[]; createdAt: string; updatedAt: string }) => ({
  IdentityId: i.identityId,
  Logins: i.logins,
  CreationDate: epochSeconds(i.createdAt),
  LastModifiedDate: epochSeconds(i.updatedAt),
});

export const describeIdentity = action({
  auth: 'admin',
  input: z.object({ IdentityId: identityId }),
  async handle(input, ctx) {
    const identity = await ctx.queries.execute(new DescribeIdentityQuery({ identityId: input.IdentityId }, ctx.request));
    return identityDescription({ ...identity, logins: [...new Set(identity.logins.map((l) => l.provider))] });
  },
});

export const listIdentities = action({
  auth: 'admin',
  input: z.object({ IdentityPoolId: identityPoolId, MaxResults: maxResults, NextToken: nextToken.optional(), HideDisabled: z.boolean().optional() }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListIdentitiesQuery(
        { poolId: input.IdentityPoolId, limit: input.MaxResults, ...(input.NextToken ? { nextToken: input.NextToken } : {}) },
        ctx.request,
      ),
    );
    return {
      IdentityPoolId: input.IdentityPoolId,
      Identities: page.identities.map(identityDescription),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
});

export const deleteIdentities = action({
  auth: 'admin',
  input: z.object({ IdentityIdsToDelete: z.array(identityId).min(1).max(60) }),
  async handle(input, ctx) {
    const unprocessed = await ctx.commands.execute(new DeleteIdentitiesCommand({ identityIds: input.IdentityIdsToDelete }, ctx.request));
    return { UnprocessedIdentityIds: unprocessed.map((u) => ({ IdentityId: u.identityId, ErrorCode: u.errorCode })) };
  },
});
