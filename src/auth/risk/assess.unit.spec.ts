import type { RiskConfiguration } from '../../user-pools/risk/risk.events.js';
import { type Attempt, type AuthFact, assessRisk, distanceKm, type RiskInputs } from './assess.js';

const PARIS = { lat: 48.86, lon: 2.35 };
const LONDON = { lat: 51.51, lon: -0.13 };
const SYDNEY = { lat: -33.87, lon: 151.21 };
const CHROME = 'Mozilla/5.0 Chrome/130';
const CURL = 'curl/8.5';

const past = (over: Partial<AuthFact> = {}): AuthFact => ({ at: '2026-01-01T08:00:00.000Z', outcome: 'pass', address: '203.0.113.7', device: CHROME, ...over });
const attempt = (over: Partial<Attempt> = {}): Attempt => ({
  address: '203.0.113.7',
  device: CHROME,
  now: '2026-01-01T12:00:00.000Z',
  userHasMfa: true,
  ...over,
});
const takeover = (eventAction: 'BLOCK' | 'MFA_IF_CONFIGURED' | 'MFA_REQUIRED' | 'NO_ACTION', notify = false): RiskConfiguration => ({
  accountTakeover: { actions: { Low: { eventAction, notify }, Medium: { eventAction, notify }, High: { eventAction, notify } } },
});
const given = (over: Partial<RiskInputs>): RiskInputs => ({ mode: 'ENFORCED', configuration: undefined, history: [past()], attempt: attempt(), ...over });

describe('the sign-in risk assessment (pure)', () => {
  test('threat protection off: nothing is assessed', () => {
    expect(assessRisk(given({ mode: 'OFF', attempt: attempt({ device: CURL, compromised: true }) }))).toEqual({
      decision: 'NoRisk',
      reasons: [],
      compromised: false,
      action: 'ALLOW',
      notify: false,
    });
  });

  test('a known device from a known address is no risk; a first sign-in has nothing to compare with', () => {
    expect(assessRisk(given({})).decision).toBe('NoRisk');
    expect(assessRisk(given({ history: [], attempt: attempt({ device: CURL, address: '198.51.100.1' }) })).decision).toBe('NoRisk');
  });

  test('a new device or a new address is Low, both are Medium, impossible travel is High', () => {
    expect(assessRisk(given({ attempt: attempt({ device: CURL }) }))).toMatchObject({ decision: 'AccountTakeover', level: 'Low', reasons: ['NEW_DEVICE'] });
    expect(assessRisk(given({ attempt: attempt({ address: '198.51.100.1' }) }))).toMatchObject({ level: 'Low', reasons: ['NEW_ADDRESS'] });
    expect(assessRisk(given({ attempt: attempt({ device: CURL, address: '198.51.100.1' }) }))).toMatchObject({ level: 'Medium' });
    // Paris at 08:00, Sydney at 12:00: about 17,000 km in four hours.
    const travel = given({ history: [past({ location: PARIS })], attempt: attempt({ address: '198.51.100.1', location: SYDNEY }) });
    expect(assessRisk(travel)).toMatchObject({ level: 'High', reasons: ['NEW_ADDRESS', 'IMPOSSIBLE_TRAVEL'] });
    // Paris to London in four hours is a train ride.
    const train = given({ history: [past({ location: PARIS })], attempt: attempt({ address: '198.51.100.1', location: LONDON }) });
    expect(assessRisk(train).level).toBe('Low');
    expect(distanceKm(PARIS, LONDON)).toBeGreaterThan(300);
    expect(distanceKm(PARIS, LONDON)).toBeLessThan(400);
  });

  test('failed attempts and entries reported as not the user teach nothing; confirmed ones do', () => {
    const seenOnlyFailing = given({ history: [past(), past({ outcome: 'fail', device: CURL })], attempt: attempt({ device: CURL }) });
    expect(assessRisk(seenOnlyFailing).level).toBe('Low');
    const confirmed = given({ history: [past(), past({ outcome: 'fail', device: CURL, feedback: 'Valid' })], attempt: attempt({ device: CURL }) });
    expect(assessRisk(confirmed).decision).toBe('NoRisk');
    const denied = given({ history: [past(), past({ device: CURL, feedback: 'Invalid' })], attempt: attempt({ device: CURL }) });
    expect(assessRisk(denied).level).toBe('Low');
  });

  test("the level's configured action: BLOCK, MFA, NO_ACTION with Notify; MFA_REQUIRED without MFA blocks", () => {
    const newDevice = attempt({ device: CURL });
    expect(assessRisk(given({ configuration: takeover('BLOCK', true), attempt: newDevice }))).toMatchObject({
      decision: 'Block',
      action: 'BLOCK',
      notify: true,
    });
    expect(assessRisk(given({ configuration: takeover('MFA_IF_CONFIGURED'), attempt: newDevice }))).toMatchObject({ action: 'MFA_IF_CONFIGURED' });
    expect(assessRisk(given({ configuration: takeover('MFA_REQUIRED'), attempt: newDevice }))).toMatchObject({
      decision: 'AccountTakeover',
      action: 'MFA_REQUIRED',
    });
    expect(assessRisk(given({ configuration: takeover('MFA_REQUIRED'), attempt: { ...newDevice, userHasMfa: false } }))).toMatchObject({
      decision: 'Block',
      action: 'BLOCK',
    });
    expect(assessRisk(given({ configuration: takeover('NO_ACTION', true), attempt: newDevice }))).toMatchObject({ action: 'ALLOW', notify: true });
    // Without a configuration: Cognito's defaults here, no action.
    expect(assessRisk(given({ attempt: newDevice }))).toMatchObject({ level: 'Low', action: 'ALLOW', notify: false });
  });

  test('AUDIT assesses and records, and never acts', () => {
    const audit = assessRisk(given({ mode: 'AUDIT', configuration: takeover('BLOCK', true), attempt: attempt({ device: CURL }) }));
    expect(audit).toMatchObject({ decision: 'AccountTakeover', level: 'Low', action: 'ALLOW', notify: false });
  });

  test('compromised credentials: detected always, blocked only with BLOCK in ENFORCED mode', () => {
    const block: RiskConfiguration = { compromisedCredentials: { eventFilter: ['SIGN_IN'], eventAction: 'BLOCK' } };
    expect(assessRisk(given({ configuration: block, attempt: attempt({ compromised: true }) }))).toMatchObject({
      decision: 'NoRisk',
      compromised: true,
      action: 'BLOCK_COMPROMISED',
      reasons: ['COMPROMISED_CREDENTIALS'],
    });
    expect(assessRisk(given({ mode: 'AUDIT', configuration: block, attempt: attempt({ compromised: true }) }))).toMatchObject({
      compromised: true,
      action: 'ALLOW',
    });
    const allow: RiskConfiguration = { compromisedCredentials: { eventFilter: ['SIGN_IN'], eventAction: 'NO_ACTION' } };
    expect(assessRisk(given({ configuration: allow, attempt: attempt({ compromised: true }) }))).toMatchObject({ compromised: true, action: 'ALLOW' });
    expect(assessRisk(given({ configuration: block, attempt: attempt({ compromised: false }) })).action).toBe('ALLOW');
  });

  test('the IP exceptions: a blocked range always blocks, a skipped range is never a risk', () => {
    const exceptions: RiskConfiguration = {
      ...takeover('BLOCK'),
      riskExceptions: { blockedIpRanges: ['192.0.2.0/24'], skippedIpRanges: ['198.51.100.0/24', '2001:db8::/32'] },
    };
    expect(assessRisk(given({ configuration: exceptions, attempt: attempt({ address: '192.0.2.9' }) }))).toMatchObject({ decision: 'Block', action: 'BLOCK' });
    expect(assessRisk(given({ configuration: exceptions, attempt: attempt({ address: '198.51.100.9', device: CURL }) }))).toMatchObject({
      decision: 'NoRisk',
      action: 'ALLOW',
    });
    expect(assessRisk(given({ configuration: exceptions, attempt: attempt({ address: '2001:db8::1', device: CURL }) })).decision).toBe('NoRisk');
    expect(assessRisk(given({ configuration: exceptions, attempt: attempt({ address: '203.0.113.99' }) }))).toMatchObject({ decision: 'Block', level: 'Low' });
  });
});
