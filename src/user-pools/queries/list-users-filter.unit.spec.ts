import { InvalidParameterError } from '../../shared/domain-error.js';
import { filterCondition, likePrefix, parseUserFilter, type UserFilter } from './list-users-filter.js';

describe('ListUsers filter parser', () => {
  test.each([
    ['email = "a@example.test"', { attribute: 'email', match: 'exact', value: 'a@example.test' }],
    ['given_name ^= "Jo"', { attribute: 'given_name', match: 'prefix', value: 'Jo' }],
    ['  family_name="Reddy"  ', { attribute: 'family_name', match: 'exact', value: 'Reddy' }],
    ['cognito:user_status = "UNCONFIRMED"', { attribute: 'cognito:user_status', match: 'exact', value: 'UNCONFIRMED' }],
    ['status = "Disabled"', { attribute: 'status', match: 'exact', value: 'Disabled' }],
    ['name = "say \\"hi\\""', { attribute: 'name', match: 'exact', value: 'say "hi"' }],
    ['name = "back\\\\slash"', { attribute: 'name', match: 'exact', value: 'back\\slash' }],
    ['sub = ""', { attribute: 'sub', match: 'exact', value: '' }],
    ['username ^= "a b"', { attribute: 'username', match: 'prefix', value: 'a b' }],
  ])('given %j, then it parses', (text, expected) => {
    expect(parseUserFilter(text)).toEqual(expected);
  });

  test('given an empty or blank filter, then there is no filter (every user)', () => {
    expect(parseUserFilter(undefined)).toBeUndefined();
    expect(parseUserFilter('')).toBeUndefined();
    expect(parseUserFilter('   ')).toBeUndefined();
  });

  test.each([
    ['email = a@example.test', 'double quotes'],
    ["email = 'a@example.test'", 'double quotes'],
    ['email = "open', 'unterminated'],
    ['email = "ends with escape\\', 'unterminated'],
    ['email == "x"', 'double quotes'],
    ['email != "x"', 'expected'],
    ['email ~= "x"', 'expected'],
    ['= "x"', 'expected'],
    ['email', 'expected'],
    ['"email" = "x"', 'expected'],
    ['email = "a" and name = "b"', 'one attribute'],
    ['email = "a" name = "b"', 'one attribute'],
    ['email = "a"x', 'one attribute'],
  ])('given the malformed filter %j, then InvalidParameterException (%s)', (text, why) => {
    const error = (() => {
      try {
        parseUserFilter(text);
      } catch (e) {
        return e;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(InvalidParameterError);
    // Cognito's one message for every malformed filter; `why` names the case.
    expect(why).toEqual(expect.any(String));
    expect((error as Error).message).toBe('Error while parsing filter.');
  });

  test.each(['custom:team', 'nickname', 'email_verified', 'Email', 'updated_at'])(
    'given the unsearchable attribute %s, then InvalidParameterException',
    (name) => {
      expect(() => parseUserFilter(`${name} = "x"`)).toThrow(InvalidParameterError);
      expect(() => parseUserFilter(`${name} = "x"`)).toThrow(`Invalid search attribute: ${name}`);
    },
  );
});

describe('ListUsers filter as SQL', () => {
  const compile = (filter: UserFilter, caseSensitive = false) => {
    const params: unknown[] = [];
    const sql = filterCondition(filter, caseSensitive, (v) => `$${params.push(v)}`);
    return { sql, params };
  };

  test('values travel as parameters, never in the SQL text', () => {
    const { sql, params } = compile({ attribute: 'name', match: 'exact', value: "x'; DROP TABLE users; --" });
    expect(sql).toBe('attributes ->> $1::text = $2');
    expect(params).toEqual(['name', "x'; DROP TABLE users; --"]);
  });

  test('a prefix escapes LIKE wildcards so they match literally', () => {
    expect(likePrefix('50%_off\\')).toBe('50\\%\\_off\\\\%');
    const { sql, params } = compile({ attribute: 'sub', match: 'prefix', value: 'a_%' });
    expect(sql).toBe("sub LIKE $1 ESCAPE '\\'");
    expect(params).toEqual(['a\\_\\%%']);
  });

  test('username follows the pool: lower-cased unless the pool is case sensitive', () => {
    expect(compile({ attribute: 'username', match: 'exact', value: 'Alice' }).params).toEqual(['alice']);
    expect(compile({ attribute: 'username', match: 'exact', value: 'Alice' }, true).params).toEqual(['Alice']);
  });

  test('cognito:user_status is case-insensitive; email matches its lower-cased key', () => {
    expect(compile({ attribute: 'cognito:user_status', match: 'exact', value: 'unconfirmed' })).toEqual({ sql: 'status = $1', params: ['UNCONFIRMED'] });
    expect(compile({ attribute: 'email', match: 'exact', value: 'A@Example.Test' })).toEqual({ sql: 'email_key = $1', params: ['a@example.test'] });
  });

  test('status is Enabled/Disabled, case-sensitive, over the enabled flag', () => {
    expect(compile({ attribute: 'status', match: 'exact', value: 'Enabled' })).toEqual({ sql: 'enabled = $1', params: [true] });
    expect(compile({ attribute: 'status', match: 'exact', value: 'Disabled' })).toEqual({ sql: 'enabled = $1', params: [false] });
    expect(compile({ attribute: 'status', match: 'exact', value: 'enabled' })).toEqual({ sql: 'false', params: [] });
    expect(compile({ attribute: 'status', match: 'prefix', value: '' })).toEqual({ sql: 'true', params: [] });
    expect(compile({ attribute: 'status', match: 'prefix', value: 'Dis' })).toEqual({ sql: 'enabled = $1', params: [false] });
  });
});
