import { fold } from '../../src/shared/decider.js';
import { identityPoolDecider } from '../../src/identity-pools/identity-pool.decider.js';
import type { IdentityPoolConfig, IdentityPoolEvent } from '../../src/identity-pools/identity-pool.events.js';
import { identityDecider, loginChanges } from '../../src/identity-pools/identity.decider.js';
import type { IdentityEvent } from '../../src/identity-pools/identity.events.js';
import { roleDecider } from '../../src/identity-pools/role.decider.js';
import type { RoleEvent } from '../../src/identity-pools/role.events.js';

const NOW = '2026-03-01T00:00:00.000Z';
const POOL = 'eu-west-1:11111111-1111-1111-1111-111111111111';
const ID = 'eu-west-1:22222222-2222-2222-2222-222222222222';
const UP = 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc';
const config: IdentityPoolConfig = {
  name: 'p',
  allowUnauthenticated: true,
  allowClassicFlow: false,
  supportedLoginProviders: {},
  openIdConnectProviderArns: ['arn:aws:iam::000000000000:oidc-provider/login.example.com'],
  cognitoIdentityProviders: [{ providerName: UP, clientId: 'c1', serverSideTokenCheck: false }],
  samlProviderArns: [],
  tags: {},
};

describe('identity decider', () => {
  const created: IdentityEvent = { type: 'IdentityCreated', data: { identityId: ID, poolId: POOL, logins: [{ provider: UP, subject: 's1' }], createdAt: NOW } };

  test('given an identity, linking adds only the new logins (and claims only them)', () => {
    const state = fold(identityDecider, [created]);
    const events = identityDecider.decide(
      {
        type: 'LinkLogins',
        logins: [
          { provider: UP, subject: 's1' },
          { provider: 'login.example.com', subject: 'x' },
        ],
        now: NOW,
      },
      state,
    );
    expect(events).toEqual([
      { type: 'IdentityLoginsLinked', data: { identityId: ID, poolId: POOL, logins: [{ provider: 'login.example.com', subject: 'x' }], at: NOW } },
    ]);
    expect(loginChanges(events)).toEqual({ claim: [{ provider: 'login.example.com', subject: 'x' }], release: [] });
    expect(identityDecider.decide({ type: 'LinkLogins', logins: [{ provider: UP, subject: 's1' }], now: NOW }, state)).toEqual([]);
  });

  test('unlinking every login leaves an identity that is still not a guest', () => {
    const unlinked: IdentityEvent = {
      type: 'IdentityLoginsUnlinked',
      data: { identityId: ID, poolId: POOL, logins: [{ provider: UP, subject: 's1' }], at: NOW },
    };
    const state = fold(identityDecider, [created, unlinked]);
    expect(state).toMatchObject({ status: 'active', logins: [], authenticated: true });
  });

  test('a merge releases every login and ends the identity; a deleted identity takes no command', () => {
    const state = fold(identityDecider, [created]);
    const events = identityDecider.decide({ type: 'MergeInto', into: 'eu-west-1:dest', now: NOW }, state);
    expect(loginChanges(events)).toEqual({ claim: [], release: [{ provider: UP, subject: 's1' }] });
    const gone = fold(identityDecider, [created, ...events]);
    expect(() => identityDecider.decide({ type: 'DeleteIdentity', now: NOW }, gone)).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException' }));
  });
});

describe('identity pool decider', () => {
  const created: IdentityPoolEvent = { type: 'IdentityPoolCreated', data: { poolId: POOL, region: 'eu-west-1', config, createdAt: NOW } };
  const state = fold(identityPoolDecider, [created]);

  test('role mappings are keyed by a configured provider (user pools with their client id)', () => {
    const mapping = { type: 'Token' as const, ambiguousRoleResolution: 'Deny' as const };
    expect(
      identityPoolDecider.decide(
        { type: 'SetIdentityPoolRoles', roles: {}, roleMappings: { [`${UP}:c1`]: mapping, 'login.example.com': mapping }, now: NOW },
        state,
      ),
    ).toHaveLength(1);
    expect(() => identityPoolDecider.decide({ type: 'SetIdentityPoolRoles', roles: {}, roleMappings: { [UP]: mapping }, now: NOW }, state)).toThrow(
      expect.objectContaining({ code: 'InvalidParameterException' }),
    );
    expect(() =>
      identityPoolDecider.decide(
        { type: 'SetIdentityPoolRoles', roles: {}, roleMappings: { [`${UP}:c1`]: { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [] } }, now: NOW },
        state,
      ),
    ).toThrow('Rules role mappings need 1 to 25 rules.');
  });

  test('an update that changes nothing writes nothing; the developer provider name is fixed once set', () => {
    expect(identityPoolDecider.decide({ type: 'UpdateIdentityPool', config, now: NOW }, state)).toEqual([]);
    const withDeveloper = fold(identityPoolDecider, [{ ...created, data: { ...created.data, config: { ...config, developerProviderName: 'login.shop' } } }]);
    expect(() => identityPoolDecider.decide({ type: 'UpdateIdentityPool', config, now: NOW }, withDeveloper)).toThrow(
      expect.objectContaining({ code: 'InvalidParameterException' }),
    );
  });

  test('a deleted pool is not found', () => {
    const deleted = fold(identityPoolDecider, [created, { type: 'IdentityPoolDeleted', data: { poolId: POOL, deletedAt: NOW } }]);
    expect(() => identityPoolDecider.decide({ type: 'DeleteIdentityPool', now: NOW }, deleted)).toThrow(`IdentityPool '${POOL}' not found.`);
  });
});

describe('role decider', () => {
  const trust = JSON.stringify({
    Statement: { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
  });
  const created: RoleEvent = {
    type: 'RoleCreated',
    data: {
      roleName: 'r',
      roleId: 'AROAX',
      arn: 'arn:aws:iam::000000000000:role/r',
      path: '/',
      assumeRolePolicy: trust,
      maxSessionDuration: 3600,
      createdAt: NOW,
    },
  };

  test('policies are checked when stored; a malformed one is refused and nothing is written', () => {
    const state = fold(roleDecider, [created]);
    expect(() =>
      roleDecider.decide({ type: 'PutRolePolicy', roleName: 'r', policyName: 'p', policy: '{"Statement":{"Effect":"Allow"}}', now: NOW }, state),
    ).toThrow(expect.objectContaining({ code: 'MalformedPolicyDocumentException' }));
    expect(() =>
      roleDecider.decide(
        { type: 'UpdateAssumeRolePolicy', roleName: 'r', policy: '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}', now: NOW },
        state,
      ),
    ).toThrow(expect.objectContaining({ code: 'MalformedPolicyDocumentException' }));
  });

  test('a role with inline policies cannot be deleted; names are taken once', () => {
    const policy = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}';
    const put: RoleEvent = { type: 'RolePolicyPut', data: { roleName: 'r', policyName: 'p', policyDocument: policy, at: NOW } };
    const state = fold(roleDecider, [created, put]);
    expect(() => roleDecider.decide({ type: 'DeleteRole', roleName: 'r', now: NOW }, state)).toThrow(
      expect.objectContaining({ code: 'DeleteConflictException' }),
    );
    expect(() => roleDecider.decide({ type: 'CreateRole', role: { ...created.data }, now: NOW }, state)).toThrow('Role with name r already exists.');
    expect(roleDecider.decide({ type: 'PutRolePolicy', roleName: 'r', policyName: 'p', policy, now: NOW }, state)).toEqual([]);
  });
});
