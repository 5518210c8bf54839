import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { handleWebhook, runTriggerConsumer, type TriggerConsumer, type TriggerHandlers, verifyWebhookSignature } from '../../src/triggers/sdk/trigger-sdk.js';
import { SIGNATURE_HEADER } from '../../src/triggers/transports/webhook.transport.js';
import { deleteTopic, kafkaBrokers, uniqueTopic } from '../support/kafka.js';

export type TransportName = 'module' | 'webhook' | 'kafka';

/** The function names the test pools' LambdaConfig ARNs name, one per kind. */
export const FUNCTIONS = [
  'pre-sign-up',
  'post-confirmation',
  'pre-auth',
  'post-auth',
  'pre-token',
  'custom-message',
  'migrate',
  'define',
  'create',
  'verify',
  'email-sender',
  'sms-sender',
] as const;

export const ARN = (name: (typeof FUNCTIONS)[number]) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const HOOK_MODULE = fileURLToPath(new URL('../fixtures/hooks/scenario-hooks.ts', import.meta.url));

/** Where the hooks run for one transport: the env the app needs, and what to stop afterwards. */
export interface HookHost {
  env: Record<string, string>;
  /** Webhook deliveries whose signature did not verify (should stay 0). */
  badSignatures: () => number;
  stop(): Promise<void>;
}

/**
 * Runs `handlers` as the deployment's hooks over one transport: the in-process module (the
 * fixture file), a local HTTP receiver verifying the HMAC signature (handleWebhook), or a Kafka
 * consumer group through the trigger SDK (runTriggerConsumer) on a fresh topic.
 */
export async function hostHooks(transport: TransportName, handlers: TriggerHandlers): Promise<HookHost> {
  if (transport === 'module') {
    const functions = Object.fromEntries(FUNCTIONS.map((f) => [f, `module:${HOOK_MODULE}`]));
    return { env: { TRIGGER_FUNCTIONS: JSON.stringify(functions) }, badSignatures: () => 0, stop: async () => undefined };
  }
  if (transport === 'webhook') {
    const secret = randomBytes(24).toString('hex');
    let bad = 0;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (!verifyWebhookSignature(secret, req.headers[SIGNATURE_HEADER] as string | undefined, body)) {
          bad++;
          res.writeHead(401).end();
          return;
        }
        void handleWebhook(handlers, String(req.headers['x-cairn-trigger']), JSON.parse(body)).then((answer) => {
          if (!res.writableEnded) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
    const functions = Object.fromEntries(FUNCTIONS.map((f) => [f, { url: `${url}/${f}`, secret }]));
    return {
      env: { TRIGGER_FUNCTIONS: JSON.stringify(functions) },
      badSignatures: () => bad,
      stop: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }
  const topic = uniqueTopic('hooks');
  const replies = uniqueTopic('replies');
  const events = uniqueTopic('events');
  const consumer: TriggerConsumer = await runTriggerConsumer({ brokers: kafkaBrokers(), topic, groupId: `hooks-${randomBytes(3).toString('hex')}`, handlers });
  const functions = Object.fromEntries(FUNCTIONS.map((f) => [f, `kafka:${topic}`]));
  return {
    env: { TRIGGER_FUNCTIONS: JSON.stringify(functions), KAFKA_BROKERS: kafkaBrokers().join(','), TRIGGER_REPLY_TOPIC: replies, KAFKA_TOPIC: events },
    badSignatures: () => 0,
    stop: async () => {
      await consumer.stop();
      await Promise.all([topic, replies, events].map((t) => deleteTopic(t).catch(() => undefined)));
    },
  };
}
