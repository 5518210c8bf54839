import { fold } from '../../shared/decider.js';
import { LimitExceededError, UsernameExistsError } from '../../shared/domain-error.js';
import { externalLoginScope, externalLoginValue, userClaims } from '../aliases.js';
import { type UserCommand, userDecider } from '../user.decider.js';
import type { ExternalIdentity, UserEvent } from '../user.events.js';

const NOW = '2026-01-01T00:00:00.000Z';
const identity = (userId: string, primary = true): ExternalIdentity => ({
  providerName: 'Corp',
  providerType: 'OIDC',
  userId,
  issuer: null,
  primary,
  dateCreated: 1767225600000,
});
const created: UserEvent = {
  type: 'ExternalUserCreated',
  data: { poolId: 'p1', sub: 's1', username: 'Corp_alice', attributes: { email: 'a@corp.example' }, identity: identity('alice'), createdAt: NOW },
};
const decide = (given: UserEvent[], command: UserCommand) => () => userDecider.decide(command, fold(userDecider, given));
const pool = { poolId: 'p1', settings: { usernameCaseSensitive: false, usernameAttributes: [], aliasAttributes: [] } };

describe('federated users', () => {
  test('given none, when a first federated sign-in creates the user, then it is EXTERNAL_PROVIDER with the identities attribute', () => {
    const command: UserCommand = {
      type: 'CreateExternalUser',
      poolId: 'p1',
      sub: 's1',
      username: 'Corp_alice',
      attributes: { email: 'a@corp.example' },
      identity: identity('alice'),
      now: NOW,
    };
    expect(decide([], command)()).toEqual([created]);
    const state = fold(userDecider, [created]);
    if (!state.exists) throw new Error('no user');
    expect(state.status).toBe('EXTERNAL_PROVIDER');
    expect(JSON.parse(state.attributes.identities)).toEqual([
      { userId: 'alice', providerName: 'Corp', providerType: 'OIDC', issuer: null, primary: true, dateCreated: 1767225600000 },
    ]);
    expect(decide([created], command)).toThrow(UsernameExistsError);
  });

  test('the user holds its username and each external login as unique claims', () => {
    const state = fold(userDecider, [created]);
    if (!state.exists) throw new Error('no user');
    expect(userClaims(pool, state)).toEqual([
      { scope: 'username:p1', value: 'corp_alice' },
      { scope: externalLoginScope('p1'), value: externalLoginValue('Corp', 'alice') },
    ]);
  });

  test('later sign-ins write only the mapped attributes that changed', () => {
    expect(decide([created], { type: 'SyncExternalAttributes', attributes: { email: 'a@corp.example' }, now: NOW })()).toEqual([]);
    expect(decide([created], { type: 'SyncExternalAttributes', attributes: { email: 'b@corp.example', name: 'A' }, now: NOW })()).toEqual([
      { type: 'UserAttributesUpdated', data: { attributes: { email: 'b@corp.example', name: 'A' }, at: NOW } },
    ]);
  });

  test('links: once each, at most five, unlinked again', () => {
    const native: UserEvent = {
      type: 'UserCreatedByAdmin',
      data: { poolId: 'p1', sub: 's2', username: 'nina', attributes: {}, passwordHash: 'h', createdAt: NOW },
    };
    const linked = (id: string): UserEvent => ({ type: 'ExternalIdentityLinked', data: { identity: identity(id, false), at: NOW } });
    expect(decide([native], { type: 'LinkExternalIdentity', identity: identity('n1', false), now: NOW })()).toEqual([linked('n1')]);
    expect(decide([native, linked('n1')], { type: 'LinkExternalIdentity', identity: identity('n1', false), now: NOW })()).toEqual([]);
    const five = ['a', 'b', 'c', 'd', 'e'].map(linked);
    expect(decide([native, ...five], { type: 'LinkExternalIdentity', identity: identity('f', false), now: NOW })).toThrow(LimitExceededError);
    const unlink: UserCommand = { type: 'UnlinkExternalIdentity', providerName: 'Corp', userId: 'n1', now: NOW };
    const events = decide([native, linked('n1')], unlink)();
    expect(events).toEqual([{ type: 'ExternalIdentityUnlinked', data: { providerName: 'Corp', userId: 'n1', at: NOW } }]);
    const after = fold(userDecider, [native, linked('n1'), ...events]);
    expect(after.exists ? after.attributes.identities : 'no user').toBeUndefined();
    expect(decide([native], unlink)()).toEqual([]);
  });
  test('a native user’s password sign-in is disabled once; the user, its attributes and its linked identities stay', () => {
    const native: UserEvent = {
      type: 'UserCreatedByAdmin',
      data: { poolId: 'p1', sub: 's3', username: 'olga', attributes: { email: 'o@corp.example' }, passwordHash: 'h', createdAt: NOW },
    };
    const linked: UserEvent = { type: 'ExternalIdentityLinked', data: { identity: identity('o1', false), at: NOW } };
    const later = '2026-01-02T00:00:00.000Z';
    const events = decide([native, linked], { type: 'DisablePasswordSignIn', now: later })();
    expect(events).toEqual([{ type: 'PasswordSignInDisabled', data: { at: later } }]);
    const state = fold(userDecider, [native, linked, ...events]);
    if (!state.exists) throw new Error('no user');
    expect(state).toMatchObject({ passwordSignInDisabled: true, enabled: true, passwordHash: 'h', updatedAt: later, attributes: { email: 'o@corp.example' } });
    expect(state.identities).toEqual([identity('o1', false)]);
    expect(decide([native, linked, ...events], { type: 'DisablePasswordSignIn', now: later })()).toEqual([]);
    expect(decide([], { type: 'DisablePasswordSignIn', now: later })).toThrow();
  });
});
