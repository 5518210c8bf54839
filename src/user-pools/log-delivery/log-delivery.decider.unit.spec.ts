import { fold } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { logDeliveryDecider } from './log-delivery.decider.js';
import type { LogConfiguration } from './log-delivery.events.js';

const GROUP = 'arn:aws:logs:eu-west-1:123456789012:log-group:cognito-notifications';
const BUCKET = 'arn:aws:s3:::auth-logs';
const STREAM = 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/auth-events';

const set = (configurations: LogConfiguration[]) => ({
  type: 'SetLogDelivery' as const,
  poolId: 'eu-west-1_Pool',
  configurations,
  now: '2026-01-01T00:00:00.000Z',
});
const refusal = (configurations: LogConfiguration[]) => {
  try {
    logDeliveryDecider.decide(set(configurations), logDeliveryDecider.initialState());
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParameterError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('log delivery configuration decider', () => {
  test('nothing is delivered until set; a set replaces the whole configuration; the same set again writes nothing', () => {
    expect(fold(logDeliveryDecider, [])).toEqual({ configurations: [] });
    const both: LogConfiguration[] = [
      { eventSource: 'userNotification', logLevel: 'ERROR', cloudWatchLogGroupArn: GROUP },
      { eventSource: 'userAuthEvents', logLevel: 'INFO', s3BucketArn: BUCKET },
    ];
    const first = logDeliveryDecider.decide(set(both), fold(logDeliveryDecider, []));
    expect(first).toEqual([{ type: 'LogDeliveryConfigurationSet', data: { poolId: 'eu-west-1_Pool', configurations: both, at: '2026-01-01T00:00:00.000Z' } }]);
    const state = fold(logDeliveryDecider, first);
    expect(state.configurations).toEqual(both);
    expect(logDeliveryDecider.decide(set(both), state)).toEqual([]);
    const onlyAuth: LogConfiguration[] = [{ eventSource: 'userAuthEvents', logLevel: 'INFO', firehoseStreamArn: STREAM }];
    const replaced = fold(logDeliveryDecider, [...first, ...logDeliveryDecider.decide(set(onlyAuth), state)]);
    expect(replaced.configurations).toEqual(onlyAuth);
    // An empty list turns delivery off.
    expect(fold(logDeliveryDecider, [...first, ...logDeliveryDecider.decide(set([]), state)]).configurations).toEqual([]);
  });

  test('user auth events go at INFO to a log group, a bucket or a Firehose stream', () => {
    for (const destination of [{ cloudWatchLogGroupArn: GROUP }, { s3BucketArn: BUCKET }, { firehoseStreamArn: STREAM }]) {
      expect(logDeliveryDecider.decide(set([{ eventSource: 'userAuthEvents', logLevel: 'INFO', ...destination }]), fold(logDeliveryDecider, []))).toHaveLength(
        1,
      );
    }
    expect(refusal([{ eventSource: 'userAuthEvents', logLevel: 'ERROR', s3BucketArn: BUCKET }])).toBe('userAuthEvents logs are delivered at log level INFO.');
  });

  test('notification logs go to a log group only', () => {
    expect(
      logDeliveryDecider.decide(set([{ eventSource: 'userNotification', logLevel: 'INFO', cloudWatchLogGroupArn: GROUP }]), fold(logDeliveryDecider, [])),
    ).toHaveLength(1);
    expect(refusal([{ eventSource: 'userNotification', logLevel: 'ERROR', s3BucketArn: BUCKET }])).toBe(
      'userNotification logs are delivered to a CloudWatchLogsConfiguration only.',
    );
    expect(refusal([{ eventSource: 'userNotification', logLevel: 'ERROR', firehoseStreamArn: STREAM }])).toMatch(/CloudWatchLogsConfiguration only/);
  });

  test('one configuration per source, exactly one destination each, an ARN of the destination kind', () => {
    expect(
      refusal([
        { eventSource: 'userAuthEvents', logLevel: 'INFO', s3BucketArn: BUCKET },
        { eventSource: 'userAuthEvents', logLevel: 'INFO', firehoseStreamArn: STREAM },
      ]),
    ).toBe('Only one log configuration per event source is allowed.');
    expect(refusal([{ eventSource: 'userAuthEvents', logLevel: 'INFO' }])).toMatch(/exactly one destination/);
    expect(refusal([{ eventSource: 'userAuthEvents', logLevel: 'INFO', s3BucketArn: BUCKET, firehoseStreamArn: STREAM }])).toMatch(/exactly one destination/);
    expect(refusal([{ eventSource: 'userAuthEvents', logLevel: 'INFO', s3BucketArn: STREAM }])).toBe(`Invalid S3 bucket ARN: ${STREAM}`);
    expect(refusal([{ eventSource: 'userAuthEvents', logLevel: 'INFO', firehoseStreamArn: GROUP }])).toBe(`Invalid Firehose stream ARN: ${GROUP}`);
    expect(refusal([{ eventSource: 'userNotification', logLevel: 'ERROR', cloudWatchLogGroupArn: BUCKET }])).toBe(
      `Invalid CloudWatch Logs log group ARN: ${BUCKET}`,
    );
  });
});
