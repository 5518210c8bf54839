import { EVENT_CATALOGUE } from './catalogue.js';
import {
  EVENT_DATA_SCHEMAS,
  EXPORTED_EVENT_SCHEMA,
  TRIGGER_KIND_SCHEMA,
  TRIGGER_REPLY_SCHEMA,
  TRIGGER_REQUEST_SCHEMA,
  type JsonSchema,
} from './event-schemas.generated.js';
import { SECRET_FIELDS, redactData } from './redaction.js';

/**
 * The AsyncAPI 3.0 document of the Kafka stream, built from the code: every catalogued event type
 * (src/events/catalogue.ts) is a message on the events topic, its payload the envelope the Kafka
 * forwarder publishes with the event's `data` schema in it. The schemas come from the TypeScript
 * types (src/events/event-schemas.generated.ts, written by scripts/event-schemas.ts), less the
 * fields `redactEvent` removes before an event leaves the log. The trigger request/reply topics
 * of the Kafka transport are in it too.
 *
 * Topic names are channel parameters with their defaults, so the document is the same for every
 * deployment and the copy in docs/asyncapi.json is checked against the served one byte for byte.
 */
export const ASYNCAPI_PATH = '/asyncapi.json';

const EVENTS_TOPIC_DEFAULT = 'cairn.events';
const REPLY_TOPIC_DEFAULT = 'cairn.trigger-replies';
const KAFKA_BINDING = '0.5.0';

const ref = (pointer: string) => ({ $ref: pointer });
const EXAMPLE_META = {
  eventId: '01938f2e-7c1a-7d4e-9b2f-3a4c5d6e7f80',
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: '0f0e0d0c-0b0a-4090-8070-605040302010',
  causationId: '0f0e0d0c-0b0a-4090-8070-605040302010',
  actor: { kind: 'admin', id: 'AKIAEXAMPLE0000000' },
};

/** The schema of what leaves the log: properties named in SECRET_FIELDS removed at any depth (as redactData does). */
export function redactSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(redactSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value)
          .filter(([name]) => !SECRET_FIELDS.has(name))
          .map(([name, sub]) => [name, redactSchema(sub)]),
      );
    } else if (keyword === 'required' && Array.isArray(value)) {
      out.required = value.filter((name: string) => !SECRET_FIELDS.has(name));
    } else {
      out[keyword] = redactSchema(value);
    }
  }
  return out;
}

/** The stream id pattern of a catalogue entry (its first word: some add a note in parentheses). */
const streamOf = (type: string) => EVENT_CATALOGUE[type as keyof typeof EVENT_CATALOGUE].stream;

function envelope(type: string): JsonSchema {
  const base = EXPORTED_EVENT_SCHEMA as { properties: Record<string, JsonSchema> } & JsonSchema;
  const data = EVENT_DATA_SCHEMAS[type];
  if (!data) throw new Error(`no data schema for the catalogued event type ${type}: run scripts/event-schemas.ts`);
  return {
    ...base,
    description: EVENT_CATALOGUE[type as keyof typeof EVENT_CATALOGUE].description,
    properties: {
      streamId: { ...base.properties.streamId, description: `The stream the event was appended to: ${streamOf(type)}. Also the message key.` },
      revision: { ...base.properties.revision, pattern: '^[0-9]+$', description: "The event's revision in its stream (0 for the first), as a decimal string." },
      position: { ...base.properties.position, pattern: '^[0-9]+/[0-9]+$', description: "The event's global position in the log, `commit/prepare`." },
      type: { type: 'string', const: type },
      data: redactSchema(data),
      metadata: ref('#/components/schemas/EventMetadata'),
    },
  };
}

function eventHeaders(type: string): JsonSchema {
  return {
    type: 'object',
    required: ['event-type', 'event-id', 'global-position'],
    properties: {
      'event-type': { type: 'string', const: type, description: 'The event type (the payload `type`), to route without parsing the payload.' },
      'event-id': {
        type: 'string',
        format: 'uuid',
        description: 'The event id (the payload `metadata.eventId`, UUID v7). Delivery is at least once: consumers dedupe on it.',
      },
      'global-position': { type: 'string', pattern: '^[0-9]+/[0-9]+$', description: 'The payload `position`.' },
    },
  };
}

function eventMessage(type: string): JsonSchema {
  const entry = EVENT_CATALOGUE[type as keyof typeof EVENT_CATALOGUE];
  const stream = entry.stream.split(' ')[0];
  return {
    name: type,
    title: type,
    summary: entry.description,
    contentType: 'application/json',
    headers: eventHeaders(type),
    payload: envelope(type),
    bindings: {
      kafka: {
        key: { type: 'string', description: `The stream id (${stream}): events of one stream keep their order on one partition.` },
        bindingVersion: KAFKA_BINDING,
      },
    },
    examples: [
      {
        name: `${type}Example`,
        headers: { 'event-type': type, 'event-id': EXAMPLE_META.eventId, 'global-position': '1234/5678' },
        payload: { streamId: stream, revision: '0', position: '1234/5678', type, data: redactData(entry.example), metadata: EXAMPLE_META },
      },
    ],
  };
}

/** The catalogued event types, sorted: the order of the document's messages. */
export function catalogueTypes(): string[] {
  return Object.keys(EVENT_CATALOGUE).sort((a, b) => a.localeCompare(b));
}

let built: JsonSchema | undefined;

export function asyncApiDocument(): JsonSchema {
  built ??= build();
  return built;
}

function build(): JsonSchema {
  const types = catalogueTypes();
  const exported = EXPORTED_EVENT_SCHEMA as { properties: Record<string, JsonSchema> };
  const request = TRIGGER_REQUEST_SCHEMA as { properties: Record<string, JsonSchema> } & JsonSchema;
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Cairn identity platform event stream',
      version: '1.0.0',
      description:
        'Every event of the log, published to Kafka by the Kafka forwarder in log order (per stream: the key is the stream id), ' +
        'with secret fields (hashes, ciphertexts, SRP verifiers) removed. Delivery is at least once: after a crash or a broker ' +
        'outage a batch can be sent again, so consumers dedupe on the `event-id` header (the payload `metadata.eventId`). ' +
        'A breaking change to an event payload is a new event type; old types keep their schema. ' +
        'Also here: the request/reply topics of the Kafka trigger transport (docs/triggers.md).',
    },
    defaultContentType: 'application/json',
    channels: {
      events: {
        address: '{eventsTopic}',
        title: 'Event stream',
        description: 'Every event of the log, once the broker acknowledged it (acks = all). Three partitions when the forwarder creates the topic.',
        parameters: { eventsTopic: { default: EVENTS_TOPIC_DEFAULT, description: 'KAFKA_TOPIC (default cairn.events).' } },
        messages: Object.fromEntries(types.map((type) => [type, ref(`#/components/messages/${type}`)])),
      },
      triggerRequests: {
        address: '{requestTopic}',
        title: 'Trigger requests',
        description:
          'Synchronous hook calls: one request per attempt, keyed by user name. The topic is the one a TRIGGER_FUNCTIONS entry names (`kafka:<topic>`).',
        parameters: { requestTopic: { description: 'The topic of the function the pool names in LambdaConfig.' } },
        messages: { TriggerRequest: ref('#/components/messages/TriggerRequest') },
      },
      triggerReplies: {
        address: '{replyTopic}',
        title: 'Trigger replies',
        description: "Hooks' answers. Every service instance reads the whole topic and settles the replies it waits for, by correlation id.",
        parameters: { replyTopic: { default: REPLY_TOPIC_DEFAULT, description: 'TRIGGER_REPLY_TOPIC (default cairn.trigger-replies).' } },
        messages: { TriggerReply: ref('#/components/messages/TriggerReply') },
      },
    },
    operations: {
      publishEvents: {
        action: 'send',
        title: 'Publish the log',
        summary: 'The Kafka forwarder (single-active) sends every event of the log, at least once, in log order per stream.',
        channel: ref('#/channels/events'),
        messages: types.map((type) => ref(`#/channels/events/messages/${type}`)),
      },
      requestTrigger: {
        action: 'send',
        title: 'Call a hook',
        summary: 'A command waits for the reply within the trigger deadline (TRIGGER_DEADLINE_MS, 5 s), over up to 3 attempts.',
        channel: ref('#/channels/triggerRequests'),
        messages: [ref('#/channels/triggerRequests/messages/TriggerRequest')],
        reply: {
          address: { location: '$message.payload#/replyTopic', description: 'The reply goes to the topic the request names.' },
          channel: ref('#/channels/triggerReplies'),
          messages: [ref('#/channels/triggerReplies/messages/TriggerReply')],
        },
      },
    },
    components: {
      schemas: { EventMetadata: exported.properties.metadata },
      messages: {
        ...Object.fromEntries(types.map((type) => [type, eventMessage(type)])),
        TriggerRequest: {
          name: 'TriggerRequest',
          title: 'Trigger request',
          summary: 'A Cognito-shaped Lambda trigger event for the hook of `kind`, with where and by when to answer.',
          contentType: 'application/json',
          headers: {
            type: 'object',
            required: ['correlation-id', 'reply-topic'],
            properties: {
              'correlation-id': { type: 'string', description: 'The payload `correlationId`.' },
              'reply-topic': { type: 'string', description: 'The payload `replyTopic`.' },
            },
          },
          payload: {
            ...request,
            properties: {
              ...request.properties,
              kind: TRIGGER_KIND_SCHEMA,
              deadline: { ...request.properties.deadline, description: 'Epoch milliseconds after which the service no longer waits for the reply.' },
            },
          },
          correlationId: { location: '$message.payload#/correlationId' },
          bindings: { kafka: { key: { type: 'string', description: 'The event `userName`.' }, bindingVersion: KAFKA_BINDING } },
        },
        TriggerReply: {
          name: 'TriggerReply',
          title: 'Trigger reply',
          summary: 'The event with `response` filled in (or just the response), or `errorMessage` to refuse the step.',
          contentType: 'application/json',
          payload: TRIGGER_REPLY_SCHEMA,
          correlationId: { location: '$message.payload#/correlationId' },
          bindings: { kafka: { key: { type: 'string', description: 'The correlation id.' }, bindingVersion: KAFKA_BINDING } },
        },
      },
    },
  };
}
