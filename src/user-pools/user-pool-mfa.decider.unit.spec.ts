import { fold } from '../shared/decider.js';
import { resolveMutableSettings } from './pool-settings.js';
import { userPoolDecider, type UserPoolCommand } from './user-pool.decider.js';
import type { PoolMfaFactors, UserPoolEvent } from './user-pool.events.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const created: UserPoolEvent = {
  type: 'UserPoolCreated',
  data: {
    poolId: 'us-east-1_abc',
    region: 'us-east-1',
    createdAt: T0,
    ...resolveMutableSettings({}, 'p'),
    usernameCaseSensitive: false,
    usernameAttributes: [],
    aliasAttributes: [],
    schema: [],
  },
};
const web = { userVerification: 'preferred', factorConfiguration: 'SINGLE_FACTOR' } as const;
const set = (mfaConfiguration: 'OFF' | 'ON' | 'OPTIONAL', factors: Partial<PoolMfaFactors>): UserPoolCommand => ({
  type: 'SetMfaConfig',
  mfaConfiguration,
  factors: { softwareToken: false, webAuthn: web, ...factors },
  now: T1,
});
const when = (given: UserPoolEvent[], command: UserPoolCommand) => userPoolDecider.decide(command, fold(userPoolDecider, given));

describe('SetUserPoolMfaConfig on the pool decider', () => {
  test("Cognito's contradictions: MFA off with a factor, MFA on or optional with none (passkeys are not an MFA factor)", () => {
    expect(() => when([created], set('OFF', { softwareToken: true }))).toThrow("can't turn off MFA and configure an MFA together");
    expect(() => when([created], set('OPTIONAL', { webAuthn: { ...web, relyingPartyId: 'example.com' } }))).toThrow("can't disable all MFAs");
    expect(when([created], set('OFF', { webAuthn: { ...web, relyingPartyId: 'example.com' } }))).toHaveLength(1);
  });

  test('the factors are kept apart from UpdateUserPool; the SMS words become the pool SmsAuthenticationMessage', () => {
    const [event] = when([created], set('ON', { sms: { smsAuthenticationMessage: 'Code {####}' }, softwareToken: true }));
    const state = fold(userPoolDecider, [created, event]);
    expect(state.status === 'active' && state.settings).toMatchObject({
      mfaConfiguration: 'ON',
      messageTemplates: { smsAuthenticationMessage: 'Code {####}' },
    });
    const updated = when([created, event], { type: 'UpdateUserPool', settings: resolveMutableSettings({ deletionProtection: 'ACTIVE' }, 'p'), now: T1 });
    const after = fold(userPoolDecider, [created, event, ...updated]);
    // UpdateUserPool without MfaConfiguration turns MFA OFF (as Cognito), the factors stay recorded.
    expect(after.status === 'active' && [after.settings.mfaConfiguration, after.settings.mfaFactors?.softwareToken]).toEqual(['OFF', true]);
  });
});
