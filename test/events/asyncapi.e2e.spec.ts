import { readFile, writeFile } from 'node:fs/promises';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  SignUpCommand,
  TagResourceCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Kafka, logLevel } from 'kafkajs';
import { EVENT_CATALOGUE } from '../../src/events/catalogue.js';
import { sdkClient } from '../cognito/support.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { type ForwardedMessage, TopicReader, kafkaBrokers } from '../support/kafka.js';
import { eventually } from '../support/wait.js';
import { ARN, type HookHost, hostHooks } from '../triggers/support.js';

/**
 * The AsyncAPI document: the served one is docs/asyncapi.json byte for byte (after a deliberate
 * change to an event type or the document, regenerate with
 *   WRITE_API_DOCS=1 npm run jest -- test/events/asyncapi.e2e.spec.ts
 * and commit docs/asyncapi.json), and what the app really publishes to Kafka, events and
 * trigger requests and replies, validates against it.
 */
const DOC = 'docs/asyncapi.json';
const write = process.env.WRITE_API_DOCS === '1';
const PASSWORD = 'Correct-Horse-9!';

test('GET /asyncapi.json is docs/asyncapi.json', async () => {
  const app = await startApp('pglite');
  try {
    const r = await call(app.url, 'GET', '/asyncapi.json');
    expect(r.status).toBe(200);
    const served = `${JSON.stringify(r.body, null, 2)}\n`;
    if (write) await writeFile(DOC, served);
    expect(served).toBe(await readFile(DOC, 'utf8'));
    expect(JSON.parse(served).asyncapi).toBe('3.0.0');
  } finally {
    await app.destroy();
  }
});

describe('messages published to Kafka validate against the served AsyncAPI document', () => {
  let host: HookHost;
  let app: RunningApp;
  let cognito: CognitoIdentityProviderClient;
  let schema: (message: string, part: 'payload' | 'headers') => ValidateFunction;
  let key: (message: string) => ValidateFunction;
  const readers: TopicReader[] = [];
  const topics = { events: '', requests: '', replies: '' };

  beforeAll(async () => {
    host = await hostHooks('kafka', {
      preSignUp: (event) => ({ ...event, response: event.userName === 'alice' ? { autoConfirmUser: true, autoVerifyEmail: true } : {} }),
      postConfirmation: (event) => event,
      preAuthentication: (event) => event,
      postAuthentication: (event) => event,
      preTokenGeneration: (event) => ({ ...event, response: { claimsOverrideDetails: { claimsToAddOrOverride: { tier: 'gold' } } } }),
    });
    topics.events = host.env.KAFKA_TOPIC;
    topics.replies = host.env.TRIGGER_REPLY_TOPIC;
    topics.requests = (Object.values(JSON.parse(host.env.TRIGGER_FUNCTIONS))[0] as string).replace(/^kafka:/, '');
    // Every topic exists before its reader subscribes from the beginning.
    const admin = new Kafka({ clientId: 'asyncapi-e2e', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [topics.events, topics.replies].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    });
    await admin.disconnect();
    for (const topic of Object.values(topics)) readers.push(await TopicReader.start(topic));
    app = await startApp('postgres', { ...host.env, TRIGGER_DEADLINE_MS: '5000' });
    cognito = sdkClient(app.url, { region: 'us-east-1' });

    const doc = (await call(app.url, 'GET', '/asyncapi.json')).body;
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'asyncapi');
    const compiled = (pointer: string) => {
      const validate = ajv.getSchema(`asyncapi#${pointer}`);
      if (!validate) throw new Error(`the document has no schema at ${pointer}`);
      return validate;
    };
    schema = (message, part) => compiled(`/components/messages/${message}/${part}`);
    key = (message) => compiled(`/components/messages/${message}/bindings/kafka/key`);
  }, 120_000);

  afterAll(async () => {
    for (const reader of readers) await reader.stop().catch(() => undefined);
    await app?.destroy();
    await host?.stop();
  });

  const errorsOf = (validate: ValidateFunction, value: unknown) => (validate(value) ? [] : validate.errors);

  test('events from a tour of the API, and the trigger requests and replies it caused', async () => {
    // A tour through pools, clients, users, sign-ins, groups and tags, with Kafka hooks on the way.
    const poolId = (
      await cognito.send(
        new CreateUserPoolCommand({
          PoolName: 'asyncapi',
          AutoVerifiedAttributes: ['email'],
          LambdaConfig: {
            PreSignUp: ARN('pre-sign-up'),
            PostConfirmation: ARN('post-confirmation'),
            PreAuthentication: ARN('pre-auth'),
            PostAuthentication: ARN('post-auth'),
            PreTokenGeneration: ARN('pre-token'),
          },
        }),
      )
    ).UserPool!.Id!;
    const clientId = (
      await cognito.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'server', GenerateSecret: true }));
    await cognito.send(
      new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    // The Kafka hooks may need a moment for the reply consumer to join: retry the first sign-up.
    await eventually(
      () =>
        cognito.send(
          new SignUpCommand({ ClientId: clientId, Username: 'alice', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] }),
        ),
      60_000,
    );
    await cognito.send(
      new SignUpCommand({ ClientId: clientId, Username: 'carol', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }] }),
    );
    const outbox = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=carol`, undefined, { authorization: adminAuth });
    const code = /(\d{6})/.exec(outbox.body.messages[0].body)![1];
    await cognito.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'carol', ConfirmationCode: code }));
    const signedIn = await cognito.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: PASSWORD } }),
    );
    await cognito
      .send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'Wrong-Horse-9!' } }))
      .catch(() => undefined);
    await cognito.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: signedIn.AuthenticationResult!.RefreshToken! },
      }),
    );
    await cognito.send(new GlobalSignOutCommand({ AccessToken: signedIn.AuthenticationResult!.AccessToken! }));
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'bob',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }],
      }),
    );
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'bob', Password: PASSWORD, Permanent: true }));
    await cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'bob', UserAttributes: [{ Name: 'name', Value: 'Bob' }] }));
    await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 1 }));
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'admins' }));
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'bob' }));
    await cognito.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'bob' }));
    await cognito.send(new TagResourceCommand({ ResourceArn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`, Tags: { env: 'test' } }));
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'bob' }));

    // Everything the log holds reaches the topic (the forwarder is at least once: there may be more).
    const logged = await app.platform.store.readAll({ maxCount: 100_000 });
    const events = await eventually(async () => {
      const seen = readers[0].messages();
      const ids = new Set(seen.map((m) => m.headers['event-id']));
      const missing = logged.filter((e) => !ids.has(e.metadata.eventId));
      if (missing.length > 0) throw new Error(`${missing.length} of ${logged.length} events not on the topic yet`);
      return seen;
    }, 60_000);

    expect(events.length).toBeGreaterThanOrEqual(logged.length);
    const types = new Set<string>();
    for (const message of events) {
      const type = message.headers['event-type'];
      types.add(type);
      expect([type, Object.hasOwn(EVENT_CATALOGUE, type)]).toEqual([type, true]);
      expect([type, 'payload', errorsOf(schema(type, 'payload'), message.value)]).toEqual([type, 'payload', []]);
      expect([type, 'headers', errorsOf(schema(type, 'headers'), message.headers)]).toEqual([type, 'headers', []]);
      expect([type, 'key', errorsOf(key(type), message.key), message.key]).toEqual([type, 'key', [], message.value.streamId]);
    }
    // The tour covers a good part of the catalogue: pools, clients, users, sign-ins, tokens, groups, tags, triggers.
    for (const type of [
      'UserPoolCreated',
      'UserPoolClientCreated',
      'UserPoolClientUpdated',
      'UserSignedUp',
      'ConfirmationCodeSent',
      'UserConfirmed',
      'SignInSucceeded',
      'SignInFailed',
      'RefreshTokenIssued',
      'UserSignedOutGlobally',
      'UserCreatedByAdmin',
      'PasswordChanged',
      'UserAttributesUpdated',
      'GroupCreated',
      'UserAddedToGroup',
      'UserDisabled',
      'UserEnabled',
      'UserPoolTagged',
      'UserDeleted',
      'TriggerAttempted',
    ]) {
      expect([type, types.has(type)]).toEqual([type, true]);
    }

    // The trigger requests and their replies, as the Kafka transport and the SDK sent them.
    const requests = readers[1].messages();
    const replies = readers[2].messages();
    const kinds = new Set<string>();
    const check = (message: ForwardedMessage, name: 'TriggerRequest' | 'TriggerReply') => {
      expect([name, errorsOf(schema(name, 'payload'), message.value)]).toEqual([name, []]);
      expect([name, 'key', errorsOf(key(name), message.key)]).toEqual([name, 'key', []]);
    };
    for (const request of requests) {
      check(request, 'TriggerRequest');
      expect(errorsOf(schema('TriggerRequest', 'headers'), request.headers)).toEqual([]);
      kinds.add((request.value as unknown as { kind: string }).kind);
    }
    for (const reply of replies) check(reply, 'TriggerReply');
    expect([...kinds].sort()).toEqual(['PostAuthentication', 'PostConfirmation', 'PreAuthentication', 'PreSignUp', 'PreTokenGeneration']);
    expect(replies.length).toBeGreaterThanOrEqual(5);
  }, 180_000);
});
