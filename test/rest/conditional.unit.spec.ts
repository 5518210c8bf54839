import { bearerTokenOf, expectedRevisionOf } from '../../src/api/rest/conditional.js';
import { problem } from '../../src/api/rest/rest-exception.filter.js';

describe('REST request details', () => {
  test('If-Match: this service’s ETags only; * and none are unconditional', () => {
    expect(expectedRevisionOf('"7"')).toBe(7n);
    expect(expectedRevisionOf('W/"7"')).toBe(7n);
    expect(expectedRevisionOf(undefined)).toBeUndefined();
    expect(expectedRevisionOf('*')).toBeUndefined();
    for (const bad of ['7', '"a"', '"1", "2"', '"99999999999999999999"'])
      expect(() => expectedRevisionOf(bad)).toThrow(expect.objectContaining({ status: 400 }));
  });

  test('Bearer tokens: the scheme and a token68, else 401', () => {
    expect(bearerTokenOf('Bearer abc.def-ghi_j')).toBe('abc.def-ghi_j');
    for (const bad of [undefined, 'Basic abc', 'Bearer', 'Bearer a b']) expect(() => bearerTokenOf(bad)).toThrow(expect.objectContaining({ status: 401 }));
  });

  test('problem details name the code in type, title and code', () => {
    expect(problem(412, 'PreconditionFailedException', 'stale')).toEqual({
      type: 'urn:cairn:problem:PreconditionFailedException',
      title: 'Precondition failed',
      status: 412,
      detail: 'stale',
      code: 'PreconditionFailedException',
    });
  });
});
