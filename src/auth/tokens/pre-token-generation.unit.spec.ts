import { applyPreTokenResponse, PROTECTED_ACCESS_CLAIMS, PROTECTED_ID_CLAIMS, preTokenRequest, type TokenDraft } from './pre-token-generation.js';

const draft: TokenDraft = {
  id: {
    sub: 's-1',
    'cognito:username': 'alice',
    email: 'a@x.test',
    nickname: 'al',
    'cognito:groups': ['staff'],
    'cognito:roles': ['arn:aws:iam::1:role/staff'],
    token_use: 'id',
  },
  access: { sub: 's-1', username: 'alice', client_id: 'c1', scope: 'aws.cognito.signin.user.admin', 'cognito:groups': ['staff'], token_use: 'access' },
};

describe('pre token generation: the request', () => {
  test('V1 carries the attributes, the groups and roles, the metadata; V2 adds the scopes', () => {
    expect(preTokenRequest('1', { email: 'a@x.test' }, draft, { app: 'web' })).toEqual({
      userAttributes: { email: 'a@x.test' },
      groupConfiguration: { groupsToOverride: ['staff'], iamRolesToOverride: ['arn:aws:iam::1:role/staff'] },
      clientMetadata: { app: 'web' },
    });
    expect(preTokenRequest('2', {}, draft, {})).toMatchObject({ scopes: ['aws.cognito.signin.user.admin'] });
  });
});

describe('pre token generation: the answer applied', () => {
  test('no answer leaves the tokens as they were', () => {
    expect(applyPreTokenResponse('1', undefined, draft)).toEqual(draft);
    expect(applyPreTokenResponse('2', {}, draft)).toEqual(draft);
  });

  test('V1 adds, overrides and suppresses ID token claims only; protected claims stay', () => {
    const out = applyPreTokenResponse(
      '1',
      {
        claimsOverrideDetails: {
          claimsToAddOrOverride: { tier: 'gold', email: 'b@x.test', 'cognito:username': 'mallory', sub: 'x' },
          claimsToSuppress: ['nickname', 'token_use'],
        },
      },
      draft,
    );
    expect(out.id).toMatchObject({ tier: 'gold', email: 'b@x.test', 'cognito:username': 'alice', sub: 's-1', token_use: 'id' });
    expect(out.id.nickname).toBeUndefined();
    expect(out.access).toEqual(draft.access);
  });

  test('V1 ignores the V2 member', () => {
    const out = applyPreTokenResponse('1', { claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { tier: 'gold' } } } }, draft);
    expect(out).toEqual(draft);
  });

  test('V2 changes each token and the scopes; a claim both added and suppressed is suppressed', () => {
    const out = applyPreTokenResponse(
      '2',
      {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { tier: 'gold', extra: 'x' }, claimsToSuppress: ['extra'] },
          accessTokenGeneration: {
            claimsToAddOrOverride: { tier: 'gold', username: 'mallory', client_id: 'other', scope: 'admin' },
            scopesToAdd: ['example/read', 'example/write'],
            scopesToSuppress: ['example/write', 'aws.cognito.signin.user.admin'],
          },
        },
      },
      draft,
    );
    expect(out.id).toMatchObject({ tier: 'gold' });
    expect(out.id.extra).toBeUndefined();
    expect(out.access).toMatchObject({ tier: 'gold', username: 'alice', client_id: 'c1', scope: 'example/read' });
  });

  test('V2 suppressing every scope leaves no scope claim', () => {
    const out = applyPreTokenResponse(
      '2',
      { claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToSuppress: ['aws.cognito.signin.user.admin'] } } },
      draft,
    );
    expect(out.access.scope).toBeUndefined();
  });

  test('groupOverrideDetails replaces the groups (both tokens), the roles and the preferred role; an empty override removes them', () => {
    const out = applyPreTokenResponse(
      '1',
      {
        claimsOverrideDetails: {
          groupOverrideDetails: { groupsToOverride: ['admins'], iamRolesToOverride: ['arn:aws:iam::1:role/admin'], preferredRole: 'arn:aws:iam::1:role/admin' },
        },
      },
      draft,
    );
    expect(out.id).toMatchObject({
      'cognito:groups': ['admins'],
      'cognito:roles': ['arn:aws:iam::1:role/admin'],
      'cognito:preferred_role': 'arn:aws:iam::1:role/admin',
    });
    expect(out.access['cognito:groups']).toEqual(['admins']);
    const none = applyPreTokenResponse('2', { claimsAndScopeOverrideDetails: { groupOverrideDetails: null } }, draft);
    expect(none.id['cognito:groups']).toBeUndefined();
    expect(none.id['cognito:roles']).toBeUndefined();
    expect(none.access['cognito:groups']).toBeUndefined();
  });

  test('groups cannot be changed as plain claims', () => {
    const out = applyPreTokenResponse(
      '1',
      { claimsOverrideDetails: { claimsToAddOrOverride: { 'cognito:groups': ['root'] }, claimsToSuppress: ['cognito:roles'] } },
      draft,
    );
    expect(out).toEqual(draft);
    expect(PROTECTED_ID_CLAIMS.has('cognito:groups') && PROTECTED_ACCESS_CLAIMS.has('scope')).toBe(true);
  });
});
