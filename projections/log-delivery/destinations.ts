import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { LogConfiguration } from '../../src/user-pools/log-delivery/log-delivery.events.js';
import type { LogRecord } from './log-records.js';

/**
 * Where this service delivers what Cognito sends to CloudWatch Logs, S3 and Firehose:
 * - an S3 bucket is a folder: `<dir>/s3/<bucket>/<poolId>/<eventSource>.jsonl`, one JSON record a line;
 * - a Firehose delivery stream is a Kafka topic of the same name (KAFKA_BROKERS), the pool id as
 *   the key; without Kafka, a folder `<dir>/firehose/<stream>/...` as for S3;
 * - a CloudWatch Logs log group is a webhook when the operator maps its name to a URL
 *   (LOG_DELIVERY_WEBHOOKS, a JSON object), POSTed as PutLogEvents' body
 *   (`{ logGroupName, logStreamName, logEvents: [{ timestamp, message }] }`); else a folder
 *   `<dir>/cloudwatch/<log group>/<poolId>.jsonl`.
 */
export interface DeliveryOptions {
  dir: string;
  kafkaBrokers?: string[];
  /** Log group name → webhook URL. */
  webhooks: Record<string, string>;
}

const safe = (name: string) => name.replace(/[^\w.-]/g, '_');

export class Destinations {
  private producer: Promise<Producer> | undefined;
  private readonly topics = new Set<string>();

  constructor(private readonly options: DeliveryOptions) {}

  /** `stop` (the worker's shutdown) cuts a webhook call short; the batch is then delivered again. */
  async deliver(configuration: LogConfiguration, poolId: string, records: LogRecord[], stop?: AbortSignal): Promise<void> {
    if (records.length === 0) return;
    const lines = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    if (configuration.s3BucketArn) {
      const bucket = configuration.s3BucketArn.slice(configuration.s3BucketArn.lastIndexOf(':') + 1);
      return this.file(join('s3', safe(bucket), safe(poolId), `${configuration.eventSource}.jsonl`), lines);
    }
    if (configuration.firehoseStreamArn) {
      const stream = configuration.firehoseStreamArn.slice(configuration.firehoseStreamArn.indexOf('deliverystream/') + 'deliverystream/'.length);
      if (!this.options.kafkaBrokers?.length) return this.file(join('firehose', safe(stream), safe(poolId), `${configuration.eventSource}.jsonl`), lines);
      return this.kafka(stream, poolId, records);
    }
    const arn = configuration.cloudWatchLogGroupArn as string;
    const group = arn.slice(arn.indexOf(':log-group:') + ':log-group:'.length).replace(/:\*$/, '');
    const url = this.options.webhooks[group];
    if (!url) return this.file(join('cloudwatch', safe(group), `${safe(poolId)}.jsonl`), lines);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        logGroupName: group,
        logStreamName: poolId,
        logEvents: records.map((r) => ({ timestamp: r.eventTimestamp, message: JSON.stringify(r) })),
      }),
      signal: stop ? AbortSignal.any([AbortSignal.timeout(10_000), stop]) : AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`log delivery webhook for ${group} answered ${response.status}`);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer).disconnect().catch(() => undefined);
  }

  private async file(relative: string, lines: string): Promise<void> {
    const path = join(this.options.dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, lines);
  }

  private async kafka(topic: string, poolId: string, records: LogRecord[]): Promise<void> {
    const kafka = new Kafka({
      clientId: 'cairn-log-delivery',
      brokers: this.options.kafkaBrokers as string[],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
    this.producer ??= (async () => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    const producer = await this.producer;
    if (!this.topics.has(topic)) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
      this.topics.add(topic);
    }
    await producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: poolId, value: JSON.stringify(r) })) });
  }
}
