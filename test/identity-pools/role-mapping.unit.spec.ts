import { chooseRole, type MappingRule, ruleMatches } from '../../src/identity-pools/role-mapping.js';

const ARN = (name: string) => `arn:aws:iam::000000000000:role/${name}`;
const roles = { authenticated: ARN('members'), unauthenticated: ARN('guests') };
const KEY = 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc:client1';
const rule = (claim: string, matchType: MappingRule['matchType'], value: string, role: string): MappingRule => ({
  claim,
  matchType,
  value,
  roleArn: ARN(role),
});

describe('role mapping', () => {
  test('guests get the unauthenticated role; without one the pool is misconfigured', () => {
    expect(chooseRole({ authenticated: false, roles })).toBe(ARN('guests'));
    expect(() => chooseRole({ authenticated: false, roles: { authenticated: ARN('members') } })).toThrow(
      expect.objectContaining({
        code: 'InvalidIdentityPoolConfigurationException',
        message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
      }),
    );
  });

  test('no mapping: the authenticated role', () => {
    expect(chooseRole({ authenticated: true, roles, claims: { 'cognito:preferred_role': ARN('admins') } })).toBe(ARN('members'));
  });

  describe('Token', () => {
    const mapping = { type: 'Token' as const, ambiguousRoleResolution: 'Deny' as const };
    const claims = { 'cognito:preferred_role': ARN('admins'), 'cognito:roles': [ARN('admins'), ARN('editors')] };

    test('the preferred role', () => {
      expect(chooseRole({ authenticated: true, roles, mapping, mappingKey: KEY, claims })).toBe(ARN('admins'));
    });

    test('a CustomRoleArn the token lists; one it does not list is ambiguous', () => {
      expect(chooseRole({ authenticated: true, roles, mapping, mappingKey: KEY, claims, customRoleArn: ARN('editors') })).toBe(ARN('editors'));
      expect(() => chooseRole({ authenticated: true, roles, mapping, mappingKey: KEY, claims, customRoleArn: ARN('root') })).toThrow(
        `The ambiguous role mapping rules for: ${KEY} denied this request.`,
      );
    });

    test('no preferred role (roles disagree, or no groups): Deny, or the authenticated role', () => {
      const disagreeing = { 'cognito:roles': [ARN('admins'), ARN('editors')] };
      expect(() => chooseRole({ authenticated: true, roles, mapping, mappingKey: KEY, claims: disagreeing })).toThrow(
        expect.objectContaining({ code: 'NotAuthorizedException' }),
      );
      expect(
        chooseRole({ authenticated: true, roles, mapping: { ...mapping, ambiguousRoleResolution: 'AuthenticatedRole' }, mappingKey: KEY, claims: {} }),
      ).toBe(ARN('members'));
    });
  });

  describe('Rules', () => {
    const mapping = {
      type: 'Rules' as const,
      ambiguousRoleResolution: 'Deny' as const,
      rules: [
        rule('cognito:groups', 'Contains', 'admin', 'admins'),
        rule('email', 'StartsWith', 'ops@', 'ops'),
        rule('department', 'NotEqual', 'sales', 'staff'),
      ],
    };

    test('the first matching rule, in order', () => {
      expect(chooseRole({ authenticated: true, roles, mapping, claims: { 'cognito:groups': ['superadmins'], email: 'ops@x', department: 'it' } })).toBe(
        ARN('admins'),
      );
      expect(chooseRole({ authenticated: true, roles, mapping, claims: { email: 'ops@x', department: 'it' } })).toBe(ARN('ops'));
      expect(chooseRole({ authenticated: true, roles, mapping, claims: { email: 'me@x', department: 'it' } })).toBe(ARN('staff'));
    });

    test('no rule matches: Deny names the provider; AuthenticatedRole falls back', () => {
      const claims = { email: 'me@x', department: 'sales' };
      expect(() => chooseRole({ authenticated: true, roles, mapping, mappingKey: KEY, claims })).toThrow(
        `The ambiguous role mapping rules for: ${KEY} denied this request.`,
      );
      expect(chooseRole({ authenticated: true, roles, mapping: { ...mapping, ambiguousRoleResolution: 'AuthenticatedRole' }, claims })).toBe(ARN('members'));
    });

    test('match types on single and list claims; a missing claim matches nothing', () => {
      expect(ruleMatches(rule('c', 'Equals', 'a', 'r'), 'a')).toBe(true);
      expect(ruleMatches(rule('c', 'Equals', 'a', 'r'), 'ab')).toBe(false);
      expect(ruleMatches(rule('c', 'Equals', 'a', 'r'), ['x', 'a'])).toBe(true);
      expect(ruleMatches(rule('c', 'Contains', 'dmi', 'r'), 'admin')).toBe(true);
      expect(ruleMatches(rule('c', 'StartsWith', 'ad', 'r'), ['user', 'admin'])).toBe(true);
      expect(ruleMatches(rule('c', 'NotEqual', 'a', 'r'), 'b')).toBe(true);
      expect(ruleMatches(rule('c', 'NotEqual', 'a', 'r'), ['b', 'a'])).toBe(false);
      expect(ruleMatches(rule('c', 'NotEqual', 'a', 'r'), undefined)).toBe(false);
      expect(ruleMatches(rule('c', 'Equals', 'true', 'r'), true)).toBe(true);
    });
  });
});
