import { canonicalJson, chainHash, eventDigest, isSealed, sealFields } from '../../src/event-store/event-hash.js';
import { sealSecrets } from '../../src/history/verify/export-file.js';

describe('the event digest (hash chain v1)', () => {
  test('canonical JSON follows RFC 8785: sorted keys, no whitespace, ECMAScript numbers, undefined dropped', () => {
    expect(canonicalJson({ b: 1, a: [true, null, undefined, 1e21, 0.1], c: undefined, é: 'x', A: -0 })).toBe(
      '{"A":0,"a":[true,null,null,1e+21,0.1],"b":1,"é":"x"}',
    );
    expect(canonicalJson({ at: new Date('2026-01-01T00:00:00.000Z') })).toBe('{"at":"2026-01-01T00:00:00.000Z"}');
    // Sorted by UTF-16 code units, as RFC 8785 says (an astral character sorts before U+FFFF).
    expect(canonicalJson({ '\uffff': 1, '😀': 2 })).toBe('{"😀":2,"\uffff":1}');
  });

  test('the digest is the same for the value sent and the value parsed back from the stored JSON', () => {
    const data = { username: 'alice', attributes: { email: 'a@example.com', z: 'last' }, n: 1.5, at: new Date(0), gone: undefined };
    const metadata = { eventId: 'e1', occurredAt: '2026-01-01T00:00:00.000Z', actor: { kind: 'system' } };
    const sent = eventDigest({ streamId: 's', eventId: 'e1', type: 'T', data, metadata });
    const storedBack = JSON.parse(JSON.stringify(data)) as unknown;
    expect(eventDigest({ streamId: 's', eventId: 'e1', type: 'T', data: storedBack, metadata })).toBe(sent);
    expect(eventDigest({ streamId: 'other', eventId: 'e1', type: 'T', data, metadata })).not.toBe(sent);
    expect(eventDigest({ streamId: 's', eventId: 'e1', type: 'T', data: { ...data, n: 2 }, metadata })).not.toBe(sent);
  });

  test('any top-level field can be sealed (withheld) without changing the digest; a redacted export seals every secret', () => {
    const data = { username: 'alice', passwordHash: '$argon2id$...', nested: [{ codeHash: 'abc', keep: 1 }], plain: { keep: true } };
    const input = { streamId: 's', eventId: 'e', type: 'T', metadata: {} };
    const withheld = sealFields(data, (field) => field === 'username') as Record<string, unknown>;
    expect(isSealed(withheld.username)).toBe(true);
    expect(eventDigest({ ...input, data: withheld })).toBe(eventDigest({ ...input, data }));
    // Sealing follows the secret-field list of redaction.ts whatever it holds when the export is made.
    const redacted = sealSecrets(data) as Record<string, unknown>;
    expect(isSealed(redacted.passwordHash)).toBe(true);
    expect(isSealed(redacted.nested)).toBe(true);
    expect(redacted).toMatchObject({ username: 'alice', plain: { keep: true } });
    expect(JSON.stringify(redacted)).not.toContain('argon2id');
    expect(eventDigest({ ...input, data: redacted })).toBe(eventDigest({ ...input, data }));
    expect(sealSecrets(redacted)).toEqual(redacted);
  });

  test("a link is sha256(previous hash ‖ digest), as es_append's sha256(v_prev || decode(digest, 'hex')) computes it", () => {
    // PostgreSQL: SELECT encode(sha256(decode(repeat('00', 32), 'hex') || decode(repeat('ab', 32), 'hex')), 'hex')
    expect(chainHash('00'.repeat(32), 'ab'.repeat(32))).toBe('debb3e7acfff6dd18d501042273629f0b79cb206bb8c24f59f62ddb80849403b');
  });
});
