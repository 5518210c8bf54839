import type { ActiveGroup } from './group.decider.js';
import { tokenGroups } from './token-groups.js';

const group = (groupName: string, precedence?: number, roleArn?: string): ActiveGroup => ({
  status: 'active',
  poolId: 'us-east-1_abcDEF123',
  groupName,
  ...(precedence !== undefined ? { precedence } : {}),
  ...(roleArn !== undefined ? { roleArn } : {}),
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

describe('groups in tokens', () => {
  test('ordered by precedence (lowest first, none last), then by name', () => {
    const groups = tokenGroups([group('zeta'), group('beta', 5), group('alpha', 5), group('top', 0), group('eta')]);
    expect([...groups]).toEqual(['top', 'alpha', 'beta', 'eta', 'zeta']);
    expect(groups.roles).toBeUndefined();
    expect(groups.preferredRole).toBeUndefined();
  });

  test('roles in group order; the preferred role is the best-ranked group with a role', () => {
    const groups = tokenGroups([group('readers', 10, role('reader')), group('plain', 0), group('editors', 2, role('editor'))]);
    expect(groups.roles).toEqual([role('editor'), role('reader')]);
    expect(groups.preferredRole).toBe(role('editor'));
  });

  test('tied best groups with different roles leave the preferred role unset; the same role is kept', () => {
    expect(tokenGroups([group('a', 1, role('x')), group('b', 1, role('y'))]).preferredRole).toBeUndefined();
    expect(tokenGroups([group('a', 1, role('x')), group('b', 1, role('x'))])).toMatchObject({ roles: [role('x')], preferredRole: role('x') });
  });

  test('no groups, no claims', () => {
    expect([...tokenGroups([])]).toEqual([]);
  });
});
