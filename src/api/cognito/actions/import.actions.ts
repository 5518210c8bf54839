import { z } from 'zod';
import {
  CreateUserImportJobCommand,
  DescribeUserImportJobQuery,
  GetCsvHeaderQuery,
  ListUserImportJobsQuery,
  StartUserImportJobCommand,
  StopUserImportJobCommand,
  type UserImportJobView,
} from '../../../user-pools/import/import.use-cases.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { userPoolId } from './members.js';

// Members and patterns as in Cognito's API reference.
const jobId = z
  .string()
  .min(1)
  .max(55)
  .regex(/^import-[0-9a-zA-Z-]+$/);
const jobName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w\s+=,.@-]+$/);
const roleArn = z
  .string()
  .min(20)
  .max(2048)
  .regex(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$/);

/** UserImportJobType on the wire (dates as epoch seconds). */
export function userImportJobType(job: UserImportJobView) {
  return {
    JobName: job.jobName,
    JobId: job.jobId,
    UserPoolId: job.poolId,
    PreSignedUrl: job.preSignedUrl,
    CreationDate: epochSeconds(job.creationDate),
    ...(job.startDate ? { StartDate: epochSeconds(job.startDate) } : {}),
    ...(job.completionDate ? { CompletionDate: epochSeconds(job.completionDate) } : {}),
    Status: job.status,
    CloudWatchLogsRoleArn: job.cloudWatchLogsRoleArn,
    ImportedUsers: job.importedUsers,
    SkippedUsers: job.skippedUsers,
    FailedUsers: job.failedUsers,
    ...(job.completionMessage ? { CompletionMessage: job.completionMessage } : {}),
  };
}

export const getCsvHeader = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    const { poolId, header } = await ctx.queries.execute(new GetCsvHeaderQuery({ poolId: input.UserPoolId }, ctx.request));
    return { UserPoolId: poolId, CSVHeader: header };
  },
});

export const createUserImportJob = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, JobName: jobName, CloudWatchLogsRoleArn: roleArn }),
  async handle(input, ctx) {
    const job = await ctx.commands.execute(
      new CreateUserImportJobCommand({ poolId: input.UserPoolId, jobName: input.JobName, cloudWatchLogsRoleArn: input.CloudWatchLogsRoleArn }, ctx.request),
    );
    return { UserImportJob: userImportJobType(job) };
  },
});

const jobInput = z.object({ UserPoolId: userPoolId, JobId: jobId });

export const startUserImportJob = action({
  auth: 'admin',
  input: jobInput,
  async handle(input, ctx) {
    return {
      UserImportJob: userImportJobType(
        await ctx.commands.execute(new StartUserImportJobCommand({ poolId: input.UserPoolId, jobId: input.JobId }, ctx.request)),
      ),
    };
  },
});

export const stopUserImportJob = action({
  auth: 'admin',
  input: jobInput,
  async handle(input, ctx) {
    return {
      UserImportJob: userImportJobType(await ctx.commands.execute(new StopUserImportJobCommand({ poolId: input.UserPoolId, jobId: input.JobId }, ctx.request))),
    };
  },
});

export const describeUserImportJob = action({
  auth: 'admin',
  input: jobInput,
  async handle(input, ctx) {
    return {
      UserImportJob: userImportJobType(
        await ctx.queries.execute(new DescribeUserImportJobQuery({ poolId: input.UserPoolId, jobId: input.JobId }, ctx.request)),
      ),
    };
  },
});

export const listUserImportJobs = action({
  auth: 'admin',
  input: z.object({
    UserPoolId: userPoolId,
    MaxResults: z.number().int().min(1).max(60),
    PaginationToken: z
      .string()
      .min(1)
      .regex(/^[\S]+$/)
      .optional(),
  }),
  async handle(input, ctx) {
    const { jobs, paginationToken } = await ctx.queries.execute(
      new ListUserImportJobsQuery({ poolId: input.UserPoolId, maxResults: input.MaxResults, paginationToken: input.PaginationToken }, ctx.request),
    );
    return { UserImportJobs: jobs.map(userImportJobType), ...(paginationToken ? { PaginationToken: paginationToken } : {}) };
  },
});

/** The user import actions, spread into the action table (services.ts). */
export const IMPORT_ACTIONS = {
  GetCSVHeader: getCsvHeader,
  CreateUserImportJob: createUserImportJob,
  StartUserImportJob: startUserImportJob,
  StopUserImportJob: stopUserImportJob,
  DescribeUserImportJob: describeUserImportJob,
  ListUserImportJobs: listUserImportJobs,
};
