import { z } from 'zod';
import { GetImportLogEventsQuery } from '../../../user-pools/import/import-log.js';
import type { CognitoService } from '../cognito-action.js';
import { action } from '../cognito-action.js';

/**
 * CloudWatch Logs, as far as a user import job's results go (`Logs_20140328.GetLogEvents`,
 * signed as `logs` with an admin key): where Cognito writes the per-row outcome of an import.
 */
export const getLogEvents = action({
  auth: 'admin',
  input: z.object({
    logGroupName: z.string().min(1).max(512).optional(),
    logGroupIdentifier: z.string().min(1).max(2048).optional(),
    logStreamName: z.string().min(1).max(512),
    startTime: z.number().int().min(0).optional(),
    endTime: z.number().int().min(0).optional(),
    nextToken: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
    startFromHead: z.boolean().optional(),
    unmask: z.boolean().optional(),
  }),
  async handle(input, ctx) {
    const logGroupName = input.logGroupName ?? input.logGroupIdentifier ?? '';
    const page = await ctx.queries.execute(
      new GetImportLogEventsQuery(
        {
          logGroupName,
          logStreamName: input.logStreamName,
          startFromHead: input.startFromHead,
          nextToken: input.nextToken,
          limit: input.limit,
          startTime: input.startTime,
          endTime: input.endTime,
        },
        ctx.request,
      ),
    );
    return page;
  },
});

/** The CloudWatch Logs service prefix of the action table. */
export const IMPORT_LOGS_SERVICE: Record<string, CognitoService> = {
  Logs_20140328: { signingName: 'logs', actions: { GetLogEvents: getLogEvents } },
};
