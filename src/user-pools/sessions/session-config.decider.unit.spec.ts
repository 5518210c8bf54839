import { fold } from '../../shared/decider.js';
import { isTracked, OperationNotEnabledError, sessionConfigDecider } from './session-config.decider.js';
import type { SessionConfigEvent } from './session-config.events.js';

const set = (userSessionTracking: 'ENABLED' | 'DISABLED', at: string, maxPerUser = 20): SessionConfigEvent => ({
  type: 'UserPoolSessionConfigurationSet',
  data: { poolId: 'p1', userSessionTracking, maxPerUser, at },
});

describe('session configuration decider', () => {
  test("Cognito's defaults until set: tracking off, 20 sessions per user", () => {
    expect(fold(sessionConfigDecider, [])).toMatchObject({ userSessionTracking: 'DISABLED', maxPerUser: 20 });
    expect(
      sessionConfigDecider.decide(
        { type: 'SetPoolSessionConfiguration', poolId: 'p1', userSessionTracking: 'DISABLED', maxPerUser: 20, now: 't' },
        fold(sessionConfigDecider, []),
      ),
    ).toEqual([]);
  });
  test('only sign-ins made while tracking was on are sessions, and only while it is on', () => {
    const on = fold(sessionConfigDecider, [set('ENABLED', '2026-01-02'), set('DISABLED', '2026-01-04'), set('ENABLED', '2026-01-06')]);
    expect(isTracked(on, '2026-01-01')).toBe(false);
    expect(isTracked(on, '2026-01-03')).toBe(true);
    expect(isTracked(on, '2026-01-05')).toBe(false);
    expect(isTracked(on, '2026-01-07')).toBe(true);
    const off = fold(sessionConfigDecider, [set('ENABLED', '2026-01-02'), set('DISABLED', '2026-01-04')]);
    expect(isTracked(off, '2026-01-03')).toBe(false);
  });
  test('a client setting needs tracking on; an unchanged one writes nothing', () => {
    const command = { type: 'SetClientSessionConfiguration' as const, poolId: 'p1', clientId: 'c1', maxValidityMinutes: 30, now: '2026-01-03' };
    expect(() => sessionConfigDecider.decide(command, fold(sessionConfigDecider, []))).toThrow(OperationNotEnabledError);
    const state = fold(sessionConfigDecider, [set('ENABLED', '2026-01-02')]);
    const events = sessionConfigDecider.decide(command, state);
    expect(events).toHaveLength(1);
    expect(sessionConfigDecider.decide(command, events.reduce(sessionConfigDecider.evolve, state))).toEqual([]);
  });
});
