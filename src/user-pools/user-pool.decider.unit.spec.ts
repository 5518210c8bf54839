import { fold } from '../shared/decider.js';
import { InvalidParameterError, ResourceConflictError, ResourceNotFoundError } from '../shared/domain-error.js';
import { DEFAULT_PASSWORD_POLICY } from './password-policy.js';
import { resolveMutableSettings } from './pool-settings.js';
import { customAttributes } from './schema.js';
import { userPoolDecider, type UserPoolCommand } from './user-pool.decider.js';
import type { UserPoolEvent, UserPoolSettings } from './user-pool.events.js';

const POOL = 'us-east-1_abcDEF123';
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

const settings: UserPoolSettings = {
  ...resolveMutableSettings({ deletionProtection: 'ACTIVE' }, 'shop'),
  usernameCaseSensitive: false,
  usernameAttributes: [],
  aliasAttributes: ['email'],
  schema: [],
};
const created: UserPoolEvent = { type: 'UserPoolCreated', data: { poolId: POOL, region: 'us-east-1', createdAt: T0, ...settings } };

/** given past events, when a command: the new events (or the thrown error). */
const when = (given: UserPoolEvent[], command: UserPoolCommand) => userPoolDecider.decide(command, fold(userPoolDecider, given));
const update = (input: Parameters<typeof resolveMutableSettings>[0], name = 'shop'): UserPoolCommand => ({
  type: 'UpdateUserPool',
  settings: resolveMutableSettings(input, name),
  now: T1,
});

describe('user pool decider', () => {
  describe('CreateUserPool', () => {
    const create: UserPoolCommand = { type: 'CreateUserPool', poolId: POOL, region: 'us-east-1', settings, now: T0 };
    test('records every setting', () => {
      expect(when([], create)).toEqual([created]);
      expect(fold(userPoolDecider, [created])).toMatchObject({ status: 'active', updatedAt: T0, settings: { name: 'shop', deletionProtection: 'ACTIVE' } });
    });
    test('a pool cannot be created twice', () => {
      expect(() => when([created], create)).toThrow(ResourceConflictError);
    });
    test('username attributes and aliases exclude each other', () => {
      const both = { ...create, settings: { ...settings, usernameAttributes: ['email' as const] } };
      expect(() => when([], both)).toThrow('Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.');
    });
    test('verification before update needs an auto-verified attribute', () => {
      const bad = { ...create, settings: { ...settings, attributesRequireVerificationBeforeUpdate: ['phone_number' as const] } };
      expect(() => when([], bad)).toThrow(InvalidParameterError);
    });
    test('admin_only recovery stands alone', () => {
      const accountRecovery = [
        { name: 'admin_only' as const, priority: 1 },
        { name: 'verified_email' as const, priority: 2 },
      ];
      expect(() => when([], { ...create, settings: { ...settings, accountRecovery } })).toThrow(InvalidParameterError);
    });
    test('a pool created before the newer settings existed reads with their defaults', () => {
      const old = {
        type: 'UserPoolCreated',
        data: {
          poolId: POOL,
          region: 'us-east-1',
          createdAt: T0,
          name: 'p',
          usernameCaseSensitive: false,
          autoVerifiedAttributes: ['email'],
          passwordPolicy: { ...DEFAULT_PASSWORD_POLICY, passwordHistorySize: undefined },
        },
      } as UserPoolEvent;
      expect(fold(userPoolDecider, [old])).toMatchObject({
        settings: {
          deletionProtection: 'INACTIVE',
          usernameAttributes: [],
          aliasAttributes: [],
          schema: [],
          allowAdminCreateUserOnly: false,
          passwordPolicy: { passwordHistorySize: 0 },
        },
      });
      expect(fold(userPoolDecider, [old])).toMatchObject({
        settings: { autoVerifiedAttributes: ['email'], messageTemplates: { verification: { defaultEmailOption: 'CONFIRM_WITH_CODE' } } },
      });
    });
    test("a new pool verifies nothing unless told to (Cognito's default)", () => {
      expect(resolveMutableSettings({}, 'p').autoVerifiedAttributes).toEqual([]);
    });
    test('message templates must hold their placeholders', () => {
      const templates = (messageTemplates: Parameters<typeof resolveMutableSettings>[0]['messageTemplates']) => ({
        ...create,
        settings: { ...settings, ...resolveMutableSettings({ messageTemplates }, 'shop') },
      });
      expect(when([], templates({ verification: { smsMessage: 'Code {####}' }, invitation: { emailMessage: '{username} / {####}' } }))).toHaveLength(1);
      expect(() => when([], templates({ verification: { emailMessage: 'no code' } }))).toThrow('The message is invalid.');
      expect(() => when([], templates({ verification: { emailMessageByLink: 'Click {####}' } }))).toThrow('The message is invalid.');
      expect(() => when([], templates({ invitation: { smsMessage: 'Password {####}' } }))).toThrow('The message is invalid.');
    });
  });

  describe('UpdateUserPool', () => {
    test('replaces the mutable settings; members left out are back to their defaults', () => {
      const events = when([created], update({ passwordPolicy: { minimumLength: 12 } }));
      expect(events).toEqual([
        { type: 'UserPoolUpdated', data: { ...resolveMutableSettings({ passwordPolicy: { minimumLength: 12 } }, 'shop'), updatedAt: T1 } },
      ]);
      const state = fold(userPoolDecider, [created, ...events]);
      expect(state).toMatchObject({
        updatedAt: T1,
        settings: { deletionProtection: 'INACTIVE', aliasAttributes: ['email'], passwordPolicy: { minimumLength: 12, requireSymbols: true } },
      });
    });
    test('no event when nothing changes', () => {
      expect(when([created], update({ deletionProtection: 'ACTIVE' }))).toEqual([]);
    });
    test('an update without account recovery drops the previous one', () => {
      const withRecovery = when([created], update({ deletionProtection: 'ACTIVE', accountRecovery: [{ name: 'verified_email', priority: 1 }] }));
      const state = fold(userPoolDecider, [created, ...withRecovery, ...when([created, ...withRecovery], update({}))]);
      expect(state.status === 'active' && state.settings.accountRecovery).toBeUndefined();
    });
    test('a missing pool is not found', () => {
      expect(() => when([], update({}))).toThrow(ResourceNotFoundError);
    });
  });

  describe('message templates on update', () => {
    test('an update replaces the templates; one recorded before templates were kept leaves the defaults', () => {
      const events = when([created], update({ messageTemplates: { verification: { emailSubject: 'Hello' } } }));
      expect(fold(userPoolDecider, [created, ...events])).toMatchObject({
        settings: { messageTemplates: { verification: { defaultEmailOption: 'CONFIRM_WITH_CODE', emailSubject: 'Hello' } } },
      });
      const { messageTemplates: _templates, ...olderData } = (events[0] as Extract<UserPoolEvent, { type: 'UserPoolUpdated' }>).data;
      const older: UserPoolEvent = { type: 'UserPoolUpdated', data: olderData };
      expect(fold(userPoolDecider, [created, ...events, older])).toMatchObject({
        settings: { messageTemplates: { verification: { defaultEmailOption: 'CONFIRM_WITH_CODE' } } },
      });
      expect(when([created, ...events], update({ messageTemplates: { verification: { emailSubject: 'Hello' } } }))).toEqual([]);
    });
  });

  describe('AddCustomAttributes', () => {
    const add = (names: string[]): UserPoolCommand => ({
      type: 'AddCustomAttributes',
      attributes: customAttributes(names.map((name) => ({ name, dataType: 'String' as const }))),
      now: T1,
    });
    test('adds prefixed attributes to the schema', () => {
      const events = when([created], add(['tier']));
      expect(events).toEqual([
        { type: 'CustomAttributesAdded', data: { attributes: [{ name: 'custom:tier', dataType: 'String', mutable: true, required: false }], addedAt: T1 } },
      ]);
      expect(fold(userPoolDecider, [created, ...events])).toMatchObject({ updatedAt: T1, settings: { schema: [{ name: 'custom:tier' }] } });
    });
    test('an existing name is refused', () => {
      const events = when([created], add(['tier']));
      expect(() => when([created, ...events], add(['tier']))).toThrow('custom:tier: Existing attribute already has name custom:tier.');
    });
    test('at most 50 custom attributes', () => {
      const events = when([created], add(Array.from({ length: 50 }, (_, i) => `a${i}`)));
      expect(() => when([created, ...events], add(['one-more']))).toThrow(InvalidParameterError);
    });
  });

  describe('DeleteUserPool', () => {
    const del: UserPoolCommand = { type: 'DeleteUserPool', now: T1 };
    test('is refused while deletion protection is active', () => {
      expect(() => when([created], del)).toThrow(InvalidParameterError);
    });
    test('after deactivating protection, deletes; the pool is then missing for every command', () => {
      const unprotected = when([created], update({}));
      const deleted = when([created, ...unprotected], del);
      expect(deleted).toEqual([{ type: 'UserPoolDeleted', data: { deletedAt: T1 } }]);
      const history = [created, ...unprotected, ...deleted];
      expect(fold(userPoolDecider, history)).toEqual({ status: 'deleted', poolId: POOL, region: 'us-east-1', deletedAt: T1 });
      expect(() => when(history, update({}))).toThrow(ResourceNotFoundError);
      expect(() => when(history, del)).toThrow(ResourceNotFoundError);
    });
  });
});
