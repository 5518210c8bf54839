import { fold } from '../../shared/decider.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { type GroupCommand, groupDecider, GroupExistsError } from './group.decider.js';
import type { GroupEvent, GroupSettings } from './group.events.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const POOL = 'us-east-1_abcDEF123';
const ROLE = 'arn:aws:iam::123456789012:role/admins';
const created: GroupEvent = { type: 'GroupCreated', data: { poolId: POOL, groupName: 'admins', description: 'Admins', precedence: 1, createdAt: T0 } };
const deleted: GroupEvent = { type: 'GroupDeleted', data: { poolId: POOL, groupName: 'admins', deletedAt: T1 } };
const create = (settings: GroupSettings, groupName = 'admins'): GroupCommand => ({
  type: 'CreateGroup',
  poolId: POOL,
  groupName,
  settings,
  now: T0,
});
const when = (given: GroupEvent[], command: GroupCommand) => () => groupDecider.decide(command, fold(groupDecider, given));

describe('group decider', () => {
  test('creating a group records its settings (undefined ones left out)', () => {
    expect(when([], create({ description: 'Admins', precedence: 1, roleArn: undefined }))()).toEqual([created]);
  });

  test('a name already used in the pool is GroupExists; a deleted group frees its name', () => {
    expect(when([created], create({}))).toThrow(GroupExistsError);
    expect(when([created, deleted], create({}))()).toEqual([{ type: 'GroupCreated', data: { poolId: POOL, groupName: 'admins', createdAt: T0 } }]);
  });

  test.each([
    ['an empty name', create({}, '')],
    ['a name with a space', create({}, 'two words')],
    ['a name over 128 characters', create({}, 'g'.repeat(129))],
    ['a negative precedence', create({ precedence: -1 })],
    ['a fractional precedence', create({ precedence: 1.5 })],
    ['a description over 2048 characters', create({ description: 'd'.repeat(2049) })],
    ['a role ARN that is not an IAM role', create({ roleArn: 'arn:aws:s3:::bucket/key' })],
  ])('%s is refused', (_what, command) => {
    expect(when([], command)).toThrow(InvalidParameterError);
  });

  test('names may use letters, marks, symbols and punctuation of any script', () => {
    expect(when([], create({}, 'Équipe_ß-日本+€'))()).toHaveLength(1);
    expect(when([], create({ roleArn: 'arn:aws-cn:iam::123456789012:role/path/to/role-1' }))()).toHaveLength(1);
  });

  test('update records only the settings that change; settings left out keep their values', () => {
    const events = when([created], { type: 'UpdateGroup', settings: { description: 'Admins', precedence: 0, roleArn: ROLE }, now: T1 })();
    expect(events).toEqual([{ type: 'GroupUpdated', data: { poolId: POOL, groupName: 'admins', precedence: 0, roleArn: ROLE, updatedAt: T1 } }]);
    expect(fold(groupDecider, [created, ...events])).toEqual({
      status: 'active',
      poolId: POOL,
      groupName: 'admins',
      description: 'Admins',
      precedence: 0,
      roleArn: ROLE,
      createdAt: T0,
      updatedAt: T1,
    });
  });

  test('an update that changes nothing records nothing', () => {
    expect(when([created], { type: 'UpdateGroup', settings: { precedence: 1 }, now: T1 })()).toEqual([]);
  });

  test('updating or deleting a missing group is ResourceNotFound', () => {
    expect(when([], { type: 'UpdateGroup', settings: {}, now: T1 })).toThrow(ResourceNotFoundError);
    expect(when([created, deleted], { type: 'DeleteGroup', now: T1 })).toThrow(ResourceNotFoundError);
  });

  test('deleting a group records it', () => {
    expect(when([created], { type: 'DeleteGroup', now: T1 })()).toEqual([deleted]);
  });
});
