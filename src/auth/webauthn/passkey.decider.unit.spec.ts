import { fold } from '../../shared/decider.js';
import { counterAccepted, type PasskeyCommand, passkeyDecider, MAX_PASSKEYS } from './passkey.decider.js';
import type { PasskeyEvent } from './passkey.events.js';
import { originAllowed } from './passkeys.js';

const at = '2026-01-01T00:00:00.000Z';
const started: PasskeyEvent = {
  type: 'PasskeyRegistrationStarted',
  data: { challenge: 'c1', relyingPartyId: 'example.com', clientId: 'client-a', expiresAt: '2026-01-01T00:05:00.000Z', at },
};
const credential = { credentialId: 'id-1', publicKey: 'pk', counter: 3, relyingPartyId: 'example.com', transports: ['internal'] };
const registered: PasskeyEvent = { type: 'PasskeyRegistered', data: { ...credential, at } };
const decide = (events: PasskeyEvent[], command: PasskeyCommand) => passkeyDecider.decide(command, fold(passkeyDecider, events));
const complete = (over: Partial<Extract<PasskeyCommand, { type: 'CompleteRegistration' }>> = {}): PasskeyCommand => ({
  type: 'CompleteRegistration',
  challenge: 'c1',
  clientId: 'client-a',
  credential,
  now: '2026-01-01T00:01:00.000Z',
  ...over,
});

describe('passkey decider', () => {
  test('a registration completes once, against the challenge started last, unexpired, through the same client', () => {
    expect(decide([started], complete())).toEqual([registered].map((e) => ({ ...e, data: { ...e.data, at: '2026-01-01T00:01:00.000Z' } })));
    expect(() => decide([], complete())).toThrow(expect.objectContaining({ code: 'WebAuthnChallengeNotFoundException' }));
    expect(() => decide([started], complete({ challenge: 'c0' }))).toThrow(expect.objectContaining({ code: 'WebAuthnChallengeNotFoundException' }));
    expect(() => decide([started], complete({ now: '2026-01-01T00:06:00.000Z' }))).toThrow(
      expect.objectContaining({ code: 'WebAuthnChallengeNotFoundException' }),
    );
    expect(() => decide([started], complete({ clientId: 'client-b' }))).toThrow(expect.objectContaining({ code: 'WebAuthnClientMismatchException' }));
    // Spent by the registration.
    expect(() => decide([started, registered], complete())).toThrow(expect.objectContaining({ code: 'WebAuthnChallengeNotFoundException' }));
    // The same credential twice.
    expect(() => decide([registered, started], complete())).toThrow(expect.objectContaining({ code: 'InvalidParameterException' }));
  });

  test('a sign-in moves the counter forward; the same or a lower value is refused; counters kept at zero pass', () => {
    expect(decide([started, registered], { type: 'UsePasskey', credentialId: 'id-1', counter: 4, now: at })).toHaveLength(1);
    expect(() => decide([started, registered], { type: 'UsePasskey', credentialId: 'id-1', counter: 3, now: at })).toThrow('Incorrect username or password.');
    expect(() => decide([started, registered], { type: 'UsePasskey', credentialId: 'other', counter: 9, now: at })).toThrow('Incorrect username or password.');
    expect([counterAccepted(0, 0), counterAccepted(0, 1), counterAccepted(5, 5), counterAccepted(5, 4), counterAccepted(5, 0)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test('deleting: a credential the user has, then never again; at most MAX_PASSKEYS registered', () => {
    const deleted = decide([started, registered], { type: 'DeletePasskey', credentialId: 'id-1', now: at });
    expect(deleted).toEqual([{ type: 'PasskeyDeleted', data: { credentialId: 'id-1', at } }]);
    expect(() => decide([started, registered, ...deleted], { type: 'DeletePasskey', credentialId: 'id-1', now: at })).toThrow(
      expect.objectContaining({ code: 'ResourceNotFoundException' }),
    );
    const many: PasskeyEvent[] = Array.from({ length: MAX_PASSKEYS }, (_, i) => ({
      type: 'PasskeyRegistered',
      data: { ...credential, credentialId: `id-${i}`, at },
    }));
    const start: PasskeyCommand = { type: 'StartRegistration', challenge: 'c2', relyingPartyId: 'example.com', clientId: 'client-a', expiresAt: at, now: at };
    expect(() => decide(many, start)).toThrow(expect.objectContaining({ code: 'LimitExceededException' }));
  });

  test("origins: the relying party's host or a subdomain, over HTTPS (HTTP for localhost only)", () => {
    expect(originAllowed('https://example.com', 'example.com')).toBe(true);
    expect(originAllowed('https://auth.example.com', 'example.com')).toBe(true);
    expect(originAllowed('https://auth.example.com:8443', 'example.com')).toBe(true);
    expect(originAllowed('http://example.com', 'example.com')).toBe(false);
    expect(originAllowed('https://badexample.com', 'example.com')).toBe(false);
    expect(originAllowed('https://example.com.evil.test', 'example.com')).toBe(false);
    expect(originAllowed('http://localhost:3000', 'localhost')).toBe(true);
    expect(originAllowed('https://example.com/path', 'example.com')).toBe(false);
    expect(originAllowed('not a url', 'example.com')).toBe(false);
  });
});
