import { fold } from '../shared/decider.js';
import { InvalidParameterError, ResourceConflictError } from '../shared/domain-error.js';
import type { SigningKeyEvent } from './signing-key.events.js';
import {
  type NewKeyMaterial,
  type RotationPolicy,
  maintenanceDue,
  publishedAt,
  signerAt,
  signingKeysDecider,
  type SigningKeysCommand,
} from './signing-keys.decider.js';

const POOL = 'us-east-1_AbCdEfGhI';
const policy: RotationPolicy = { publishLeadSeconds: 3600, rotationPeriodSeconds: 30 * 86400, maxTokenLifetimeSeconds: 86400, clockSkewSeconds: 300 };
const T0 = '2026-01-01T00:00:00.000Z';
const at = (base: string, seconds: number) => new Date(Date.parse(base) + seconds * 1000).toISOString();
const material = (kid: string): NewKeyMaterial => ({ kid, publicJwk: { kty: 'RSA', n: `n-${kid}`, e: 'AQAB' }, encryptedPrivateKey: `v1.iv.${kid}.tag` });
const rotate = (now: string, extra: Partial<SigningKeysCommand> = {}): SigningKeysCommand => ({
  type: 'RotateSigningKeys',
  poolId: POOL,
  now,
  policy,
  force: false,
  ...extra,
});

/** given past events, when a command, then the new events (and the state after them). */
function given(events: SigningKeyEvent[]) {
  return {
    when(command: SigningKeysCommand) {
      const state = fold(signingKeysDecider, events);
      const produced = signingKeysDecider.decide(command, state);
      return { produced, after: fold(signingKeysDecider, [...events, ...produced]) };
    },
  };
}

const created = (kid: string, createdAt: string, activatesAt: string): SigningKeyEvent => ({
  type: 'SigningKeyCreated',
  data: { poolId: POOL, kid, alg: 'RS256', publicJwk: material(kid).publicJwk, encryptedPrivateKey: material(kid).encryptedPrivateKey, createdAt, activatesAt },
});
const T1 = at(T0, 10 * 86400); // an admin rotation ten days in
const ACTIVE_B = at(T1, 3600);
const firstKey = created('A', T0, T0);
const rotated = [firstKey, created('B', T1, ACTIVE_B)];

describe('signing keys decider', () => {
  test('the first key of a pool is published and signs at once', () => {
    const { produced, after } = given([]).when(rotate(T0, { newKey: material('A') }));
    expect(produced).toEqual([firstKey]);
    expect(signerAt(after, T0)?.kid).toBe('A');
    expect(publishedAt(after, T0).map((k) => k.kid)).toEqual(['A']);
  });

  test('nothing is due while the signing key is younger than the rotation period; offered material is ignored', () => {
    expect(given([firstKey]).when(rotate(at(T0, 29 * 86400), { newKey: material('X') })).produced).toEqual([]);
    expect(maintenanceDue(fold(signingKeysDecider, [firstKey]), at(T0, 29 * 86400), policy)).toBe(false);
  });

  test('a rotated key is published at once but signs only after the publish lead', () => {
    const { produced, after } = given([firstKey]).when(rotate(T1, { force: true, newKey: material('B') }));
    expect(produced).toEqual([created('B', T1, ACTIVE_B)]);
    expect(publishedAt(after, T1).map((k) => k.kid)).toEqual(['A', 'B']);
    expect(signerAt(after, T1)?.kid).toBe('A');
    expect(signerAt(after, at(ACTIVE_B, -1))?.kid).toBe('A');
    expect(signerAt(after, ACTIVE_B)?.kid).toBe('B');
  });

  test('a scheduled rotation happens once the signing key reaches the rotation period', () => {
    const due = at(T0, policy.rotationPeriodSeconds);
    expect(maintenanceDue(fold(signingKeysDecider, [firstKey]), due, policy)).toBe(true);
    expect(given([firstKey]).when(rotate(due, { newKey: material('B') })).produced).toEqual([created('B', due, at(due, 3600))]);
  });

  test('while a key is pending, another rotation (even forced) changes nothing', () => {
    expect(given(rotated).when(rotate(at(T1, 60), { force: true, newKey: material('C') })).produced).toEqual([]);
  });

  test('the old key is retired once its successor activates, and stays published until its tokens have expired', () => {
    expect(given(rotated).when(rotate(at(ACTIVE_B, -1))).produced).toEqual([]);
    const later = at(ACTIVE_B, 7200); // retirement is recorded lazily; retiredAt is still the hand-over
    const unpublishAt = at(ACTIVE_B, 86400 + 300);
    const { produced, after } = given(rotated).when(rotate(later));
    expect(produced).toEqual([{ type: 'SigningKeyRetired', data: { poolId: POOL, kid: 'A', supersededBy: 'B', retiredAt: ACTIVE_B, unpublishAt } }]);
    expect(signerAt(after, later)?.kid).toBe('B');
    expect(publishedAt(after, at(unpublishAt, -0.001)).map((k) => k.kid)).toEqual(['A', 'B']);
    expect(publishedAt(after, unpublishAt).map((k) => k.kid)).toEqual(['B']);
    expect(given([...rotated, ...produced]).when(rotate(at(later, 60))).produced).toEqual([]);
  });

  test('signer selection over time, including before the first key exists', () => {
    const state = fold(signingKeysDecider, rotated);
    expect(signerAt(state, at(T0, -1))).toBeUndefined();
    expect(publishedAt(state, at(T0, -1))).toEqual([]);
    expect([T0, T1, at(ACTIVE_B, -1), ACTIVE_B, at(ACTIVE_B, 86400 * 365)].map((t) => signerAt(state, t)?.kid)).toEqual(['A', 'A', 'A', 'B', 'B']);
  });

  test('a due key without material is refused, and a kid cannot be reused', () => {
    expect(() => given([]).when(rotate(T0))).toThrow(InvalidParameterError);
    expect(() => given([firstKey]).when(rotate(T1, { force: true, newKey: material('A') }))).toThrow(ResourceConflictError);
  });
});
