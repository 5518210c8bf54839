import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { parseTriggerFunctions } from '../../src/config/trigger-functions.js';
import { runTriggerConsumer, verifyWebhookSignature } from '../../src/triggers/sdk/trigger-sdk.js';
import { TriggerDispatcher } from '../../src/triggers/trigger-dispatcher.js';
import type { TriggerCall } from '../../src/triggers/trigger.port.js';
import { KafkaTransport } from '../../src/triggers/transports/kafka.transport.js';
import { ModuleTransport } from '../../src/triggers/transports/module.transport.js';
import { SIGNATURE_HEADER, WebhookTransport } from '../../src/triggers/transports/webhook.transport.js';
import { deleteTopic, kafkaBrokers, uniqueTopic } from '../support/kafka.js';

const HOOKS = fileURLToPath(new URL('../fixtures/hooks/', import.meta.url));
const SECRET = randomBytes(24).toString('hex');
const ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const call = (kind: TriggerCall['kind'], lambdaConfig: TriggerCall['lambdaConfig'], request: Record<string, unknown> = {}): TriggerCall => ({
  kind,
  triggerSource: `${kind}_Test`,
  poolId: 'us-east-1_Hooks1234',
  region: 'us-east-1',
  lambdaConfig,
  userName: 'alice',
  clientId: 'client1',
  request,
});

/** The three transports behind one dispatcher, against real counterparts: modules, an HTTP receiver, a Kafka broker with an SDK consumer. */
describe('trigger dispatch', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let receiver: http.Server;
  let webhookUrl: string;
  const received: Array<{ signature: boolean; body: any }> = [];
  let topic: string;
  let replyTopic: string;
  let consumer: { stop(): Promise<void> };
  let dispatcher: TriggerDispatcher;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.open(db);
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const event = JSON.parse(body);
        received.push({ signature: verifyWebhookSignature(SECRET, req.headers[SIGNATURE_HEADER] as string, body), body: event });
        if (req.url === '/refuse') {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errorMessage: 'Not today' }));
        } else if (req.url === '/flaky' && received.filter((r) => r.body.triggerSource === event.triggerSource).length < 2) {
          res.writeHead(503).end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...event, response: { autoConfirmUser: true } }));
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    topic = uniqueTopic('hooks');
    replyTopic = uniqueTopic('replies');
    consumer = await runTriggerConsumer({
      brokers: kafkaBrokers(),
      topic,
      groupId: `hooks-${randomBytes(3).toString('hex')}`,
      handlers: {
        preSignUp: async (event) => ({ ...event, response: { autoVerifyEmail: true } }),
        postConfirmation: async () => {
          throw new Error('Kafka says no');
        },
      },
    });
    const functions = parseTriggerFunctions(
      JSON.stringify({
        sdk: `module:${HOOKS}hooks.mjs`,
        lambda: `module:${HOOKS}lambda-style.mjs`,
        web: { url: `${webhookUrl}/ok`, secret: SECRET },
        refuse: { url: `${webhookUrl}/refuse`, secret: SECRET },
        flaky: { url: `${webhookUrl}/flaky`, secret: SECRET },
        down: 'http://127.0.0.1:9/unreachable',
        queue: `kafka:${topic}`,
      }),
    );
    dispatcher = new TriggerDispatcher({
      functions,
      transports: { module: new ModuleTransport(), webhook: new WebhookTransport(), kafka: new KafkaTransport({ brokers: kafkaBrokers(), replyTopic }) },
      store,
      deadlineMs: 2000,
    });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await consumer?.stop();
    await new Promise((r) => receiver.close(r));
    await db?.close();
    await Promise.all([topic, replyTopic].map((t) => deleteTopic(t).catch(() => undefined)));
  });

  test('no hook configured: nothing is called', async () => {
    expect(await dispatcher.invoke(call('PreSignUp', {}))).toBeUndefined();
    expect(dispatcher.configured({ PreSignUp: ARN('sdk') }, 'PreSignUp')).toBe(true);
  });

  test('an in-process module answers; its refusal is UserLambdaValidationException with its message', async () => {
    expect(await dispatcher.invoke(call('PreSignUp', { PreSignUp: ARN('sdk') }, { userAttributes: { 'custom:auto': 'yes' } }))).toEqual({
      autoConfirmUser: true,
    });
    await expect(dispatcher.invoke(call('PreSignUp', { PreSignUp: ARN('sdk') }, { userAttributes: { email: 'x@blocked.test' } }))).rejects.toMatchObject({
      code: 'UserLambdaValidationException',
      message: 'PreSignUp failed with error Sign-ups from blocked.test are not allowed.',
    });
    expect(await dispatcher.invoke(call('PostConfirmation', { PostConfirmation: ARN('lambda') }))).toEqual({ seen: 'PostConfirmation_Test' });
  });

  test('a hook that never answers is UnexpectedLambdaException after the deadline; a malformed answer is InvalidLambdaResponseException', async () => {
    const started = Date.now();
    await expect(dispatcher.invoke(call('PreAuthentication', { PreAuthentication: ARN('sdk') }))).rejects.toMatchObject({ code: 'UnexpectedLambdaException' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await expect(dispatcher.invoke(call('CustomMessage', { CustomMessage: ARN('sdk') }))).rejects.toMatchObject({ code: 'InvalidLambdaResponseException' });
    await expect(dispatcher.invoke(call('PreSignUp', { PreSignUp: ARN('nowhere') }))).rejects.toMatchObject({ code: 'UnexpectedLambdaException' });
  });

  test('a webhook gets the Cognito event HMAC-signed; its 4xx refusal is final, a 5xx is retried', async () => {
    expect(await dispatcher.invoke(call('PreSignUp', { PreSignUp: ARN('web') }))).toEqual({ autoConfirmUser: true });
    const sent = received.at(-1)!;
    expect(sent.signature).toBe(true);
    expect(sent.body).toMatchObject({
      version: '1',
      triggerSource: 'PreSignUp_Test',
      region: 'us-east-1',
      userPoolId: 'us-east-1_Hooks1234',
      userName: 'alice',
      callerContext: { clientId: 'client1' },
      response: {},
    });
    await expect(dispatcher.invoke(call('PreSignUp', { PreSignUp: ARN('refuse') }))).rejects.toMatchObject({
      code: 'UserLambdaValidationException',
      message: 'PreSignUp failed with error Not today.',
    });
    const flaky = { ...call('PreSignUp', { PreSignUp: ARN('flaky') }), triggerSource: 'PreSignUp_Flaky' };
    expect(await dispatcher.invoke(flaky)).toEqual({ autoConfirmUser: true });
    expect(received.filter((r) => r.body.triggerSource === 'PreSignUp_Flaky')).toHaveLength(2);
    await expect(dispatcher.invoke(call('PreSignUp', { PreSignUp: ARN('down') }))).rejects.toMatchObject({ code: 'UnexpectedLambdaException' });
  });

  test('Kafka request/reply through the trigger SDK: an answer and a refusal', async () => {
    expect(await dispatcher.invoke(call('PreSignUp', { PreSignUp: ARN('queue') }))).toEqual({ autoVerifyEmail: true });
    await expect(dispatcher.invoke(call('PostConfirmation', { PostConfirmation: ARN('queue') }))).rejects.toMatchObject({
      code: 'UserLambdaValidationException',
      message: 'PostConfirmation failed with error Kafka says no.',
    });
  });

  test('Kafka: any number of instances share one reply topic, each reply reaches the instance that asked, and a handler that never answers holds up no one', async () => {
    const echoTopic = uniqueTopic('echo');
    const echo = await runTriggerConsumer({
      brokers: kafkaBrokers(),
      topic: echoTopic,
      groupId: `echo-${randomBytes(3).toString('hex')}`,
      handlers: {
        postAuthentication: (event) => (event.userName === 'stuck' ? new Promise(() => undefined) : { ...event, response: { echo: event.userName } }),
      },
    });
    const instances = [0, 1, 2].map(
      () =>
        new TriggerDispatcher({
          functions: parseTriggerFunctions(JSON.stringify({ echo: `kafka:${echoTopic}` })),
          transports: { module: new ModuleTransport(), webhook: new WebhookTransport(), kafka: new KafkaTransport({ brokers: kafkaBrokers(), replyTopic }) },
          deadlineMs: 10_000,
        }),
    );
    try {
      // Asked first, on the same partition: the consumer stops waiting for it at its deadline and serves the others meanwhile.
      let stuckSettled = false;
      const stuck = instances[0]
        .invoke({ ...call('PostAuthentication', { PostAuthentication: ARN('echo') }), userName: 'stuck' })
        .then(
          () => 'answered',
          (error: { code?: string }) => error.code,
        )
        .finally(() => (stuckSettled = true));
      const asks = instances.flatMap((instance, i) =>
        Array.from({ length: 10 }, (_, j) =>
          instance
            .invoke({ ...call('PostAuthentication', { PostAuthentication: ARN('echo') }), userName: `user-${i}-${j}` })
            .then((r) => [`user-${i}-${j}`, r?.echo]),
        ),
      );
      const answers = await Promise.all(asks);
      expect(answers).toHaveLength(30);
      expect(stuckSettled).toBe(false);
      for (const [asked, answered] of answers) expect(answered).toBe(asked);
      expect(await stuck).toBe('UnexpectedLambdaException');
    } finally {
      await Promise.all(instances.map((d) => d.close()));
      await echo.stop();
      await deleteTopic(echoTopic).catch(() => undefined);
    }
  });

  test('every attempt is an event on the pool trigger log', async () => {
    const log = await store.readStream('triggerlog-us-east-1_Hooks1234');
    const outcomes = log.map((e) => (e.data as { outcome: string }).outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['succeeded', 'refused', 'timed_out', 'malformed', 'unreachable']));
    const flaky = log
      .filter((e) => (e.data as { triggerSource: string }).triggerSource === 'PreSignUp_Flaky')
      .map((e) => e.data as { attempt: number; outcome: string });
    expect(flaky).toEqual([expect.objectContaining({ attempt: 1, outcome: 'unreachable' }), expect.objectContaining({ attempt: 2, outcome: 'succeeded' })]);
  });
});
