import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetLogDeliveryConfigurationCommand,
  InitiateAuthCommand,
  type LogConfigurationType,
  SetLogDeliveryConfigurationCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { deleteTopic, kafkaBrokers, TopicReader, uniqueTopic } from '../support/kafka.js';
import { rejection, sdkClient, wire } from './support.js';

const PASSWORD = 'Correct-Horse-9';
const ACCOUNT = '123456789012';
const WEBHOOK_GROUP = 'cognito-notifications';
const groupArn = (name: string) => `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${name}`;

interface Posted {
  logGroupName: string;
  logStreamName: string;
  logEvents: Array<{ timestamp: number; message: string }>;
}

/**
 * Issue 12, point 5: Set/GetLogDeliveryConfiguration with Cognito's shapes and errors, and the
 * records delivered: an S3 bucket as a folder, a CloudWatch Logs group as a webhook (or a folder
 * when unmapped), a Firehose stream as a Kafka topic; none carries a password, code or token.
 */
describe('log delivery: Set/GetLogDeliveryConfiguration and the delivered records', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let dir: string;
  let receiver: Server;
  const posted: Posted[] = [];
  const firehose = uniqueTopic('log-delivery');
  const eventsTopic = uniqueTopic('log-delivery-events');
  const secrets: string[] = [PASSWORD, 'Wrong-Horse-1'];

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string, status: error.$metadata?.httpStatusCode as number };
  };
  const set = (UserPoolId: string, LogConfigurations: LogConfigurationType[]) =>
    admin.send(new SetLogDeliveryConfigurationCommand({ UserPoolId, LogConfigurations }));
  const get = async (UserPoolId: string) => (await admin.send(new GetLogDeliveryConfigurationCommand({ UserPoolId }))).LogDeliveryConfiguration;
  const pool = async (name: string) => {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: name, AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    return { poolId, clientId };
  };
  const signIn = (clientId: string, username: string, password: string) =>
    anonymous
      .send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }))
      .then(
        (r) => {
          const tokens = r.AuthenticationResult!;
          secrets.push(tokens.AccessToken!, tokens.IdToken!, tokens.RefreshToken!);
          return 'Pass';
        },
        () => 'Fail',
      );
  const latestCode = async (poolId: string, username: string) => {
    const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, { authorization: adminAuth });
    return /(\d{6})/.exec(r.body.messages[0]?.body ?? '')![1];
  };
  const lines = async (path: string) =>
    (await readFile(join(dir, path), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await sleep(100);
    }
  }
  const noSecretIn = (text: string) => {
    for (const secret of secrets) expect(text).not.toContain(secret);
    // No member that holds one either (a flow named USER_PASSWORD_AUTH is fine).
    expect(text).not.toMatch(/"[a-z]*(password|code|codeHash|token|secret)"\s*:/i);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-log-delivery-'));
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        posted.push(JSON.parse(body) as Posted);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/logs`;
    app = await startApp('pglite', {
      LOG_DELIVERY_DIR: dir,
      LOG_DELIVERY_WEBHOOKS: JSON.stringify({ [WEBHOOK_GROUP]: webhook }),
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: eventsTopic,
    });
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
  });
  afterAll(async () => {
    await app?.destroy();
    await new Promise((resolve) => receiver?.close(resolve));
    await rm(dir, { recursive: true, force: true });
    await deleteTopic(firehose).catch(() => undefined);
    await deleteTopic(eventsTopic).catch(() => undefined);
  });

  test('get shows what was set (nothing at first), a set replaces the whole list, an empty list clears it', async () => {
    const { poolId } = await pool('configured');
    expect(await get(poolId)).toEqual({ UserPoolId: poolId, LogConfigurations: [] });
    const both: LogConfigurationType[] = [
      { LogLevel: 'ERROR', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: groupArn('notes') } },
      { LogLevel: 'INFO', EventSource: 'userAuthEvents', S3Configuration: { BucketArn: 'arn:aws:s3:::auth-logs' } },
    ];
    expect((await set(poolId, both)).LogDeliveryConfiguration).toEqual({ UserPoolId: poolId, LogConfigurations: both });
    expect(await get(poolId)).toEqual({ UserPoolId: poolId, LogConfigurations: both });
    const firehoseOnly: LogConfigurationType[] = [
      { LogLevel: 'INFO', EventSource: 'userAuthEvents', FirehoseConfiguration: { StreamArn: `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/auth` } },
    ];
    await set(poolId, firehoseOnly);
    expect(await get(poolId)).toEqual({ UserPoolId: poolId, LogConfigurations: firehoseOnly });
    await set(poolId, []);
    expect(await get(poolId)).toEqual({ UserPoolId: poolId, LogConfigurations: [] });
  });

  test("Cognito's errors: unknown pool, bad source or level, too many configurations, destinations that do not fit", async () => {
    const { poolId } = await pool('refused');
    const auth = (extra: Partial<LogConfigurationType>) =>
      ({ LogLevel: 'INFO', EventSource: 'userAuthEvents', S3Configuration: { BucketArn: 'arn:aws:s3:::bucket-one' }, ...extra }) as LogConfigurationType;
    expect(await failure(set('eu-west-1_nothere', [auth({})]))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(await failure(admin.send(new GetLogDeliveryConfigurationCommand({ UserPoolId: 'eu-west-1_nothere' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await failure(set(poolId, [auth({ EventSource: 'userEverything' as never })]))).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message:
        "1 validation error detected: Value 'userEverything' at 'logConfigurations.0.eventSource' failed to satisfy constraint: Member must satisfy enum value set: [userNotification, userAuthEvents]",
    });
    expect(await failure(set(poolId, [auth({ LogLevel: 'DEBUG' as never })]))).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining("at 'logConfigurations.0.logLevel' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, INFO]"),
    });
    expect(await failure(set(poolId, [auth({}), auth({}), auth({})]))).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining("at 'logConfigurations' failed to satisfy constraint: Member must have length less than or equal to 2"),
    });
    expect(await failure(set(poolId, [auth({}), auth({ S3Configuration: { BucketArn: 'arn:aws:s3:::bucket-two' } })]))).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Only one log configuration per event source is allowed.',
    });
    expect(await failure(set(poolId, [auth({ S3Configuration: { BucketArn: 'not an arn' } })]))).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining(
        "at 'logConfigurations.0.s3Configuration.bucketArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
      ),
    });
    expect(await failure(set(poolId, [auth({ LogLevel: 'ERROR' })]))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'userAuthEvents logs are delivered at log level INFO.',
    });
    expect(await failure(set(poolId, [auth({ EventSource: 'userNotification', LogLevel: 'ERROR' })]))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'userNotification logs are delivered to a CloudWatchLogsConfiguration only.',
    });
    expect(await failure(set(poolId, [{ LogLevel: 'INFO', EventSource: 'userAuthEvents' }]))).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/exactly one destination/),
    });
    const unsigned = await wire(app.url, 'AWSCognitoIdentityProviderService.GetLogDeliveryConfiguration', JSON.stringify({ UserPoolId: poolId }));
    expect({ status: unsigned.status, type: unsigned.body.__type }).toEqual({ status: 400, type: 'MissingAuthenticationTokenException' });
    // Nothing refused was stored.
    expect(await get(poolId)).toEqual({ UserPoolId: poolId, LogConfigurations: [] });
  });

  test('sign-ins reach the bucket folder and a sent code the log group webhook, from the set on, with no secret', async () => {
    const { poolId, clientId } = await pool('delivered');
    // Before the configuration: not delivered.
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'early', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'early@example.com' }] }),
    );
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'early' }));
    expect(await signIn(clientId, 'early', PASSWORD)).toBe('Pass');

    await set(poolId, [
      { LogLevel: 'INFO', EventSource: 'userAuthEvents', S3Configuration: { BucketArn: 'arn:aws:s3:::auth-logs' } },
      { LogLevel: 'INFO', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: groupArn(WEBHOOK_GROUP) } },
    ]);
    const sub = (
      await anonymous.send(
        new SignUpCommand({ ClientId: clientId, Username: 'ana', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'ana@example.com' }] }),
      )
    ).UserSub!;
    const code = await latestCode(poolId, 'ana');
    secrets.push(code);
    await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ana', ConfirmationCode: code }));
    expect(await signIn(clientId, 'ana', 'Wrong-Horse-1')).toBe('Fail');
    expect(await signIn(clientId, 'ana', PASSWORD)).toBe('Pass');

    const bucketFile = join('s3', 'auth-logs', poolId, 'userAuthEvents.jsonl');
    const auth = await until(
      'two sign-in records',
      () => lines(bucketFile),
      (l) => l.length >= 2,
    );
    expect(auth).toHaveLength(2);
    expect(auth.map((r) => r.eventResponse)).toEqual(['Fail', 'Pass']);
    for (const record of auth) {
      expect(record).toMatchObject({
        eventSource: 'USER_AUTH_EVENTS',
        logLevel: 'INFO',
        eventType: 'SignIn',
        userPoolId: poolId,
        userSub: sub,
        clientId,
        authFlow: 'USER_PASSWORD_AUTH',
        eventId: expect.any(String),
        eventTimestamp: expect.any(Number),
      });
    }
    noSecretIn(await readFile(join(dir, bucketFile), 'utf8'));

    const notes = await until(
      'the code-sent record',
      async () => posted.flatMap((p) => p.logEvents),
      (e) => e.length >= 1,
    );
    expect(posted[0]).toMatchObject({ logGroupName: WEBHOOK_GROUP, logStreamName: poolId });
    expect(notes).toHaveLength(1);
    expect(JSON.parse(notes[0].message)).toMatchObject({
      eventSource: 'USER_NOTIFICATION',
      logLevel: 'INFO',
      eventType: 'CodeSent',
      userPoolId: poolId,
      userSub: sub,
      purpose: 'SIGN_UP',
      deliveryMedium: 'EMAIL',
      destination: expect.stringMatching(/^a\*+@e\*+\.com$|\*/),
    });
    noSecretIn(JSON.stringify(posted));
    expect(JSON.stringify(posted)).not.toContain('ana@example.com');
  });

  test('a Firehose stream is a Kafka topic (keyed by pool); an unmapped log group is a folder', async () => {
    const { poolId, clientId } = await pool('streamed');
    await set(poolId, [
      {
        LogLevel: 'INFO',
        EventSource: 'userAuthEvents',
        FirehoseConfiguration: { StreamArn: `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/${firehose}` },
      },
      { LogLevel: 'INFO', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: groupArn('unmapped-group') } },
    ]);
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'bo', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'bo@example.com' }] }),
    );
    secrets.push(await latestCode(poolId, 'bo'));
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'bo' }));
    expect(await signIn(clientId, 'bo', PASSWORD)).toBe('Pass');

    const notes = await until(
      'the unmapped group file',
      () => lines(join('cloudwatch', 'unmapped-group', `${poolId}.jsonl`)),
      (l) => l.length >= 1,
    );
    expect(notes).toEqual([expect.objectContaining({ eventSource: 'USER_NOTIFICATION', eventType: 'CodeSent', userPoolId: poolId })]);

    // The worker creates the topic with its first delivery; read it from the beginning once it exists.
    const kafkaAdmin = new Kafka({ clientId: 'test-log-delivery', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect();
    try {
      await until(
        'the topic',
        () => kafkaAdmin.listTopics(),
        (topics) => topics.includes(firehose),
        30_000,
      );
    } finally {
      await kafkaAdmin.disconnect();
    }
    const topic = await TopicReader.start(firehose);
    try {
      const messages = await until(
        'the Kafka record',
        async () => topic.messages(),
        (m) => m.length >= 1,
        30_000,
      );
      expect(messages).toHaveLength(1);
      expect(messages[0].key).toBe(poolId);
      expect(JSON.parse(messages[0].raw)).toMatchObject({
        eventSource: 'USER_AUTH_EVENTS',
        eventType: 'SignIn',
        eventResponse: 'Pass',
        userPoolId: poolId,
        clientId,
      });
      noSecretIn(messages[0].raw);
    } finally {
      await topic.stop();
    }
  });
});
