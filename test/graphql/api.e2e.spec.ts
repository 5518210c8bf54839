import { gql } from 'graphql-request';
import { type RunningApp, startApp } from '../support/app.js';
import { GraphQLClient } from 'graphql-request';
import { PASSWORD, codeFor, signedCall } from '../rest/support.js';
import { adminClient, anonymousClient, refusal, userClient } from './support.js';

/** The GraphQL surface over the same use cases: pools, clients, users, groups, sign-in, self-service. */
describe('GraphQL API', () => {
  let app: RunningApp;
  let admin: ReturnType<typeof adminClient>;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = adminClient(app.url);
    const created = await admin.request<{ createUserPool: { poolId: string } }>(gql`
      mutation {
        createUserPool(input: { name: "gql", autoVerifiedAttributes: ["email"], customAttributes: [{ name: "tier", dataType: "String" }] }) {
          poolId
          name
        }
      }
    `);
    poolId = created.createUserPool.poolId;
    const client = await admin.request<{ createAppClient: { clientId: string } }>(
      gql`
        mutation ($poolId: String!) {
          createAppClient(poolId: $poolId, input: { clientName: "web", explicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }) {
            clientId
          }
        }
      `,
      { poolId },
    );
    clientId = client.createAppClient.clientId;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('pools and app clients: list, describe with a revision, conditional update (stale: PreconditionFailedException), clients, delete', async () => {
    const listed = await admin.request<{ userPools: { nodes: Array<{ poolId: string }> } }>(gql`
      {
        userPools(first: 10) {
          nodes {
            poolId
            name
          }
          endCursor
        }
      }
    `);
    expect(listed.userPools.nodes.map((p) => p.poolId)).toContain(poolId);
    const { userPool } = await admin.request<{ userPool: { revision: string; name: string } }>(
      gql`
        query ($poolId: String!) {
          userPool(poolId: $poolId) {
            name
            revision
            passwordPolicy {
              minimumLength
            }
          }
        }
      `,
      { poolId },
    );
    const update = gql`
      mutation ($poolId: String!, $rev: String) {
        updateUserPool(poolId: $poolId, input: { name: "gql-renamed", autoVerifiedAttributes: ["email"] }, expectedRevision: $rev) {
          name
        }
      }
    `;
    expect((await admin.request<{ updateUserPool: { name: string } }>(update, { poolId, rev: userPool.revision })).updateUserPool.name).toBe('gql-renamed');
    expect(await refusal(admin.request(update, { poolId, rev: userPool.revision }))).toMatchObject({ codes: ['PreconditionFailedException'] });

    const clients = await admin.request<{ appClients: { nodes: Array<{ clientId: string }> } }>(
      gql`
        query ($poolId: String!) {
          appClients(poolId: $poolId) {
            nodes {
              clientId
              clientName
            }
          }
        }
      `,
      { poolId },
    );
    expect(clients.appClients.nodes.map((c) => c.clientId)).toEqual([clientId]);
    const extra = await admin.request<{ createAppClient: { clientId: string; clientSecret: string } }>(
      gql`
        mutation ($poolId: String!) {
          createAppClient(poolId: $poolId, input: { clientName: "svc", generateSecret: true }) {
            clientId
            clientSecret
          }
        }
      `,
      { poolId },
    );
    expect(extra.createAppClient.clientSecret).toEqual(expect.any(String));
    const renamed = await admin.request<{ updateAppClient: { clientName: string } }>(
      gql`
        mutation ($poolId: String!, $id: String!) {
          updateAppClient(poolId: $poolId, clientId: $id, input: { clientName: "svc-2" }) {
            clientName
          }
        }
      `,
      { poolId, id: extra.createAppClient.clientId },
    );
    expect(renamed.updateAppClient.clientName).toBe('svc-2');
    expect(
      (
        await admin.request<{ deleteAppClient: boolean }>(
          gql`
            mutation ($poolId: String!, $id: String!) {
              deleteAppClient(poolId: $poolId, clientId: $id)
            }
          `,
          { poolId, id: extra.createAppClient.clientId },
        )
      ).deleteAppClient,
    ).toBe(true);

    const doomed = await admin.request<{ createUserPool: { poolId: string } }>(gql`
      mutation {
        createUserPool(input: { name: "doomed" }) {
          poolId
        }
      }
    `);
    await admin.request(
      gql`
        mutation ($id: String!) {
          deleteUserPool(poolId: $id)
        }
      `,
      { id: doomed.createUserPool.poolId },
    );
    expect(
      await refusal(
        admin.request(
          gql`
            query ($id: String!) {
              userPool(poolId: $id) {
                name
              }
            }
          `,
          { id: doomed.createUserPool.poolId },
        ),
      ),
    ).toMatchObject({ codes: ['ResourceNotFoundException'] });
  });

  test('users: create, get, conditional attribute update, lifecycle, passwords, groups, auth events, delete', async () => {
    const created = await admin.request<{ createUser: { username: string; status: string } }>(
      gql`
        mutation ($poolId: String!) {
          createUser(
            poolId: $poolId
            username: "lee"
            messageAction: "SUPPRESS"
            attributes: [{ name: "email", value: "lee@gql.test" }, { name: "email_verified", value: "true" }]
          ) {
            username
            status
          }
        }
      `,
      { poolId },
    );
    expect(created.createUser).toEqual({ username: 'lee', status: 'FORCE_CHANGE_PASSWORD' });
    const get = gql`
      query ($poolId: String!) {
        user(poolId: $poolId, username: "lee") {
          username
          enabled
          status
          revision
          attributes {
            name
            value
          }
        }
      }
    `;
    const { user } = await admin.request<{ user: { revision: string } }>(get, { poolId });
    const patch = gql`
      mutation ($poolId: String!, $rev: String) {
        updateUserAttributes(poolId: $poolId, username: "lee", attributes: [{ name: "custom:tier", value: "gold" }], expectedRevision: $rev) {
          attributeName
        }
      }
    `;
    await admin.request(patch, { poolId, rev: user.revision });
    expect(await refusal(admin.request(patch, { poolId, rev: user.revision }))).toMatchObject({ status: 200, codes: ['PreconditionFailedException'] });

    const op = (name: string) => admin.request(`mutation($poolId: String!) { ${name}(poolId: $poolId, username: "lee") }`, { poolId });
    await op('disableUser');
    expect((await admin.request<{ user: { enabled: boolean } }>(get, { poolId })).user.enabled).toBe(false);
    await op('enableUser');
    await admin.request(
      gql`
        mutation ($poolId: String!) {
          setUserPassword(poolId: $poolId, username: "lee", password: "Correct-Horse-9", permanent: true)
        }
      `,
      { poolId },
    );
    expect((await admin.request<{ user: { status: string } }>(get, { poolId })).user.status).toBe('CONFIRMED');
    await op('signOutUser');
    await op('resetUserPassword');
    expect((await admin.request<{ user: { status: string } }>(get, { poolId })).user.status).toBe('RESET_REQUIRED');

    await admin.request(
      gql`
        mutation ($poolId: String!) {
          createGroup(poolId: $poolId, groupName: "ops", input: { precedence: 2 }) {
            groupName
          }
        }
      `,
      { poolId },
    );
    await admin.request(
      gql`
        mutation ($poolId: String!) {
          addUserToGroup(poolId: $poolId, groupName: "ops", username: "lee")
        }
      `,
      { poolId },
    );
    const groups = await admin.request<{ userGroups: { nodes: Array<{ groupName: string }> } }>(
      gql`
        query ($poolId: String!) {
          userGroups(poolId: $poolId, username: "lee") {
            nodes {
              groupName
            }
          }
        }
      `,
      { poolId },
    );
    expect(groups.userGroups.nodes).toEqual([{ groupName: 'ops' }]);
    const members = await admin.request<{ groupMembers: { nodes: Array<{ username: string }> } }>(
      gql`
        query ($poolId: String!) {
          groupMembers(poolId: $poolId, groupName: "ops") {
            nodes {
              username
            }
            hasNextPage
          }
        }
      `,
      { poolId },
    );
    expect(members.groupMembers.nodes).toEqual([{ username: 'lee' }]);
    const { group } = await admin.request<{ group: { revision: string } }>(
      gql`
        query ($poolId: String!) {
          group(poolId: $poolId, groupName: "ops") {
            revision
            precedence
          }
        }
      `,
      { poolId },
    );
    const updateGroup = gql`
      mutation ($poolId: String!, $rev: String) {
        updateGroup(poolId: $poolId, groupName: "ops", input: { description: "operators" }, expectedRevision: $rev) {
          description
          precedence
        }
      }
    `;
    expect((await admin.request<{ updateGroup: unknown }>(updateGroup, { poolId, rev: group.revision })).updateGroup).toEqual({
      description: 'operators',
      precedence: 2,
    });
    expect(await refusal(admin.request(updateGroup, { poolId, rev: group.revision }))).toMatchObject({ codes: ['PreconditionFailedException'] });
    await admin.request(
      gql`
        mutation ($poolId: String!) {
          removeUserFromGroup(poolId: $poolId, groupName: "ops", username: "lee")
        }
      `,
      { poolId },
    );
    expect(
      (
        await admin.request<{ groups: { nodes: unknown[] } }>(
          gql`
            query ($poolId: String!) {
              groups(poolId: $poolId) {
                nodes {
                  groupName
                }
              }
            }
          `,
          { poolId },
        )
      ).groups.nodes,
    ).toHaveLength(1);
    await admin.request(
      gql`
        mutation ($poolId: String!) {
          deleteGroup(poolId: $poolId, groupName: "ops")
        }
      `,
      { poolId },
    );

    await op('deleteUser');
    expect(await refusal(admin.request(get, { poolId }))).toMatchObject({ codes: ['UserNotFoundException'] });
  });

  test('sign-up, confirmation, sign-in, refresh, revocation, self-service; recent auth events by polling', async () => {
    const anonymous = anonymousClient(app.url);
    const up = await anonymous.request<{ signUp: { userConfirmed: boolean; codeDeliveryDetails: { attributeName: string } } }>(
      gql`
        mutation ($poolId: String!) {
          signUp(poolId: $poolId, username: "mia", password: "Correct-Horse-9", attributes: [{ name: "email", value: "mia@gql.test" }]) {
            userSub
            userConfirmed
            codeDeliveryDetails {
              attributeName
            }
          }
        }
      `,
      { poolId },
    );
    expect(up.signUp).toMatchObject({ userConfirmed: false, codeDeliveryDetails: { attributeName: 'email' } });
    await anonymous.request(
      gql`
        mutation ($poolId: String!, $code: String!) {
          confirmSignUp(poolId: $poolId, username: "mia", code: $code)
        }
      `,
      { poolId, code: await codeFor(app.url, poolId, 'mia') },
    );
    const signIn = gql`
      mutation ($poolId: String!, $clientId: String!, $password: String!) {
        signIn(poolId: $poolId, clientId: $clientId, username: "mia", password: $password) {
          tokens {
            accessToken
            refreshToken
          }
          challenge {
            name
          }
        }
      }
    `;
    expect(await refusal(anonymous.request(signIn, { poolId, clientId, password: 'Wrong-Horse-0' }))).toMatchObject({ codes: ['NotAuthorizedException'] });
    const { signIn: answer } = await anonymous.request<{ signIn: { tokens: { accessToken: string; refreshToken: string } } }>(signIn, {
      poolId,
      clientId,
      password: PASSWORD,
    });

    const me = userClient(app.url, answer.tokens.accessToken);
    expect(
      (
        await me.request<{ me: { username: string } }>(gql`
          {
            me {
              username
              attributes {
                name
                value
              }
            }
          }
        `)
      ).me.username,
    ).toBe('mia');
    await me.request(gql`
      mutation {
        updateMyAttributes(attributes: [{ name: "name", value: "Mia" }]) {
          attributeName
        }
      }
    `);
    await me.request(gql`
      mutation {
        changeMyPassword(previousPassword: "Correct-Horse-9", proposedPassword: "Other-Horse-77")
      }
    `);

    const refreshed = await anonymous.request<{ refreshTokens: { accessToken: string } }>(
      gql`
        mutation ($clientId: String!, $token: String!) {
          refreshTokens(clientId: $clientId, refreshToken: $token) {
            accessToken
          }
        }
      `,
      { clientId, token: answer.tokens.refreshToken },
    );
    expect(refreshed.refreshTokens.accessToken).toEqual(expect.any(String));
    await anonymous.request(
      gql`
        mutation ($clientId: String!, $token: String!) {
          revokeToken(clientId: $clientId, token: $token)
        }
      `,
      { clientId, token: answer.tokens.refreshToken },
    );
    // Revocation ends the family: its access tokens stop working too.
    expect(
      await refusal(
        me.request(gql`
          {
            me {
              username
            }
          }
        `),
      ),
    ).toMatchObject({ codes: ['NotAuthorizedException'] });

    // Polling: the newest first; a later poll shows the new attempt at the top, older ones after it.
    const poll = gql`
      query ($poolId: String!) {
        userAuthEvents(poolId: $poolId, username: "mia", first: 5) {
          nodes {
            eventId
            outcome
          }
        }
      }
    `;
    const before = (await admin.request<{ userAuthEvents: { nodes: Array<{ eventId: string; outcome: string }> } }>(poll, { poolId })).userAuthEvents.nodes;
    expect(before.map((e) => e.outcome)).toEqual(['pass', 'fail']);
    const again = await anonymous.request<{ signIn: { tokens: { accessToken: string } } }>(signIn, { poolId, clientId, password: 'Other-Horse-77' });
    const after = (await admin.request<{ userAuthEvents: { nodes: Array<{ eventId: string; outcome: string }> } }>(poll, { poolId })).userAuthEvents.nodes;
    expect(after.slice(1)).toEqual(before);

    const fresh = userClient(app.url, again.signIn.tokens.accessToken);
    await fresh.request(gql`
      mutation {
        signOutEverywhere
      }
    `);
    expect(
      await refusal(
        fresh.request(gql`
          {
            me {
              username
            }
          }
        `),
      ),
    ).toMatchObject({ codes: ['NotAuthorizedException'] });
  });

  test('authorization: no credentials, a user token on an admin operation, a token of another pool, a bad key', async () => {
    const anonymous = anonymousClient(app.url);
    expect(
      await refusal(
        anonymous.request(gql`
          {
            userPools {
              nodes {
                poolId
              }
            }
          }
        `),
      ),
    ).toMatchObject({ codes: ['UnauthenticatedException'] });
    expect(
      await refusal(
        anonymous.request(gql`
          {
            me {
              username
            }
          }
        `),
      ),
    ).toMatchObject({ codes: ['UnauthenticatedException'] });
    await anonymous.request(
      gql`
        mutation ($poolId: String!) {
          signUp(poolId: $poolId, username: "ned", password: "Correct-Horse-9", attributes: [{ name: "email", value: "ned@gql.test" }]) {
            userSub
          }
        }
      `,
      { poolId },
    );
    await admin.request(
      gql`
        mutation ($poolId: String!) {
          confirmUser(poolId: $poolId, username: "ned")
        }
      `,
      { poolId },
    );
    const { signIn } = await anonymous.request<{ signIn: { tokens: { accessToken: string; refreshToken: string } } }>(
      gql`
        mutation ($poolId: String!, $clientId: String!) {
          signIn(poolId: $poolId, clientId: $clientId, username: "ned", password: "Correct-Horse-9") {
            tokens {
              accessToken
              refreshToken
            }
          }
        }
      `,
      { poolId, clientId },
    );
    const user = userClient(app.url, signIn.tokens.accessToken);
    expect(
      await refusal(
        user.request(
          gql`
            query ($poolId: String!) {
              users(poolId: $poolId) {
                nodes {
                  username
                }
              }
            }
          `,
          { poolId },
        ),
      ),
    ).toMatchObject({ codes: ['UnauthenticatedException'] });

    const other = await admin.request<{ createUserPool: { poolId: string } }>(gql`
      mutation {
        createUserPool(input: { name: "gql-other" }) {
          poolId
        }
      }
    `);
    const otherClient = await admin.request<{ createAppClient: { clientId: string } }>(
      gql`
        mutation ($poolId: String!) {
          createAppClient(poolId: $poolId, input: { clientName: "o", explicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }) {
            clientId
          }
        }
      `,
      { poolId: other.createUserPool.poolId },
    );
    // This pool's refresh token with the other pool's client; this pool's client under the other pool.
    expect(
      await refusal(
        anonymous.request(
          gql`
            mutation ($c: String!, $t: String!) {
              refreshTokens(clientId: $c, refreshToken: $t) {
                accessToken
              }
            }
          `,
          { c: otherClient.createAppClient.clientId, t: signIn.tokens.refreshToken },
        ),
      ),
    ).toMatchObject({
      codes: ['NotAuthorizedException'],
    });
    expect(
      await refusal(
        anonymous.request(
          gql`
            mutation ($p: String!, $c: String!) {
              signIn(poolId: $p, clientId: $c, username: "ned", password: "Correct-Horse-9") {
                tokens {
                  accessToken
                }
              }
            }
          `,
          { p: other.createUserPool.poolId, c: clientId },
        ),
      ),
    ).toMatchObject({ codes: ['ResourceNotFoundException'] });

    const badKey = new GraphQLClient(`${app.url}/graphql`, { headers: { authorization: `Basic ${Buffer.from('AKIANOBODY:wrong').toString('base64')}` } });
    expect(
      await refusal(
        badKey.request(gql`
          {
            userPools {
              nodes {
                poolId
              }
            }
          }
        `),
      ),
    ).toMatchObject({ codes: ['UnauthenticatedException'] });
    // SigV4 by the admin key (service cairn) over the raw GraphQL body, as on REST.
    const signed = await signedCall(app.url, 'POST', '/graphql', { query: '{ userPools(first: 1) { nodes { poolId } } }' });
    expect(signed.body.errors).toBeUndefined();
    expect(signed.body.data.userPools.nodes).toHaveLength(1);
  });
});
