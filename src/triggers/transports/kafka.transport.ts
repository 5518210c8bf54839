import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { TransportError } from '../trigger-errors.js';
import { asEvent } from './module.transport.js';
import { type CognitoTriggerEvent, type Transport, type TransportCall, withDeadline } from './transport.js';

/** A request on the hook's topic: keyed by user; the reply names `correlationId`. */
export interface TriggerRequestMessage {
  correlationId: string;
  replyTopic: string;
  kind: string;
  event: CognitoTriggerEvent;
  /** Epoch ms after which the service no longer waits for the reply (a consumer skips or stops the work then). */
  deadline?: number;
}

/** A reply on the reply topic: the event (or its response), or the hook's refusal. */
export interface TriggerReplyMessage {
  correlationId: string;
  event?: unknown;
  errorMessage?: string;
}

/**
 * Kafka request/reply. Requests go to the function's topic keyed by user name; every instance
 * reads the whole reply topic in a consumer group of its own and settles the replies it is
 * waiting for, so any number of instances can ask (a reply reaches the one that asked).
 */
export class KafkaTransport implements Transport<{ type: 'kafka'; topic: string }> {
  private readonly kafka: Kafka;
  private readonly pending = new Map<string, { resolve: (reply: TriggerReplyMessage) => void }>();
  private started: Promise<{ producer: Producer; consumer: Consumer }> | undefined;

  constructor(private readonly options: { brokers: string[]; replyTopic: string; clientId?: string }) {
    this.kafka = new Kafka({ clientId: options.clientId ?? 'cairn-triggers', brokers: options.brokers, logLevel: logLevel.NOTHING });
  }

  async call(target: { type: 'kafka'; topic: string }, call: TransportCall): Promise<CognitoTriggerEvent> {
    const { producer } = await withDeadline(this.start(), call.deadline, () => new TransportError('unreachable', 'the Kafka broker could not be reached'));
    const correlationId = call.attemptId;
    const reply = new Promise<TriggerReplyMessage>((resolve) => this.pending.set(correlationId, { resolve }));
    try {
      const message: TriggerRequestMessage = {
        correlationId,
        replyTopic: this.options.replyTopic,
        kind: call.kind,
        event: call.event,
        deadline: call.deadline,
      };
      await withDeadline(
        producer.send({
          topic: target.topic,
          messages: [
            { key: call.event.userName, value: JSON.stringify(message), headers: { 'correlation-id': correlationId, 'reply-topic': this.options.replyTopic } },
          ],
        }),
        call.deadline,
        () => new TransportError('unreachable', 'the request could not be sent in time'),
      );
      const answer = await withDeadline(reply, call.deadline, () => new TransportError('timeout', 'the hook did not answer in time'));
      if (answer.errorMessage !== undefined) throw new TransportError('hook', answer.errorMessage);
      return asEvent(answer.event, call.event);
    } catch (error) {
      if (error instanceof TransportError) throw error;
      throw new TransportError('unreachable', (error as Error).message);
    } finally {
      this.pending.delete(correlationId);
    }
  }

  async close(): Promise<void> {
    const started = await this.started?.catch(() => undefined);
    this.started = undefined;
    await started?.consumer.disconnect().catch(() => undefined);
    await started?.producer.disconnect().catch(() => undefined);
  }

  private start(): Promise<{ producer: Producer; consumer: Consumer }> {
    this.started ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic: this.options.replyTopic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
      const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const consumer = this.kafka.consumer({ groupId: `cairn-trigger-replies-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: this.options.replyTopic, fromBeginning: false });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.run({
        eachMessage: async ({ message }) => {
          const reply = parse(message.value?.toString('utf8'));
          if (reply) this.pending.get(reply.correlationId)?.resolve(reply);
        },
      });
      await joined;
      return { producer, consumer };
    })().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }
}

function parse(text: string | undefined): TriggerReplyMessage | undefined {
  try {
    const value = JSON.parse(text ?? '') as TriggerReplyMessage;
    return typeof value?.correlationId === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
