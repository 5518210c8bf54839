import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { asyncApiDocument, catalogueTypes } from '../../src/events/asyncapi.js';
import { EVENT_CATALOGUE } from '../../src/events/catalogue.js';
import { SECRET_FIELDS } from '../../src/events/redaction.js';

type Doc = {
  channels: Record<string, { messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { messages: { $ref: string }[] }>;
  components: { messages: Record<string, { payload: unknown; headers?: unknown; examples?: { headers?: unknown; payload: unknown }[] }> };
};

const doc = asyncApiDocument() as unknown as Doc;

/** Validators of each message's payload and headers, against the document itself (its $refs resolve inside it). */
function validators(): (message: string, part: 'payload' | 'headers') => ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema(asyncApiDocument(), 'asyncapi');
  return (message, part) => {
    const validate = ajv.getSchema(`asyncapi#/components/messages/${message}/${part}`);
    if (!validate) throw new Error(`no ${part} schema for ${message}`);
    return validate;
  };
}

describe('AsyncAPI document of the event stream', () => {
  test('is a valid AsyncAPI 3.0 document (the specification’s JSON schema)', () => {
    const specSchema = createRequire(import.meta.url)('@asyncapi/specs/schemas/3.0.0.json') as object;
    // The specification's schema bundles the draft-07 meta-schema itself: ajv's own copy would clash with it.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, meta: false, validateSchema: false });
    const validate = ajv.compile(specSchema);
    const valid = validate(asyncApiDocument());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The check has teeth: a malformed channel is refused.
    expect(validate({ ...asyncApiDocument(), channels: { broken: { address: 42 } } })).toBe(false);
  });

  test('every catalogued event type is a message of the events channel and of the publish operation', () => {
    const types = Object.keys(EVENT_CATALOGUE);
    expect(types.length).toBeGreaterThan(90);
    expect(catalogueTypes()).toEqual([...types].sort((a, b) => a.localeCompare(b)));
    const published = new Set(doc.operations.publishEvents.messages.map((m) => m.$ref));
    for (const type of types) {
      expect([type, doc.channels.events.messages[type]?.$ref]).toEqual([type, `#/components/messages/${type}`]);
      expect([type, published.has(`#/channels/events/messages/${type}`)]).toEqual([type, true]);
      const payload = doc.components.messages[type].payload as { properties: { type: { const: string }; data: { type?: string } } };
      expect([type, payload.properties.type.const, payload.properties.data.type]).toEqual([type, type, 'object']);
    }
    // Nothing else on the events channel.
    expect(Object.keys(doc.channels.events.messages).sort()).toEqual([...types].sort());
  });

  test("every event's example (as the forwarder publishes it) validates against its message's payload and headers", () => {
    const schema = validators();
    for (const type of Object.keys(EVENT_CATALOGUE)) {
      const example = doc.components.messages[type].examples![0];
      for (const [part, value] of [
        ['payload', example.payload],
        ['headers', example.headers],
      ] as const) {
        const validate = schema(type, part);
        expect([type, part, validate(value) ? [] : validate.errors]).toEqual([type, part, []]);
      }
    }
  });

  test("an event of another type, a missing data member or a field the type doesn't declare is refused", () => {
    const schema = validators();
    const payload = structuredClone(doc.components.messages.UserSignedUp.examples![0].payload) as Record<string, Record<string, unknown>>;
    expect(schema('UserSignedUp', 'payload')(payload)).toBe(true);
    expect(schema('UserConfirmed', 'payload')(payload)).toBe(false);
    expect(schema('UserSignedUp', 'payload')({ ...payload, data: { ...payload.data, undeclared: 1 } })).toBe(false);
    const { username: _dropped, ...withoutUsername } = payload.data;
    expect(schema('UserSignedUp', 'payload')({ ...payload, data: withoutUsername })).toBe(false);
    expect(schema('UserSignedUp', 'payload')({ ...payload, metadata: { ...payload.metadata, eventId: undefined } })).toBe(false);
  });

  test('no secret field is in any schema (they are removed before an event leaves the log), and an event carrying one is refused', () => {
    const text = JSON.stringify(doc.components.messages);
    for (const field of SECRET_FIELDS) expect([field, text.includes(`"${field}"`)]).toEqual([field, false]);
    const schema = validators();
    const payload = structuredClone(doc.components.messages.UserSignedUp.examples![0].payload) as Record<string, Record<string, unknown>>;
    expect(schema('UserSignedUp', 'payload')({ ...payload, data: { ...payload.data, passwordHash: '$argon2id$...' } })).toBe(false);
  });

  test('the trigger request and reply messages are described, with the reply addressed by the request', () => {
    const schema = validators();
    const event = {
      version: '1',
      triggerSource: 'PreSignUp_SignUp',
      region: 'us-east-1',
      userPoolId: 'us-east-1_AbCdEfGhI',
      userName: 'alice',
      callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'abc' },
      request: { userAttributes: { email: 'a@example.com' } },
      response: {},
    };
    const request = { correlationId: 'c1', replyTopic: 'cairn.trigger-replies', kind: 'PreSignUp', event, deadline: Date.now() + 5000 };
    expect(schema('TriggerRequest', 'payload')(request)).toBe(true);
    expect(schema('TriggerRequest', 'payload')({ ...request, kind: 'NoSuchKind' })).toBe(false);
    expect(schema('TriggerReply', 'payload')({ correlationId: 'c1', event })).toBe(true);
    expect(schema('TriggerReply', 'payload')({ correlationId: 'c1', errorMessage: 'no' })).toBe(true);
    expect(schema('TriggerReply', 'payload')({ errorMessage: 'no' })).toBe(false);
  });
});
