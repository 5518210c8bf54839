import { z } from 'zod';
import type { StoredTerms } from '../../../user-pools/terms/terms.decider.js';
import {
  CreateTermsCommand,
  DeleteTermsCommand,
  DescribeTermsByClientQuery,
  DescribeTermsQuery,
  ListTermsQuery,
  UpdateTermsCommand,
} from '../../../user-pools/terms/terms.use-cases.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { clientId, nextToken, userPoolId } from './members.js';

// TermsNameType, TermsIdType (a UUID v4), TermsSource and Enforcement as in Cognito's API reference.
const termsName = z.enum(['terms-of-use', 'privacy-policy']);
const termsId = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/);
const termsSource = z.enum(['LINK']);
const enforcement = z.enum(['NONE']);
/** Languages of managed login (`cognito:default`, `cognito:spanish`, ...) to a URL. */
const links = z.record(
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^cognito:[a-z-]+$/),
  z.string().min(1).max(1024),
);

const termsType = (t: StoredTerms) => ({
  TermsId: t.termsId,
  UserPoolId: t.poolId,
  ClientId: t.clientId,
  TermsName: t.termsName,
  TermsSource: t.termsSource,
  Enforcement: t.enforcement,
  Links: t.links,
  CreationDate: epochSeconds(t.createdAt),
  LastModifiedDate: epochSeconds(t.updatedAt),
});

export const createTerms = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    ClientId: clientId,
    TermsName: termsName,
    TermsSource: termsSource,
    Enforcement: enforcement,
    Links: links.optional(),
  }),
  async handle(input, ctx) {
    const document = { termsName: input.TermsName, termsSource: input.TermsSource, enforcement: input.Enforcement, links: input.Links ?? {} };
    return {
      Terms: termsType(await ctx.commands.execute(new CreateTermsCommand({ poolId: input.UserPoolId, clientId: input.ClientId, document }, ctx.request))),
    };
  },
});

export const updateTerms = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    TermsId: termsId,
    TermsName: termsName.optional(),
    TermsSource: termsSource.optional(),
    Enforcement: enforcement.optional(),
    Links: links.optional(),
  }),
  async handle(input, ctx) {
    const changes = {
      ...(input.TermsName !== undefined ? { termsName: input.TermsName } : {}),
      ...(input.TermsSource !== undefined ? { termsSource: input.TermsSource } : {}),
      ...(input.Enforcement !== undefined ? { enforcement: input.Enforcement } : {}),
      ...(input.Links !== undefined ? { links: input.Links } : {}),
    };
    return { Terms: termsType(await ctx.commands.execute(new UpdateTermsCommand({ poolId: input.UserPoolId, termsId: input.TermsId, changes }, ctx.request))) };
  },
});

export const deleteTerms = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, TermsId: termsId }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteTermsCommand({ poolId: input.UserPoolId, termsId: input.TermsId }, ctx.request));
    return {};
  },
});

export const describeTerms = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, TermsId: termsId }),
  async handle(input, ctx) {
    return { Terms: termsType(await ctx.queries.execute(new DescribeTermsQuery({ poolId: input.UserPoolId, termsId: input.TermsId }, ctx.request))) };
  },
});

export const describeTermsByClient = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, ClientId: clientId, TermsName: termsName }),
  async handle(input, ctx) {
    return {
      Terms: termsType(
        await ctx.queries.execute(
          new DescribeTermsByClientQuery({ poolId: input.UserPoolId, clientId: input.ClientId, termsName: input.TermsName }, ctx.request),
        ),
      ),
    };
  },
});

export const listTerms = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, MaxResults: z.number().int().min(1).max(60).optional(), NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const page = await ctx.queries.execute(
      new ListTermsQuery(
        { poolId: input.UserPoolId, maxResults: input.MaxResults ?? 60, ...(input.NextToken !== undefined ? { nextToken: input.NextToken } : {}) },
        ctx.request,
      ),
    );
    return {
      Terms: page.terms.map((t) => ({
        TermsId: t.termsId,
        TermsName: t.termsName,
        Enforcement: t.enforcement,
        CreationDate: epochSeconds(t.createdAt),
        LastModifiedDate: epochSeconds(t.updatedAt),
      })),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  },
});

/** The terms actions, spread into the action table (services.ts). */
export const TERMS_ACTIONS = {
  CreateTerms: createTerms,
  UpdateTerms: updateTerms,
  DeleteTerms: deleteTerms,
  DescribeTerms: describeTerms,
  DescribeTermsByClient: describeTermsByClient,
  ListTerms: listTerms,
};
