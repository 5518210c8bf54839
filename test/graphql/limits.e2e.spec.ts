import { gql } from 'graphql-request';
import { type RunningApp, startApp } from '../support/app.js';
import { eventCount } from '../rest/support.js';
import { adminClient, refusal } from './support.js';

/** One query cannot exhaust the service: depth and cost are bounded before anything runs; bad input is typed and writes nothing. */
describe('GraphQL limits and malformed input', () => {
  let app: RunningApp;
  let admin: ReturnType<typeof adminClient>;
  let poolId: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = adminClient(app.url);
    poolId = (
      await admin.request<{ createUserPool: { poolId: string } }>(gql`
        mutation {
          createUserPool(input: { name: "limits" }) {
            poolId
          }
        }
      `)
    ).createUserPool.poolId;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('an expensive operation (many aliased full pages) is refused by the cost rule', async () => {
    const page = (i: number) =>
      `p${i}: users(poolId: "${poolId}", first: 60) { nodes { sub username status enabled createdAt updatedAt attributes { name value } } }`;
    const one = await admin.request<Record<string, unknown>>(`{ ${page(0)} }`);
    expect(one.p0).toBeDefined();
    const many = await refusal(admin.request(`{ ${Array.from({ length: 20 }, (_, i) => page(i)).join('\n')} }`));
    expect(many.codes).toContain('QueryTooComplexException');
  });

  test('a selection nested beyond the depth limit is refused', async () => {
    const deep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }`;
    const r = await refusal(admin.request(deep));
    expect(r.status).toBe(400);
    expect(r.messages.join(' ')).toMatch(/depth/i);
  });

  test('malformed input is a typed error and writes nothing', async () => {
    const before = await eventCount(app.platform.db);
    expect(
      await refusal(
        admin.request(gql`
          mutation {
            createUserPool(input: { name: "" }) {
              poolId
            }
          }
        `),
      ),
    ).toMatchObject({ codes: ['InvalidParameterException'] });
    expect(
      await refusal(
        admin.request(gql`
          mutation {
            createUserPool(input: { name: "x", passwordPolicy: { minimumLength: 2 } }) {
              poolId
            }
          }
        `),
      ),
    ).toMatchObject({ codes: ['InvalidParameterException'] });
    expect(
      await refusal(
        admin.request(
          gql`
            query ($p: String!) {
              users(poolId: $p, first: 500) {
                nodes {
                  sub
                }
              }
            }
          `,
          { p: poolId },
        ),
      ),
    ).toMatchObject({ codes: ['InvalidParameterException'] });
    expect(
      await refusal(
        admin.request(
          gql`
            query ($p: String!) {
              users(poolId: $p, filter: { attributes: [{ attribute: "shoe_size", value: "9" }] }) {
                nodes {
                  sub
                }
              }
            }
          `,
          { p: poolId },
        ),
      ),
    ).toMatchObject({
      codes: ['InvalidParameterException'],
    });
    expect(
      await refusal(
        admin.request(
          gql`
            mutation ($p: String!) {
              updateUserAttributes(poolId: $p, username: "x", attributes: [], expectedRevision: "abc") {
                attributeName
              }
            }
          `,
          { p: poolId },
        ),
      ),
    ).toMatchObject({
      codes: ['InvalidParameterException'],
    });
    const syntax = await refusal(admin.request('{ users(poolId: '));
    expect(syntax.status).toBe(400);
    expect((await refusal(admin.request('{ noSuchField }'))).status).toBe(400);
    expect(await eventCount(app.platform.db)).toBe(before);
  });
});
