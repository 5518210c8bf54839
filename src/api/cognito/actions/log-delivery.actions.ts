import { z } from 'zod';
import { GetLogDeliveryConfigurationQuery, SetLogDeliveryConfigurationCommand } from '../../../user-pools/log-delivery/log-delivery.use-cases.js';
import type { LogConfiguration } from '../../../user-pools/log-delivery/log-delivery.events.js';
import { action } from '../cognito-action.js';
import { userPoolId } from './members.js';

// LogConfigurationType as Cognito's API reference gives it (lengths and patterns); which ARN
// goes with which source and level is the decider's.
const accountArn = z
  .string()
  .min(20)
  .max(2048)
  .regex(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$/);
const bucketArn = z
  .string()
  .min(3)
  .max(1024)
  .regex(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:::[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$/);
const logConfiguration = z.object({
  LogLevel: z.enum(['ERROR', 'INFO']),
  EventSource: z.enum(['userNotification', 'userAuthEvents']),
  CloudWatchLogsConfiguration: z.object({ LogGroupArn: accountArn.optional() }).optional(),
  S3Configuration: z.object({ BucketArn: bucketArn.optional() }).optional(),
  FirehoseConfiguration: z.object({ StreamArn: accountArn.optional() }).optional(),
});

const toWire = (poolId: string, configurations: LogConfiguration[]) => ({
  LogDeliveryConfiguration: {
    UserPoolId: poolId,
    LogConfigurations: configurations.map((c) => ({
      LogLevel: c.logLevel,
      EventSource: c.eventSource,
      ...(c.cloudWatchLogGroupArn ? { CloudWatchLogsConfiguration: { LogGroupArn: c.cloudWatchLogGroupArn } } : {}),
      ...(c.s3BucketArn ? { S3Configuration: { BucketArn: c.s3BucketArn } } : {}),
      ...(c.firehoseStreamArn ? { FirehoseConfiguration: { StreamArn: c.firehoseStreamArn } } : {}),
    })),
  },
});

export const setLogDeliveryConfiguration = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, LogConfigurations: z.array(logConfiguration).max(2) }),
  async handle(input, ctx) {
    const configurations: LogConfiguration[] = input.LogConfigurations.map((c) => ({
      logLevel: c.LogLevel,
      eventSource: c.EventSource,
      ...(c.CloudWatchLogsConfiguration?.LogGroupArn ? { cloudWatchLogGroupArn: c.CloudWatchLogsConfiguration.LogGroupArn } : {}),
      ...(c.S3Configuration?.BucketArn ? { s3BucketArn: c.S3Configuration.BucketArn } : {}),
      ...(c.FirehoseConfiguration?.StreamArn ? { firehoseStreamArn: c.FirehoseConfiguration.StreamArn } : {}),
    }));
    const saved = await ctx.commands.execute(new SetLogDeliveryConfigurationCommand({ poolId: input.UserPoolId, configurations }, ctx.request));
    return toWire(input.UserPoolId, saved);
  },
});

export const getLogDeliveryConfiguration = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId }),
  async handle(input, ctx) {
    return toWire(input.UserPoolId, await ctx.queries.execute(new GetLogDeliveryConfigurationQuery({ poolId: input.UserPoolId }, ctx.request)));
  },
});

/** The log delivery actions, spread into the action table (services.ts). */
export const LOG_DELIVERY_ACTIONS = { SetLogDeliveryConfiguration: setLogDeliveryConfiguration, GetLogDeliveryConfiguration: getLogDeliveryConfiguration };
