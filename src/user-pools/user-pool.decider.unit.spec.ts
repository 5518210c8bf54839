import { fold } from '../shared/decider.js';
import { ResourceConflictError } from '../shared/domain-error.js';
import { DEFAULT_PASSWORD_POLICY } from './password-policy.js';
import { userPoolDecider, type UserPoolCommand } from './user-pool.decider.js';

const create: UserPoolCommand = {
  type: 'CreateUserPool',
  poolId: 'us-east-1_abcDEF123',
  region: 'us-east-1',
  settings: { name: 'shop', passwordPolicy: DEFAULT_PASSWORD_POLICY, usernameCaseSensitive: false, autoVerifiedAttributes: ['email'] },
  now: '2026-01-01T00:00:00.000Z',
};

describe('user pool decider', () => {
  test('creating a pool records its settings', () => {
    const events = userPoolDecider.decide(create, userPoolDecider.initialState());
    expect(events).toEqual([
      { type: 'UserPoolCreated', data: { poolId: create.poolId, region: 'us-east-1', createdAt: create.now, ...create.settings } },
    ]);
    expect(fold(userPoolDecider, events)).toMatchObject({ status: 'active', settings: { name: 'shop' } });
  });
  test('a pool cannot be created twice', () => {
    const given = userPoolDecider.decide(create, userPoolDecider.initialState());
    expect(() => userPoolDecider.decide(create, fold(userPoolDecider, given))).toThrow(ResourceConflictError);
  });
});
