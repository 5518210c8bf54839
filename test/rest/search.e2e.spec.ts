import { gql } from 'graphql-request';
import { type RunningApp, type Storage, call, startApp } from '../support/app.js';
import { adminClient } from '../graphql/support.js';
import { admin } from './support.js';

const names = (r: { body: { users: Array<{ username: string }> } }) => r.body.users.map((u) => u.username);

/** The user search over REST and GraphQL: several attributes, custom ones, prefix and exact, status, group, creation time, order, pages. */
describe.each<Storage>(['pglite', 'postgres'])('user search (%s)', (storage) => {
  let app: RunningApp;
  let poolId: string;
  let base: string;
  const search = (query: string) => call(app.url, 'GET', `${base}?${query}`, undefined, admin);

  beforeAll(async () => {
    app = await startApp(storage);
    const pool = await call(
      app.url,
      'POST',
      '/v1/user-pools',
      {
        name: 'search',
        customAttributes: [
          { name: 'tier', dataType: 'String' },
          { name: 'region', dataType: 'String' },
        ],
      },
      admin,
    );
    poolId = pool.body.poolId;
    base = `/v1/user-pools/${poolId}/users`;
    const people: Array<[string, Record<string, string>]> = [
      ['amy', { email: 'amy@alpha.test', 'custom:tier': 'gold', 'custom:region': 'eu', family_name: 'Stone' }],
      ['bob', { email: 'bob@beta.test', 'custom:tier': 'gold', 'custom:region': 'us', family_name: 'Stonebridge' }],
      ['cat', { email: 'cat@alpha.test', 'custom:tier': 'silver', 'custom:region': 'eu', family_name: 'Rivers' }],
      ['dan', { email: 'Dan@Alpha.test', 'custom:tier': 'Gold', 'custom:region': 'eu', family_name: 'Stonehenge' }],
    ];
    for (const [username, attributes] of people) {
      const r = await call(app.url, 'POST', base, { username, attributes, messageAction: 'SUPPRESS' }, admin);
      expect(r.status).toBe(201);
    }
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/groups`, { groupName: 'vip' }, admin);
    await call(app.url, 'PUT', `/v1/user-pools/${poolId}/groups/vip/members/bob`, undefined, admin);
    await call(app.url, 'PUT', `/v1/user-pools/${poolId}/groups/vip/members/dan`, undefined, admin);
    await call(app.url, 'POST', `${base}/cat/disable`, undefined, admin);
    await call(app.url, 'PUT', `${base}/amy/password`, { password: 'Correct-Horse-9', permanent: true }, admin);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('two attributes at once, one custom; values compare case-insensitively', async () => {
    expect(names(await search('filter=custom:tier=gold&filter=custom:region=eu'))).toEqual(['amy', 'dan']);
    expect(names(await search('filter=email^=amy@&filter=custom:tier=gold'))).toEqual(['amy']);
    expect(names(await search('filter=custom:tier=GOLD'))).toEqual(['amy', 'bob', 'dan']);
  });

  test('prefix and exact match, prefixes longer than the indexed keys included', async () => {
    expect(names(await search('filter=family_name^=Stone'))).toEqual(['amy', 'bob', 'dan']);
    expect(names(await search('filter=family_name^=Stoneb'))).toEqual(['bob']);
    expect(names(await search('filter=family_name=Stone'))).toEqual(['amy']);
    expect(names(await search('filter=email^=dan@alpha'))).toEqual(['dan']);
    expect(names(await search('filter=username^=b'))).toEqual(['bob']);
    // A prefix is literal: % and _ match only themselves.
    expect(names(await search(`filter=${encodeURIComponent('family_name^=%')}`))).toEqual([]);
  });

  test('status, enabled, group and creation time', async () => {
    expect(names(await search('status=CONFIRMED'))).toEqual(['amy']);
    expect(names(await search('enabled=false'))).toEqual(['cat']);
    expect(names(await search('group=vip&filter=custom:region=eu'))).toEqual(['dan']);
    const all = (await search('sort=created')).body.users as Array<{ username: string; createdAt: string }>;
    expect(all.map((u) => u.username)).toEqual(['amy', 'bob', 'cat', 'dan']);
    const after = encodeURIComponent(all[2].createdAt);
    expect(names(await search(`createdAfter=${after}`))).toEqual(names({ body: { users: all.filter((u) => u.createdAt >= all[2].createdAt) } }).sort());
    expect(names(await search(`createdBefore=${encodeURIComponent(all[0].createdAt)}`))).toEqual([]);
  });

  test('sorted by username or creation, either way, one page at a time', async () => {
    expect(names(await search('sort=-username'))).toEqual(['dan', 'cat', 'bob', 'amy']);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await search(`sort=-created&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...names(r));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['dan', 'cat', 'bob', 'amy']);
    // A cursor belongs to its search: replayed under another one, it is refused.
    const first = await search('sort=created&limit=1');
    expect((await search(`sort=username&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`)).body.code).toBe('InvalidParameterException');
  });

  test('unknown attributes and malformed filters are InvalidParameterException', async () => {
    expect((await search('filter=shoe_size=9')).body).toMatchObject({ status: 400, code: 'InvalidParameterException' });
    expect((await search('filter=nonsense')).body.code).toBe('InvalidParameterException');
    expect((await search('sort=shoe')).body.code).toBe('InvalidParameterException');
  });

  test('GraphQL: the same search, cursor-paginated', async () => {
    const query = gql`
      query ($poolId: String!, $after: String) {
        users(
          poolId: $poolId
          first: 1
          sort: USERNAME
          after: $after
          filter: { attributes: [{ attribute: "custom:tier", value: "gold" }, { attribute: "family_name", match: PREFIX, value: "stone" }], enabled: true }
        ) {
          nodes {
            username
            attributes {
              name
              value
            }
          }
          endCursor
          hasNextPage
        }
      }
    `;
    const client = adminClient(app.url);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { users } = await client.request<{ users: { nodes: Array<{ username: string }>; endCursor?: string; hasNextPage: boolean } }>(query, {
        poolId,
        after,
      });
      seen.push(...users.nodes.map((u) => u.username));
      if (!users.hasNextPage) break;
      after = users.endCursor;
    }
    expect(seen).toEqual(['amy', 'bob', 'dan']);
    const grouped = await client.request<{ users: { nodes: Array<{ username: string }> } }>(
      gql`
        query ($poolId: String!) {
          users(poolId: $poolId, filter: { group: "vip" }, sort: CREATED_DESC) {
            nodes {
              username
            }
          }
        }
      `,
      { poolId },
    );
    expect(grouped.users.nodes.map((u) => u.username)).toEqual(['dan', 'bob']);
  });
});
