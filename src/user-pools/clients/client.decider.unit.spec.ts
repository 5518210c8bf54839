import { fold } from '../../shared/decider.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { clientDecider, type ClientCommand } from './client.decider.js';
import { defaultClientSettings } from './client-defaults.js';
import type { ClientEvent } from './client.events.js';

const NOW = '2026-01-01T00:00:00.000Z';
const created: ClientEvent = {
  type: 'UserPoolClientCreated',
  data: { clientId: 'c1', poolId: 'p1', encryptedSecret: 'v1.x.y.z', createdAt: NOW, ...defaultClientSettings('web') },
};
const when = (given: ClientEvent[], command: ClientCommand) => () => clientDecider.decide(command, fold(clientDecider, given));

describe('app client decider', () => {
  test('creating a client records its settings and encrypted secret', () => {
    expect(
      when([], { type: 'CreateClient', clientId: 'c1', poolId: 'p1', encryptedSecret: 'v1.x.y.z', settings: defaultClientSettings('web'), now: NOW })(),
    ).toEqual([created]);
  });
  test('token validity outside Cognito bounds is refused', () => {
    const settings = {
      ...defaultClientSettings('web'),
      accessTokenValidity: 2,
      tokenValidityUnits: { accessToken: 'days' as const, idToken: 'minutes' as const, refreshToken: 'days' as const },
    };
    expect(when([], { type: 'CreateClient', clientId: 'c1', poolId: 'p1', settings, now: NOW })).toThrow(InvalidParameterError);
    const shortRefresh = {
      ...defaultClientSettings('web'),
      refreshTokenValidity: 30,
      tokenValidityUnits: { accessToken: 'minutes' as const, idToken: 'minutes' as const, refreshToken: 'minutes' as const },
    };
    expect(when([], { type: 'CreateClient', clientId: 'c1', poolId: 'p1', settings: shortRefresh, now: NOW })).toThrow(/RefreshTokenValidity/);
  });
  test('update replaces the settings; a client of another pool is not found', () => {
    const settings = { ...defaultClientSettings('web2'), explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH' as const] };
    expect(when([created], { type: 'UpdateClient', poolId: 'p1', settings, now: NOW })()).toEqual([
      { type: 'UserPoolClientUpdated', data: { ...settings, updatedAt: NOW } },
    ]);
    expect(when([created], { type: 'UpdateClient', poolId: 'p2', settings, now: NOW })).toThrow(ResourceNotFoundError);
  });
  test('a deleted client is gone', () => {
    const deleted: ClientEvent = { type: 'UserPoolClientDeleted', data: { deletedAt: NOW } };
    expect(when([created], { type: 'DeleteClient', poolId: 'p1', now: NOW })()).toEqual([deleted]);
    expect(when([created, deleted], { type: 'DeleteClient', poolId: 'p1', now: NOW })).toThrow(ResourceNotFoundError);
  });
});
