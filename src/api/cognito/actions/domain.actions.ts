import { z } from 'zod';
import {
  CreateUserPoolDomainCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolDomainQuery,
  type DomainView,
  UpdateUserPoolDomainCommand,
} from '../../../user-pools/oauth/domain.use-cases.js';
import { action } from '../cognito-action.js';
import { userPoolId } from './members.js';

// DomainType and CustomDomainConfigType as in Cognito's API reference (the name rules are the decider's).
const domain = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9\-.]{0,61}[a-z0-9])?$/);
const customDomainConfig = z.object({
  CertificateArn: z
    .string()
    .min(20)
    .max(2048)
    .regex(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$/),
});
const managedLoginVersion = z.number().int().min(1).max(2);
const version = (v: number | undefined) => (v === 2 ? 2 : v === 1 ? 1 : undefined);

const created = (d: DomainView) => ({ CloudFrontDomain: d.cloudFrontDomain, ManagedLoginVersion: d.managedLoginVersion });

export const createUserPoolDomain = action({
  auth: 'admin',
  input: z.object({
    Domain: domain,
    UserPoolId: userPoolId,
    CustomDomainConfig: customDomainConfig.optional(),
    ManagedLoginVersion: managedLoginVersion.optional(),
  }),
  async handle(input, ctx) {
    const d = await ctx.commands.execute(
      new CreateUserPoolDomainCommand(
        {
          poolId: input.UserPoolId,
          domain: input.Domain,
          certificateArn: input.CustomDomainConfig?.CertificateArn,
          managedLoginVersion: version(input.ManagedLoginVersion),
        },
        ctx.request,
      ),
    );
    return created(d);
  },
});

export const updateUserPoolDomain = action({
  auth: 'admin',
  input: z.object({
    Domain: domain,
    UserPoolId: userPoolId,
    CustomDomainConfig: customDomainConfig.optional(),
    ManagedLoginVersion: managedLoginVersion.optional(),
  }),
  async handle(input, ctx) {
    const d = await ctx.commands.execute(
      new UpdateUserPoolDomainCommand(
        {
          poolId: input.UserPoolId,
          domain: input.Domain,
          certificateArn: input.CustomDomainConfig?.CertificateArn,
          managedLoginVersion: version(input.ManagedLoginVersion),
        },
        ctx.request,
      ),
    );
    return created(d);
  },
});

export const deleteUserPoolDomain = action({
  auth: 'admin',
  input: z.object({ Domain: domain, UserPoolId: userPoolId }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteUserPoolDomainCommand({ poolId: input.UserPoolId, domain: input.Domain }, ctx.request));
    return {};
  },
});

/** An unknown domain is an empty DomainDescription, as Cognito answers it. */
export const describeUserPoolDomain = action({
  auth: 'admin',
  input: z.object({ Domain: domain }),
  async handle(input, ctx) {
    const d = await ctx.queries.execute(new DescribeUserPoolDomainQuery({ domain: input.Domain }, ctx.request));
    if (!d) return { DomainDescription: {} };
    return {
      DomainDescription: {
        UserPoolId: d.poolId,
        AWSAccountId: ctx.accountId,
        Domain: d.domain,
        CloudFrontDistribution: d.cloudFrontDomain,
        Version: '1',
        Status: 'ACTIVE',
        ...(d.certificateArn ? { CustomDomainConfig: { CertificateArn: d.certificateArn } } : {}),
        ManagedLoginVersion: d.managedLoginVersion,
      },
    };
  },
});

export const DOMAIN_ACTIONS = {
  CreateUserPoolDomain: createUserPoolDomain,
  UpdateUserPoolDomain: updateUserPoolDomain,
  DeleteUserPoolDomain: deleteUserPoolDomain,
  DescribeUserPoolDomain: describeUserPoolDomain,
};
