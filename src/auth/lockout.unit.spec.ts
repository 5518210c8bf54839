import type { AuthLogEvent } from './auth-log.events.js';
import { FREE_ATTEMPTS, evolveLockout, initialLockout, lockedUntil } from './lockout.js';

const fail = (at: string, reason: 'WRONG_PASSWORD' | 'USER_NOT_CONFIRMED' = 'WRONG_PASSWORD'): AuthLogEvent => ({
  type: 'SignInFailed',
  data: { poolId: 'p', sub: 's', clientId: 'c', flow: 'USER_PASSWORD_AUTH', reason, at },
});
const ok: AuthLogEvent = { type: 'SignInSucceeded', data: { poolId: 'p', sub: 's', clientId: 'c', flow: 'USER_PASSWORD_AUTH', at: '2026-01-01T00:00:00.000Z' } };

describe('progressive lockout', () => {
  test(`${FREE_ATTEMPTS - 1} wrong passwords do not lock`, () => {
    const state = Array.from({ length: FREE_ATTEMPTS - 1 }, (_, i) => fail(`2026-01-01T00:00:0${i}.000Z`)).reduce(evolveLockout, initialLockout());
    expect(lockedUntil(state)).toBeUndefined();
  });
  test('from the fifth wrong password the lockout starts at 1 s and doubles', () => {
    let state = initialLockout();
    for (let i = 0; i < FREE_ATTEMPTS; i++) state = evolveLockout(state, fail('2026-01-01T00:00:10.000Z'));
    expect(lockedUntil(state)?.toISOString()).toBe('2026-01-01T00:00:11.000Z');
    state = evolveLockout(state, fail('2026-01-01T00:00:20.000Z'));
    expect(lockedUntil(state)?.toISOString()).toBe('2026-01-01T00:00:22.000Z');
    for (let i = 0; i < 30; i++) state = evolveLockout(state, fail('2026-01-01T01:00:00.000Z'));
    expect(lockedUntil(state)?.toISOString()).toBe('2026-01-01T01:15:00.000Z');
  });
  test('other failures do not count; a success resets', () => {
    let state = initialLockout();
    for (let i = 0; i < 10; i++) state = evolveLockout(state, fail('2026-01-01T00:00:10.000Z', 'USER_NOT_CONFIRMED'));
    expect(state.consecutiveFailures).toBe(0);
    for (let i = 0; i < 10; i++) state = evolveLockout(state, fail('2026-01-01T00:00:10.000Z'));
    expect(lockedUntil(evolveLockout(state, ok))).toBeUndefined();
  });
});
