import { fold } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { effectiveRiskConfiguration, inRange, parseCidr, riskDecider } from './risk.decider.js';
import type { RiskConfiguration, RiskEvent } from './risk.events.js';

const set = (configuration: RiskConfiguration | undefined, clientId?: string) => ({
  type: 'SetRiskConfiguration' as const,
  poolId: 'eu-west-1_Pool',
  ...(clientId ? { clientId } : {}),
  configuration,
  now: '2026-01-01T00:00:00.000Z',
});
const POOL: RiskConfiguration = { compromisedCredentials: { eventFilter: ['SIGN_IN'], eventAction: 'BLOCK' } };
const CLIENT: RiskConfiguration = { accountTakeover: { actions: { High: { eventAction: 'BLOCK', notify: false } } } };

describe('the risk configuration decider', () => {
  test('pool and client configurations; a client without its own inherits the pool’s; ids alone reset', () => {
    const events: RiskEvent[] = [...riskDecider.decide(set(POOL), riskDecider.initialState())];
    let state = fold(riskDecider, events);
    events.push(...riskDecider.decide(set(CLIENT, 'client1'), state));
    state = fold(riskDecider, events);
    expect(effectiveRiskConfiguration(state, 'client1')).toMatchObject({ clientId: 'client1', stored: { configuration: CLIENT } });
    expect(effectiveRiskConfiguration(state, 'client2')).toEqual({ stored: { configuration: POOL, at: '2026-01-01T00:00:00.000Z' } });
    events.push(...riskDecider.decide(set(undefined, 'client1'), state));
    state = fold(riskDecider, events);
    expect(effectiveRiskConfiguration(state, 'client1').stored?.configuration).toEqual(POOL);
    expect(riskDecider.decide(set(undefined, 'client1'), state)).toEqual([]);
    events.push(...riskDecider.decide(set(undefined), state));
    expect(fold(riskDecider, events).pool).toBeUndefined();
  });

  test("Cognito's rules: Notify needs a NotifyConfiguration; IP ranges must be CIDRs, at most 200", () => {
    const refused = (c: RiskConfiguration) => expect(() => riskDecider.decide(set(c), riskDecider.initialState())).toThrow(InvalidParameterError);
    refused({ accountTakeover: { actions: { Low: { eventAction: 'NO_ACTION', notify: true } } } });
    refused({ riskExceptions: { blockedIpRanges: ['10.0.0.0/33'], skippedIpRanges: [] } });
    refused({ riskExceptions: { blockedIpRanges: [], skippedIpRanges: ['not-an-address'] } });
    refused({ riskExceptions: { blockedIpRanges: Array.from({ length: 201 }, (_, i) => `10.0.${i % 250}.0/24`), skippedIpRanges: [] } });
    expect(
      riskDecider.decide(set({ riskExceptions: { blockedIpRanges: ['10.0.0.0/8', '2001:db8::/32'], skippedIpRanges: [] } }), riskDecider.initialState()),
    ).toHaveLength(1);
  });

  test('CIDR matching for IPv4, IPv6 and IPv4-mapped addresses', () => {
    expect(inRange('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inRange('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('2001:db8:1::5', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:db9::5', '2001:db8::/32')).toBe(false);
    expect(inRange('10.1.2.3', '2001:db8::/32')).toBe(false);
    expect(parseCidr('300.1.1.1')).toBeUndefined();
    expect(parseCidr('::1')).toMatchObject({ family: 6, prefix: 128, bits: 1n });
  });
});
