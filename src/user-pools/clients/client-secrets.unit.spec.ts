import { fold } from '../../shared/decider.js';
import { InvalidParameterError, LimitExceededError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { clientDecider, type ClientCommand } from './client.decider.js';
import { defaultClientSettings } from './client-defaults.js';
import type { ClientEvent } from './client.events.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const created: ClientEvent = {
  type: 'UserPoolClientCreated',
  data: { clientId: 'c1', poolId: 'p1', encryptedSecret: 'enc-1', createdAt: T0, ...defaultClientSettings('web') },
};
const firstId = `c1--${Date.parse(T0)}`;
const added: ClientEvent = { type: 'UserPoolClientSecretAdded', data: { secretId: `c1--${Date.parse(T1)}`, encryptedSecret: 'enc-2', createdAt: T1 } };
const state = (events: ClientEvent[]) => fold(clientDecider, events);
const when = (events: ClientEvent[], command: ClientCommand) => () => clientDecider.decide(command, state(events));

describe('client secret rotation (client decider)', () => {
  test('the secret of UserPoolClientCreated is the first, with an id from the creation instant', () => {
    const s = state([created]);
    expect(s.status === 'active' && s.secrets).toEqual([{ secretId: firstId, encryptedSecret: 'enc-1', createdAt: T0 }]);
  });
  test('a second secret is added; a third is over the limit', () => {
    expect(when([created], { type: 'AddClientSecret', poolId: 'p1', encryptedSecret: 'enc-2', now: T1 })()).toEqual([added]);
    expect(when([created, added], { type: 'AddClientSecret', poolId: 'p1', encryptedSecret: 'enc-3', now: T1 })).toThrow(LimitExceededError);
  });
  test('two secrets in the same millisecond get distinct ids', () => {
    const [event] = when([created], { type: 'AddClientSecret', poolId: 'p1', encryptedSecret: 'enc-2', now: T0 })();
    expect(event.type === 'UserPoolClientSecretAdded' && event.data.secretId).toBe(`c1--${Date.parse(T0) + 1}`);
  });
  test('deleting the first makes the second the described one; the last cannot go', () => {
    const deleted: ClientEvent = { type: 'UserPoolClientSecretDeleted', data: { secretId: firstId, deletedAt: T1 } };
    expect(when([created, added], { type: 'DeleteClientSecret', poolId: 'p1', secretId: firstId, now: T1 })()).toEqual([deleted]);
    const s = state([created, added, deleted]);
    expect(s.status === 'active' && [s.encryptedSecret, s.secrets.length]).toEqual(['enc-2', 1]);
    expect(when([created, added, deleted], { type: 'DeleteClientSecret', poolId: 'p1', secretId: added.data.secretId, now: T1 })).toThrow(
      InvalidParameterError,
    );
    expect(when([created, added, deleted], { type: 'DeleteClientSecret', poolId: 'p1', secretId: firstId, now: T1 })).toThrow(ResourceNotFoundError);
  });
  test('a client without a secret has none to rotate; a client of another pool is not found', () => {
    const publicClient: ClientEvent = { type: 'UserPoolClientCreated', data: { clientId: 'c2', poolId: 'p1', createdAt: T0, ...defaultClientSettings('spa') } };
    expect(when([publicClient], { type: 'AddClientSecret', poolId: 'p1', encryptedSecret: 'e', now: T1 })).toThrow(InvalidParameterError);
    expect(when([created], { type: 'AddClientSecret', poolId: 'p2', encryptedSecret: 'e', now: T1 })).toThrow(ResourceNotFoundError);
  });
});
