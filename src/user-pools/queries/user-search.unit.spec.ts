import { PREFIX_KEY_LENGTH, searchKeys } from '../directory/user-rows.js';
import { parseCondition, searchConditions } from './user-search.js';

describe('user search', () => {
  test('search keys: every value whole and its first characters, case-folded, sorted; sub left to its column', () => {
    expect(searchKeys({ sub: 'x', email: 'Al@B.c', 'custom:tier': 'go' })).toEqual([
      'e:custom:tier=go',
      'e:email=al@b.c',
      'p:custom:tier=g',
      'p:custom:tier=go',
      'p:email=a',
      'p:email=al',
      'p:email=al@',
      'p:email=al@b',
    ]);
    expect(searchKeys({ name: '😀😀😀😀😀' }).filter((k) => k.startsWith('p:'))).toHaveLength(PREFIX_KEY_LENGTH);
  });

  test('conditions: exact and prefix parse; anything else is InvalidParameterException', () => {
    expect(parseCondition('custom:tier=gold')).toEqual({ attribute: 'custom:tier', match: 'exact', value: 'gold' });
    expect(parseCondition('email^=a=b')).toEqual({ attribute: 'email', match: 'prefix', value: 'a=b' });
    for (const bad of ['email', 'email=', '=x', 'a b=c'])
      expect(() => parseCondition(bad)).toThrow(expect.objectContaining({ code: 'InvalidParameterException' }));
  });

  test('SQL: attribute conditions share one containment on the keys; long prefixes are checked on the value; values are parameters', () => {
    const params: unknown[] = [];
    const where = searchConditions(
      {
        conditions: [
          { attribute: 'email', match: 'prefix', value: "ab%'c_d" },
          { attribute: 'custom:tier', match: 'exact', value: 'Gold' },
          { attribute: 'username', match: 'prefix', value: 'Al' },
        ],
        group: 'g',
      },
      'us-east-1_X',
      false,
      (v) => `$${params.push(v)}`,
    );
    const keys = /^u\.search_keys @> \$(\d+)::jsonb$/.exec(where[0]);
    expect(keys).not.toBeNull();
    expect(JSON.parse(params[Number(keys![1]) - 1] as string)).toEqual(["p:email=ab%'", 'e:custom:tier=gold']);
    expect(where.join(' ')).not.toContain("ab%'c");
    expect(params).toContain("ab\\%'c\\_d%".toLowerCase());
    expect(params).toContain('al%');
  });
});
