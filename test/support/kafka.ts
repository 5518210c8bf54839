import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { ExportedEvent } from '../../src/events/redaction.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The broker the test run was given (scripts/services/kafka.sh starts one on loopback). */
export function kafkaBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: start one with `bash scripts/services/kafka.sh start`');
  return brokers.split(',').map((b) => b.trim());
}

export function uniqueTopic(prefix = 'test'): string {
  return `${prefix}.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
}

/** Starts, stops or restarts the test broker (data is kept across restarts). */
export async function kafkaService(command: 'start' | 'stop' | 'restart'): Promise<void> {
  const kafkaSh = (c: string) => run('bash', ['scripts/services/kafka.sh', c], { cwd: repoRoot, timeout: 120_000 });
  try {
    await kafkaSh(command);
  } catch (error) {
    if (command === 'stop') throw error;
    // kafka.sh can report "exited during startup" for a broker that is starting fine (its
    // liveness check may run before the JVM has replaced the forked shell): ask once more,
    // which is a no-op for a live broker and a fresh start for a dead one.
    await kafkaSh('start');
  }
}

/** Deletes a test's topic so the broker's restarts stay fast (they load every partition). */
export async function deleteTopic(topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'test-cleanup', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

/** A logger that keeps lines instead of printing them (kafkajs is loud while a broker restarts). */
export function quietLogger() {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => void lines.push(`${new Date().toISOString().slice(11, 23)} ${level} ${message}`);
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

export interface ForwardedMessage {
  partition: number;
  offset: number;
  key: string;
  headers: Record<string, string>;
  raw: string;
  value: ExportedEvent;
}

/**
 * Reads a topic from the beginning with a consumer group of its own. Messages are kept by
 * (partition, offset), so a redelivery to this consumer is not mistaken for a duplicate in
 * the topic: counts per event id are what the topic holds.
 */
export class TopicReader {
  private readonly byOffset = new Map<string, ForwardedMessage>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly consumer: Consumer,
    readonly topic: string,
  ) {}

  static async start(topic: string): Promise<TopicReader> {
    const kafka = new Kafka({
      clientId: 'test-reader',
      brokers: kafkaBrokers(),
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 10 },
    });
    const consumer = kafka.consumer({ groupId: `reader-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
    const reader = new TopicReader(kafka, consumer, topic);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        const raw = message.value?.toString() ?? '';
        reader.byOffset.set(`${partition}:${message.offset}`, {
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? '',
          headers,
          raw,
          value: JSON.parse(raw) as ExportedEvent,
        });
      },
    });
    return reader;
  }

  /** Messages in topic order within each partition. */
  messages(): ForwardedMessage[] {
    return [...this.byOffset.values()].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  }

  countsById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.byOffset.values()) counts.set(m.headers['event-id'], (counts.get(m.headers['event-id']) ?? 0) + 1);
    return counts;
  }

  /** True once this reader holds every message written to the topic so far. */
  async caughtUp(): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.topic);
      const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      return total === this.byOffset.size;
    } finally {
      await admin.disconnect();
    }
  }

  async partitionCount(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.topic] });
      return topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
