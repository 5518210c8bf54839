/**
 * Where a pool's user-activity and notification logs go (SetLogDeliveryConfiguration), on the
 * stream `logdelivery-<poolId>`. Each set replaces the whole configuration, as in Cognito.
 */
export interface LogConfiguration {
  logLevel: 'ERROR' | 'INFO';
  eventSource: 'userNotification' | 'userAuthEvents';
  /** Exactly one destination, by ARN (see projections/log-delivery for what each stands for here). */
  cloudWatchLogGroupArn?: string;
  s3BucketArn?: string;
  firehoseStreamArn?: string;
}

export type LogDeliveryConfigurationSet = {
  type: 'LogDeliveryConfigurationSet';
  data: { poolId: string; configurations: LogConfiguration[]; at: string };
};

export type LogDeliveryEvent = LogDeliveryConfigurationSet;

export const logDeliveryStream = (poolId: string) => `logdelivery-${poolId}`;
