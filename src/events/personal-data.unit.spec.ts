import { EVENT_CATALOGUE } from './catalogue.js';
import { ERASED, erasedUsername, PERSONAL_DATA_FIELDS, placeholder } from './personal-data.js';
import { subjectOfStream } from '../event-store/personal-data-envelope.js';

/** Top-level field names that hold a person's data wherever they appear in an event. */
const PERSONAL_NAMES = new Set(['username', 'attributes', 'pending', 'destination', 'deviceName', 'friendlyDeviceName', 'ip', 'email', 'phoneNumber']);

/** Fields of those names that are not a person's (a pool's schema). */
const NOT_PERSONAL = new Set(['CustomAttributesAdded.attributes']);

describe('personal data in events (the erasure envelope list)', () => {
  test.each(Object.entries(EVENT_CATALOGUE))('%s: every field named like personal data is listed', (type, entry) => {
    const listed = PERSONAL_DATA_FIELDS[type] ?? {};
    const example = entry.example as Record<string, unknown>;
    const personal = Object.keys(example).filter((f) => PERSONAL_NAMES.has(f) && !NOT_PERSONAL.has(`${type}.${f}`));
    for (const field of personal) expect(`${type}.${field}: ${listed[field] ?? 'not listed'}`).not.toMatch(/not listed$/);
  });

  test('every listed type exists in the catalogue, with its listed fields in its example', () => {
    const known = new Set(Object.keys(EVENT_CATALOGUE));
    // A federated user's event is listed ahead of its catalogue entry (the context may not be built in this tree).
    for (const [type, fields] of Object.entries(PERSONAL_DATA_FIELDS).filter(([t]) => known.has(t))) {
      const example = EVENT_CATALOGUE[type as keyof typeof EVENT_CATALOGUE].example as Record<string, unknown>;
      for (const field of Object.keys(fields)) expect(`${type}.${field} ${field in example}`).toBe(`${type}.${field} true`);
    }
  });

  test('placeholders keep each field’s shape; erased usernames stay distinct per user', () => {
    expect(placeholder('text', 's')).toBe(ERASED);
    expect(placeholder('map', 's')).toEqual({});
    expect(placeholder('username', 'a')).toBe(erasedUsername('a'));
    expect(erasedUsername('a')).not.toBe(erasedUsername('b'));
  });

  test('the subject of a stream: the personal categories, pool ids with dashes, UUID subs only', () => {
    const sub = '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a';
    expect(subjectOfStream(`user-us-east-1_AbCdEfGhI-${sub}`)).toBe(`us-east-1_AbCdEfGhI/${sub}`);
    expect(subjectOfStream(`authlog-eu-west-1_X1-${sub}`)).toBe(`eu-west-1_X1/${sub}`);
    expect(subjectOfStream(`devices-eu-west-1_X1-${sub}`)).toBe(`eu-west-1_X1/${sub}`);
    expect(subjectOfStream('authlog-eu-west-1_X1-unknown')).toBeUndefined();
    expect(subjectOfStream(`userpool-eu-west-1_X1`)).toBeUndefined();
    expect(subjectOfStream(`group-eu-west-1_X1-${sub}`)).toBeUndefined();
  });
});
