import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { costLimit } from '../../src/api/graphql/cost.js';

const schema = buildSchema(`
  type Attr { name: String, value: String }
  type User { name: String, attributes: [Attr] }
  type Page { nodes: [User] }
  type Query { users(first: Int): Page, one: User }
`);
const errors = (query: string, max: number) => validate(schema, parse(query), [...specifiedRules, costLimit(max)]).map((e) => e.extensions.code);

describe('GraphQL cost rule', () => {
  test('a paginated field multiplies what it selects by its page size (60 when not given)', () => {
    // users: 1 + 10 × (nodes 1 + name 1) = 21
    expect(errors('{ users(first: 10) { nodes { name } } }', 21)).toEqual([]);
    expect(errors('{ users(first: 10) { nodes { name } } }', 20)).toEqual(['QueryTooComplexException']);
    expect(errors('query($n: Int) { users(first: $n) { nodes { name } } }', 120)).toEqual(['QueryTooComplexException']);
  });

  test('aliases and fragments count every time they are used', () => {
    const page = 'users(first: 50) { ...f }';
    expect(errors(`fragment f on Page { nodes { name attributes { name value } } } { a: ${page} b: ${page} c: ${page} }`, 500)).toEqual([
      'QueryTooComplexException',
    ]);
    expect(errors('{ one { name } }', 2)).toEqual([]);
  });
});
