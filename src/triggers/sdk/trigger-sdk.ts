import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { TriggerReplyMessage, TriggerRequestMessage } from '../transports/kafka.transport.js';
import type { CognitoTriggerEvent } from '../transports/transport.js';

/**
 * The trigger SDK: write hooks as Cognito Lambda handlers, one function per kind, and run them
 * as a Kafka consumer group beside the service:
 *
 *   import { runTriggerConsumer } from 'cairn/triggers/sdk';
 *   await runTriggerConsumer({
 *     brokers: ['localhost:9092'], topic: 'cairn.hooks', groupId: 'my-hooks',
 *     handlers: {
 *       preSignUp: async (event) => { event.response.autoConfirmUser = true; return event; },
 *       preTokenGeneration: async (event) => ({ ...event, response: { claimsOverrideDetails: { claimsToAddOrOverride: { tier: 'gold' } } } }),
 *     },
 *   });
 *
 * A handler returns the event (with `response` filled in) or just the response; throwing refuses
 * the step with the error's message (Cognito's UserLambdaValidationException). The same handler
 * object works as an in-process module (`module:` target) and behind a webhook (handleWebhook).
 */
export type TriggerHandler = (event: CognitoTriggerEvent) => Promise<unknown> | unknown;

export interface TriggerHandlers {
  preSignUp?: TriggerHandler;
  postConfirmation?: TriggerHandler;
  preAuthentication?: TriggerHandler;
  postAuthentication?: TriggerHandler;
  preTokenGeneration?: TriggerHandler;
  customMessage?: TriggerHandler;
  userMigration?: TriggerHandler;
  defineAuthChallenge?: TriggerHandler;
  createAuthChallenge?: TriggerHandler;
  verifyAuthChallengeResponse?: TriggerHandler;
  customEmailSender?: TriggerHandler;
  customSMSSender?: TriggerHandler;
}

/** Runs a request through the handler of its kind: the reply to send back. */
export async function answer(handlers: TriggerHandlers, kind: string, event: CognitoTriggerEvent): Promise<{ event?: unknown; errorMessage?: string }> {
  const handler = handlers[(kind.charAt(0).toLowerCase() + kind.slice(1)) as keyof TriggerHandlers];
  if (!handler) return { errorMessage: `no handler for ${kind}` };
  try {
    return { event: (await handler(event)) ?? event };
  } catch (error) {
    return { errorMessage: error instanceof Error ? error.message : String(error) };
  }
}

export interface TriggerConsumer {
  stop(): Promise<void>;
}

/** Consumes trigger requests from `topic` in consumer group `groupId` and answers each on its reply topic. */
export async function runTriggerConsumer(options: {
  brokers: string[];
  topic: string;
  groupId: string;
  handlers: TriggerHandlers;
  clientId?: string;
}): Promise<TriggerConsumer> {
  const kafka = new Kafka({ clientId: options.clientId ?? 'cairn-trigger-sdk', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: options.topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      let request: TriggerRequestMessage;
      try {
        request = JSON.parse(message.value?.toString('utf8') ?? '') as TriggerRequestMessage;
      } catch {
        return; // not a trigger request
      }
      const reply: TriggerReplyMessage = { correlationId: request.correlationId, ...(await answer(options.handlers, request.kind, request.event)) };
      await producer.send({ topic: request.replyTopic, messages: [{ key: request.correlationId, value: JSON.stringify(reply) }] });
    },
  });
  await joined;
  return {
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** A webhook receiver's side: verifies nothing (see verifyWebhookSignature) and answers with the handler's result. */
export async function handleWebhook(handlers: TriggerHandlers, kind: string, event: CognitoTriggerEvent): Promise<{ status: number; body: unknown }> {
  const result = await answer(handlers, kind, event);
  return result.errorMessage !== undefined ? { status: 400, body: { errorMessage: result.errorMessage } } : { status: 200, body: result.event };
}

export { verifyWebhookSignature } from './verify-signature.js';
