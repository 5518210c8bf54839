import { EVENT_CATALOGUE } from './catalogue.js';
import { SECRET_FIELDS, redactData } from './redaction.js';

describe('redaction of secrets before events leave the log', () => {
  test.each(Object.entries(EVENT_CATALOGUE))('%s: every secret field is redacted', (_type, entry) => {
    for (const field of entry.secretFields) expect(SECRET_FIELDS.has(field)).toBe(true);
    const redacted = JSON.stringify(redactData(entry.example));
    for (const field of entry.secretFields) expect(redacted).not.toContain(`"${field}"`);
  });
  test('nested and listed secrets are removed, the rest kept', () => {
    expect(redactData({ a: 1, passwordHash: 'x', nested: [{ codeHash: 'y', keep: true }] })).toEqual({ a: 1, nested: [{ keep: true }] });
  });
});
