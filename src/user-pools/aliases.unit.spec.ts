import { UniqueConstraintError } from '../event-store/errors.js';
import { UsernameExistsError } from '../shared/domain-error.js';
import { AliasExistsError, aliasScope, claimChanges, claimConflict, signInNameCandidates, userClaims } from './aliases.js';
import { usernameScope } from './username.js';

const POOL = 'us-east-1_abcDEF123';
const SUB = '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a';
const pool = (
  settings: Partial<{
    usernameCaseSensitive: boolean;
    usernameAttributes: Array<'email' | 'phone_number'>;
    aliasAttributes: Array<'email' | 'phone_number' | 'preferred_username'>;
  }>,
) => ({
  poolId: POOL,
  settings: { usernameCaseSensitive: false, usernameAttributes: [], aliasAttributes: [], ...settings },
});
const USER = usernameScope(POOL);

describe('unique claims of a user', () => {
  test('a plain pool: only the username, as the pool compares it', () => {
    expect(userClaims(pool({}), { username: 'Alice', attributes: { email: 'a@x.test', email_verified: 'true' } })).toEqual([{ scope: USER, value: 'alice' }]);
    expect(userClaims(pool({ usernameCaseSensitive: true }), { username: 'Alice', attributes: {} })).toEqual([{ scope: USER, value: 'Alice' }]);
  });
  test('an email-as-username pool: the sub and the email (verified or not) under the username scope', () => {
    const claims = userClaims(pool({ usernameAttributes: ['email'] }), { username: SUB, attributes: { email: 'Ann@X.test' } });
    expect(claims).toEqual([
      { scope: USER, value: SUB },
      { scope: USER, value: 'ann@x.test' },
    ]);
  });
  test('an alias pool: an email or phone once verified, preferred_username as soon as it is set', () => {
    const aliases = pool({ aliasAttributes: ['email', 'phone_number', 'preferred_username'] });
    const unverified = { username: 'ann', attributes: { email: 'a@x.test', phone_number: '+15555550100', email_verified: 'false' } };
    expect(userClaims(aliases, unverified)).toEqual([{ scope: USER, value: 'ann' }]);
    const verified = {
      username: 'ann',
      attributes: { ...unverified.attributes, email_verified: 'true', phone_number_verified: 'true', preferred_username: 'Annie' },
    };
    expect(userClaims(aliases, verified)).toEqual([
      { scope: USER, value: 'ann' },
      { scope: aliasScope('email', POOL), value: 'a@x.test' },
      { scope: aliasScope('phone', POOL), value: '+15555550100' },
      { scope: aliasScope('preferred-username', POOL), value: 'annie' },
    ]);
  });
  test('a change of claims releases what went and claims what came, keyed', () => {
    const before = [
      { scope: USER, value: 'ann' },
      { scope: aliasScope('email', POOL), value: 'old@x.test' },
    ];
    const after = [
      { scope: USER, value: 'ann' },
      { scope: aliasScope('email', POOL), value: 'new@x.test' },
    ];
    expect(claimChanges(before, after, (s, v) => `k(${v})`)).toEqual([
      { scope: aliasScope('email', POOL), value: 'k(old@x.test)', change: 'release' },
      { scope: aliasScope('email', POOL), value: 'k(new@x.test)', change: 'claim' },
    ]);
  });
});

describe('conflicts and lookups', () => {
  test('a held username is UsernameExists (named after the email in email pools); a held alias is AliasExists', () => {
    expect(claimConflict(new UniqueConstraintError(USER, 'k'), pool({}))).toEqual(new UsernameExistsError('User already exists'));
    expect((claimConflict(new UniqueConstraintError(USER, 'k'), pool({ usernameAttributes: ['email'] })) as Error).message).toBe(
      'An account with the given email already exists.',
    );
    const alias = claimConflict(new UniqueConstraintError(aliasScope('email', POOL), 'k'), pool({ aliasAttributes: ['email'] }));
    expect(alias).toBeInstanceOf(AliasExistsError);
    expect(alias).toMatchObject({ code: 'AliasExistsException', message: 'An account with the given email already exists.' });
    const other = new Error('boom');
    expect(claimConflict(other, pool({}))).toBe(other);
  });
  test('a sign-in name is looked up as a username first, then under each alias', () => {
    expect(signInNameCandidates(pool({ aliasAttributes: ['email', 'preferred_username'] }), 'A@X.test')).toEqual([
      { scope: USER, value: 'a@x.test' },
      { scope: aliasScope('email', POOL), value: 'a@x.test' },
      { scope: aliasScope('preferred-username', POOL), value: 'a@x.test' },
    ]);
  });
});
