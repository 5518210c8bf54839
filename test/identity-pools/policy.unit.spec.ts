import { evaluate, type NamedPolicy, type RequestContext } from '../../src/identity-pools/policy/evaluate.js';
import { MalformedPolicyDocumentError, parsePolicy } from '../../src/identity-pools/policy/policy-document.js';
import { arnMatch, globMatch, ipMatch } from '../../src/identity-pools/policy/patterns.js';

const policy = (name: string, ...Statement: object[]): NamedPolicy => ({ name, document: parsePolicy({ Version: '2012-10-17', Statement }, 'identity') });
const ask = (policies: NamedPolicy[], action: string, resource: string, context: RequestContext = {}) => evaluate(policies, { action, resource, context });

describe('IAM policy grammar', () => {
  test.each([
    ['not JSON', '{', 'This policy contains invalid Json'],
    ['no statement', { Version: '2012-10-17' }, 'Statement is required'],
    ['a bad effect', { Statement: { Effect: 'Maybe', Action: '*', Resource: '*' } }, 'Effect must be Allow or Deny'],
    ['both Action and NotAction', { Statement: { Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*' } }, 'cannot both be present'],
    ['no resource', { Statement: { Effect: 'Allow', Action: 's3:GetObject' } }, 'Resource or NotResource is required'],
    ['a resource that is no ARN', { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'bucket/x' } }, 'must be in ARN format'],
    ['an unknown operator', { Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringSortOf: { a: 'b' } } } }, 'Invalid Condition type'],
    ['a principal in an identity policy', { Statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' } }, 'should not specify a principal'],
    ['an unknown version', { Version: '2020-01-01', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, 'valid version string'],
    [
      'duplicate Sids',
      {
        Statement: [
          { Sid: 'A', Effect: 'Allow', Action: '*', Resource: '*' },
          { Sid: 'A', Effect: 'Deny', Action: '*', Resource: '*' },
        ],
      },
      'must be unique',
    ],
  ])('refuses %s', (_what, document, message) => {
    expect(() => parsePolicy(typeof document === 'string' ? document : JSON.stringify(document), 'identity')).toThrow(MalformedPolicyDocumentError);
    expect(() => parsePolicy(typeof document === 'string' ? document : JSON.stringify(document), 'identity')).toThrow(message);
  });

  test('trust policies need a principal and take no resource', () => {
    expect(() => parsePolicy({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity' } }, 'trust')).toThrow(
      'Principal or NotPrincipal is required',
    );
    expect(() => parsePolicy({ Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:*', Resource: '*' } }, 'trust')).toThrow('prohibited field Resource');
    expect(
      parsePolicy({ Statement: { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:*' } }, 'trust').statements,
    ).toHaveLength(1);
  });

  test('single values become lists; numbers and booleans in conditions become strings', () => {
    const doc = parsePolicy(
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': true } } } },
      'identity',
    );
    expect(doc.statements[0]).toEqual({ effect: 'Allow', action: ['s3:GetObject'], resource: ['*'], condition: { Bool: { 'aws:SecureTransport': ['true'] } } });
  });
});

describe('IAM policy evaluation', () => {
  const reader = policy('reader', { Sid: 'Read', Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: 'arn:aws:s3:::photos/*' });
  const guard = policy('guard', { Sid: 'NoSecrets', Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::photos/secret/*' });

  test('an Allow that matches allows, and names its statement', () => {
    expect(ask([reader], 's3:GetObject', 'arn:aws:s3:::photos/a.jpg')).toEqual({
      decision: 'Allow',
      reason: 'Allowed',
      statement: { policy: 'reader', index: 0, sid: 'Read', effect: 'Allow' },
    });
  });

  test('nothing matching is an implicit deny, without a statement', () => {
    expect(ask([reader], 's3:PutObject', 'arn:aws:s3:::photos/a.jpg')).toEqual({ decision: 'Deny', reason: 'ImplicitDeny' });
    expect(ask([reader], 's3:GetObject', 'arn:aws:s3:::videos/a.mp4')).toEqual({ decision: 'Deny', reason: 'ImplicitDeny' });
  });

  test('an explicit Deny in any policy wins over any Allow', () => {
    const result = ask([reader, guard], 's3:GetObject', 'arn:aws:s3:::photos/secret/plan.pdf');
    expect(result).toEqual({ decision: 'Deny', reason: 'ExplicitDeny', statement: { policy: 'guard', index: 0, sid: 'NoSecrets', effect: 'Deny' } });
  });

  test('actions match case-insensitively with wildcards; resources case-sensitively, part by part', () => {
    expect(ask([reader], 'S3:getobject', 'arn:aws:s3:::photos/a').decision).toBe('Allow');
    expect(ask([reader], 's3:GetObject', 'arn:aws:s3:::PHOTOS/a').decision).toBe('Deny');
    expect(globMatch('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(arnMatch('arn:aws:dynamodb:*:123456789012:table/Books', 'arn:aws:dynamodb:eu-west-1:123456789012:table/Books')).toBe(true);
    expect(arnMatch('arn:aws:dynamodb:*:123456789012:table/Books', 'arn:aws:dynamodb:eu-west-1:999999999999:table/Books')).toBe(false);
    // A wildcard in the resource part does not reach into the parts before it.
    expect(arnMatch('arn:aws:s3:::photos/*', 'arn:aws:s3:eu-west-1::photos/x')).toBe(false);
    expect(arnMatch('arn:aws:s3:::*', 'arn:aws:s3:::photos/a/b:c')).toBe(true);
  });

  test('NotAction and NotResource match everything else', () => {
    const all = policy('all-but', { Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::private/*' });
    expect(ask([all], 's3:GetObject', 'arn:aws:s3:::public/x').decision).toBe('Allow');
    expect(ask([all], 'iam:CreateUser', 'arn:aws:s3:::public/x').decision).toBe('Deny');
    expect(ask([all], 's3:GetObject', 'arn:aws:s3:::private/x').decision).toBe('Deny');
  });

  test('policy variables in resources: the identity and principal tags, escaped literally, defaults, and missing keys match nothing', () => {
    const own = policy('own', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${cognito-identity.amazonaws.com:sub}/*' });
    const ctx = { 'cognito-identity.amazonaws.com:sub': 'eu-west-1:abc' };
    expect(ask([own], 's3:GetObject', 'arn:aws:s3:::home/eu-west-1:abc/f', ctx).decision).toBe('Allow');
    expect(ask([own], 's3:GetObject', 'arn:aws:s3:::home/eu-west-1:xyz/f', ctx).decision).toBe('Deny');
    expect(ask([own], 's3:GetObject', 'arn:aws:s3:::home//f', {}).decision).toBe('Deny');
    // A tag value with a wildcard in it is a literal '*', not a pattern.
    const team = policy('team', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::teams/${aws:PrincipalTag/team}/*' });
    expect(ask([team], 's3:GetObject', 'arn:aws:s3:::teams/blue/f', { 'aws:PrincipalTag/team': '*' }).decision).toBe('Deny');
    expect(ask([team], 's3:GetObject', 'arn:aws:s3:::teams/*/f', { 'aws:PrincipalTag/team': '*' }).decision).toBe('Allow');
    const fallback = policy('fallback', { Effect: 'Allow', Action: 's3:*', Resource: "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'none'}/*" });
    expect(ask([fallback], 's3:GetObject', 'arn:aws:s3:::teams/none/f').decision).toBe('Allow');
    // Keys are case-insensitive.
    expect(ask([team], 's3:GetObject', 'arn:aws:s3:::teams/red/f', { 'AWS:PRINCIPALTAG/TEAM': 'red' }).decision).toBe('Allow');
  });

  const withCondition = (condition: object) => [policy('c', { Sid: 'C', Effect: 'Allow', Action: 'x:Do', Resource: '*', Condition: condition })];
  const holds = (condition: object, context: RequestContext) => ask(withCondition(condition), 'x:Do', 'arn:aws:x:::r', context).decision === 'Allow';

  test('string operators, with a principal tag compared to a variable', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, { 'aws:PrincipalTag/team': 'blue' })).toBe(true);
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, { 'aws:PrincipalTag/team': 'Blue' })).toBe(false);
    expect(holds({ StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'blue' } }, { 'aws:PrincipalTag/team': 'Blue' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': ['home/*', 'shared/?'] } }, { 's3:prefix': 'shared/a' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'other/a' })).toBe(false);
    expect(holds({ StringEquals: { 'x:owner': '${aws:PrincipalTag/owner}' } }, { 'x:owner': 'ann', 'aws:PrincipalTag/owner': 'ann' })).toBe(true);
    expect(holds({ StringEquals: { 'x:owner': '${aws:PrincipalTag/owner}' } }, { 'x:owner': 'ann' })).toBe(false);
  });

  test('a missing key: false for positive operators, true for negated ones and with IfExists; Null tests presence', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, {})).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:PrincipalTag/team': 'blue' } }, {})).toBe(true);
    expect(holds({ StringNotEquals: { 'aws:PrincipalTag/team': 'blue' } }, { 'aws:PrincipalTag/team': 'blue' })).toBe(false);
    expect(holds({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'blue' } }, {})).toBe(true);
    expect(holds({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'blue' } }, { 'aws:PrincipalTag/team': 'red' })).toBe(false);
    expect(holds({ Null: { 'aws:PrincipalTag/team': 'true' } }, {})).toBe(true);
    expect(holds({ Null: { 'aws:PrincipalTag/team': 'false' } }, {})).toBe(false);
  });

  test('multi-valued keys: ForAnyValue and ForAllValues', () => {
    const amr = { 'cognito-identity.amazonaws.com:amr': ['authenticated', 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x'] };
    expect(holds({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }, amr)).toBe(true);
    expect(holds({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' } }, amr)).toBe(false);
    expect(holds({ 'ForAllValues:StringLike': { 'cognito-identity.amazonaws.com:amr': ['authenticated', 'cognito-idp.*'] } }, amr)).toBe(true);
    expect(holds({ 'ForAllValues:StringEquals': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }, amr)).toBe(false);
    // ForAllValues over no values holds; ForAnyValue does not.
    expect(holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } }, {})).toBe(true);
    expect(holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } }, {})).toBe(false);
  });

  test('numeric, date, bool, IP and ARN operators', () => {
    expect(holds({ NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' })).toBe(true);
    expect(holds({ NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' })).toBe(false);
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2026-05-01T00:00:00.000Z' })).toBe(true);
    expect(holds({ DateGreaterThan: { 'aws:EpochTime': '1700000000' } }, { 'aws:EpochTime': '1800000000' })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'false' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(false);
    expect(ipMatch('2001:db8::/32', '2001:db8::1')).toBe(true);
    expect(holds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app-*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/app-web' })).toBe(
      true,
    );
    expect(holds({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app-*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/app-web' })).toBe(
      false,
    );
  });

  test('every operator and every key of a condition must hold', () => {
    const both = { StringEquals: { 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalTag/level': 'senior' }, Bool: { 'x:mfa': 'true' } };
    expect(holds(both, { 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalTag/level': 'senior', 'x:mfa': 'true' })).toBe(true);
    expect(holds(both, { 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalTag/level': 'junior', 'x:mfa': 'true' })).toBe(false);
    expect(holds(both, { 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalTag/level': 'senior' })).toBe(false);
  });

  test('trust policies: the principal must match', () => {
    const trust = {
      name: 'trust',
      document: parsePolicy(
        {
          Statement: {
            Effect: 'Allow',
            Principal: { Federated: 'cognito-identity.amazonaws.com' },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'eu-west-1:p' } },
          },
        },
        'trust',
      ),
    };
    const federated = { type: 'Federated', id: 'cognito-identity.amazonaws.com' };
    const context = { 'cognito-identity.amazonaws.com:aud': 'eu-west-1:p' };
    expect(evaluate([trust], { action: 'sts:AssumeRoleWithWebIdentity', principal: federated, context }).decision).toBe('Allow');
    expect(evaluate([trust], { action: 'sts:AssumeRoleWithWebIdentity', principal: { type: 'Federated', id: 'accounts.google.com' }, context }).decision).toBe(
      'Deny',
    );
    expect(
      evaluate([trust], { action: 'sts:AssumeRoleWithWebIdentity', principal: federated, context: { 'cognito-identity.amazonaws.com:aud': 'eu-west-1:q' } })
        .decision,
    ).toBe('Deny');
  });
});
