import { type Decider, unreachable } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { LogConfiguration, LogDeliveryEvent } from './log-delivery.events.js';

export interface LogDeliveryState {
  configurations: LogConfiguration[];
}

export type LogDeliveryCommand = { type: 'SetLogDelivery'; poolId: string; configurations: LogConfiguration[]; now: string };

const ARN = {
  cloudWatchLogGroupArn: /^arn:[\w+=/,.@-]+:logs:[\w-]*:\d*:log-group:[\w./#-]+(:\*)?$/,
  s3BucketArn: /^arn:[\w+=/,.@-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  firehoseStreamArn: /^arn:[\w+=/,.@-]+:firehose:[\w-]*:\d*:deliverystream\/[\w.-]+$/,
} as const;

/**
 * One configuration per event source, each with exactly one destination of the right kind.
 * As in Cognito, user auth events go at INFO to any destination and notification logs to a
 * CloudWatch Logs group; Cognito sends notification logs at ERROR (failed deliveries), and here
 * they may also be INFO (every message sent, see projections/log-delivery/log-records.ts).
 */
function check(configurations: LogConfiguration[]): void {
  const sources = configurations.map((c) => c.eventSource);
  if (new Set(sources).size !== sources.length) throw new InvalidParameterError('Only one log configuration per event source is allowed.');
  for (const c of configurations) {
    const destinations = (Object.keys(ARN) as Array<keyof typeof ARN>).filter((k) => c[k] !== undefined);
    if (destinations.length !== 1)
      throw new InvalidParameterError(
        'Each log configuration needs exactly one destination: CloudWatchLogsConfiguration, S3Configuration or FirehoseConfiguration.',
      );
    const [kind] = destinations;
    if (!ARN[kind].test(c[kind] as string))
      throw new InvalidParameterError(
        `Invalid ${kind === 's3BucketArn' ? 'S3 bucket' : kind === 'firehoseStreamArn' ? 'Firehose stream' : 'CloudWatch Logs log group'} ARN: ${c[kind]}`,
      );
    if (c.eventSource === 'userNotification' && kind !== 'cloudWatchLogGroupArn')
      throw new InvalidParameterError('userNotification logs are delivered to a CloudWatchLogsConfiguration only.');
    if (c.eventSource === 'userAuthEvents' && c.logLevel !== 'INFO') throw new InvalidParameterError('userAuthEvents logs are delivered at log level INFO.');
  }
}

export const logDeliveryDecider: Decider<LogDeliveryCommand, LogDeliveryEvent, LogDeliveryState> = {
  initialState: () => ({ configurations: [] }),
  evolve: (state, event) => (event.type === 'LogDeliveryConfigurationSet' ? { configurations: event.data.configurations } : state),
  decide(command, state) {
    switch (command.type) {
      case 'SetLogDelivery':
        check(command.configurations);
        if (JSON.stringify(state.configurations) === JSON.stringify(command.configurations)) return [];
        return [{ type: 'LogDeliveryConfigurationSet', data: { poolId: command.poolId, configurations: command.configurations, at: command.now } }];
      default:
        return unreachable(command.type);
    }
  },
};
