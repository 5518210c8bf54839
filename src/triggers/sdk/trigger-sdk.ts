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

/**
 * Consumes trigger requests from `topic` in consumer group `groupId` and answers each on its reply
 * topic. Requests are handled concurrently (up to `concurrency` at a time, 64 by default), so a
 * slow hook does not hold up the others on its partition; a request whose deadline (the
 * service's, 5 s) has passed is skipped, and a handler still running at the deadline is no longer
 * waited for (the service has answered UnexpectedLambdaException by then; no reply is sent).
 * A request's offset is committed once its handler has started: a consumer that dies mid-request
 * leaves that request to the service's timeout, as a Lambda that crashes does.
 */
export async function runTriggerConsumer(options: {
  brokers: string[];
  topic: string;
  groupId: string;
  handlers: TriggerHandlers;
  clientId?: string;
  concurrency?: number;
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
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const inFlight = new Set<Promise<void>>();
  const handle = async (request: TriggerRequestMessage) => {
    const result = await beforeDeadline(answer(options.handlers, request.kind, request.event), request.deadline);
    if (!result) return; // the service stopped waiting
    const reply: TriggerReplyMessage = { correlationId: request.correlationId, ...result };
    await producer.send({ topic: request.replyTopic, messages: [{ key: request.correlationId, value: JSON.stringify(reply) }] }).catch(() => undefined);
  };
  await consumer.run({
    eachMessage: async ({ message }) => {
      let request: TriggerRequestMessage;
      try {
        request = JSON.parse(message.value?.toString('utf8') ?? '') as TriggerRequestMessage;
      } catch {
        return; // not a trigger request
      }
      if (typeof request?.correlationId !== 'string' || typeof request.replyTopic !== 'string') return;
      if (request.deadline !== undefined && request.deadline <= Date.now()) return;
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const work = handle(request).finally(() => inFlight.delete(work));
      inFlight.add(work);
    },
  });
  await joined;
  return {
    stop: async () => {
      await consumer.disconnect();
      // Handlers are bounded by their request's deadline; a request without one is waited for 10 s at most.
      await beforeDeadline(Promise.allSettled(inFlight), Date.now() + 10_000);
      await producer.disconnect();
    },
  };
}

/** The work's result, or undefined once the deadline (if any) has passed. */
async function beforeDeadline<T>(work: Promise<T>, deadline: number | undefined): Promise<T | undefined> {
  if (deadline === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A webhook receiver's side: verifies nothing (see verifyWebhookSignature) and answers with the handler's result. */
export async function handleWebhook(handlers: TriggerHandlers, kind: string, event: CognitoTriggerEvent): Promise<{ status: number; body: unknown }> {
  const result = await answer(handlers, kind, event);
  return result.errorMessage !== undefined ? { status: 400, body: { errorMessage: result.errorMessage } } : { status: 200, body: result.event };
}

export { verifyWebhookSignature } from './verify-signature.js';
export { decryptCode } from '../sender-code.js';
export type { CognitoTriggerEvent } from '../transports/transport.js';
