import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GraphQLClient, gql } from 'graphql-request';
import { call, type RunningApp, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';
import { refusal } from '../graphql/support.js';
import { bearer } from './support.js';

const PASSWORD = 'Correct-Horse-9';
type Admin = ReturnType<typeof sdkClient>;

/** A pool with a domain, the `cairn` resource server and client_credentials clients for the scopes given. */
async function poolWithClients(admin: Admin, domain: string, clients: Record<string, string[]>) {
  const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: domain }))).UserPool!.Id!;
  await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain }));
  await admin.send(
    new CreateResourceServerCommand({
      UserPoolId: poolId,
      Identifier: 'cairn',
      Name: 'Cairn administration',
      Scopes: [
        { ScopeName: 'admin', ScopeDescription: 'every admin route' },
        { ScopeName: 'admin.read', ScopeDescription: 'admin reads' },
        { ScopeName: 'other', ScopeDescription: 'no admin right' },
      ],
    }),
  );
  const ids: Record<string, { id: string; secret: string }> = {};
  for (const [name, scopes] of Object.entries(clients)) {
    const client = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: name,
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: scopes,
        }),
      )
    ).UserPoolClient!;
    ids[name] = { id: client.ClientId!, secret: client.ClientSecret! };
  }
  return { poolId, domain, clients: ids };
}

async function clientToken(url: string, domain: string, client: { id: string; secret: string }): Promise<string> {
  const r = await fetch(`${url}/auth/${domain}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

/**
 * Admin routes authorized by an access token from a client_credentials grant (issue 9): the
 * deployment names its admin pool (ADMIN_TOKEN_POOL); `cairn/admin` opens every admin route,
 * `cairn/admin.read` the reads; a user's token, another pool's token, a token without the scope
 * and a deleted client's token are refused, and nothing is written by a refused call.
 */
describe('admin access by client_credentials access tokens', () => {
  let app: RunningApp & { dataDir: string };
  let admin: Admin;
  let ops: Awaited<ReturnType<typeof poolWithClients>>;
  let tenant: Awaited<ReturnType<typeof poolWithClients>>;
  let webClient: string;

  beforeAll(async () => {
    const first = await startApp('pglite');
    admin = sdkClient(first.url);
    ops = await poolWithClients(admin, 'ops', { full: ['cairn/admin'], reader: ['cairn/admin.read'], other: ['cairn/other'] });
    tenant = await poolWithClients(admin, 'tenant', { full: ['cairn/admin'] });
    const web = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: ops.poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: ops.poolId, Username: 'olga', MessageAction: 'SUPPRESS' }));
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: ops.poolId, Username: 'olga', Password: PASSWORD, Permanent: true }));
    webClient = web.ClientId!;

    // Without ADMIN_TOKEN_POOL no access token is an admin credential, not even a full one.
    const token = await clientToken(first.url, 'ops', ops.clients.full);
    const refused = await call(first.url, 'GET', '/v1/user-pools', undefined, bearer(token));
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UnauthenticatedException');
    expect(refused.body.detail).toContain('ADMIN_TOKEN_POOL');
    await first.stop();

    // Tokens name the service's public URL as their issuer: a new port, new tokens.
    app = await startApp('pglite', { ADMIN_TOKEN_POOL: ops.poolId }, { dataDir: first.dataDir });
    admin = sdkClient(app.url);
  });
  afterAll(async () => {
    await app?.destroy();
  });

  const events = async () => Number((await app.platform.db.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0].n);

  test('cairn/admin opens every admin route, REST and GraphQL, and the token’s client is the recorded actor', async () => {
    const token = await clientToken(app.url, 'ops', ops.clients.full);
    const listed = await call(app.url, 'GET', '/v1/user-pools', undefined, bearer(token));
    expect(listed.status).toBe(200);
    expect(listed.body.pools.map((p: { poolId: string }) => p.poolId)).toEqual(expect.arrayContaining([ops.poolId, tenant.poolId]));

    const created = await call(app.url, 'POST', '/v1/user-pools', { name: 'made-by-token' }, bearer(token));
    expect(created.status).toBe(201);
    const actor = await app.platform.db.query<{ metadata: { actor?: { kind: string; id: string } } }>(
      `SELECT metadata FROM es_events WHERE type = 'UserPoolCreated' AND data->>'poolId' = $1`,
      [created.body.poolId],
    );
    expect(actor.rows[0].metadata.actor).toEqual({ kind: 'admin', id: `client/${ops.clients.full.id}` });

    const graphql = new GraphQLClient(`${app.url}/graphql`, { headers: bearer(token) });
    const pools = await graphql.request<{ userPools: { nodes: { poolId: string }[] } }>(gql`
      {
        userPools {
          nodes {
            poolId
          }
        }
      }
    `);
    expect(pools.userPools.nodes.map((p) => p.poolId)).toContain(created.body.poolId);
  });

  test('cairn/admin.read reads and cannot write; a token without an admin scope cannot read', async () => {
    const reader = await clientToken(app.url, 'ops', ops.clients.reader);
    expect((await call(app.url, 'GET', `/v1/user-pools/${ops.poolId}`, undefined, bearer(reader))).status).toBe(200);
    const before = await events();
    const write = await call(app.url, 'POST', '/v1/user-pools', { name: 'not-by-a-reader' }, bearer(reader));
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'NotAuthorizedException', detail: expect.stringContaining('cairn/admin') });
    // GraphQL requests are POSTs: a read scope does not open them.
    const viaGraphql = await refusal(
      new GraphQLClient(`${app.url}/graphql`, { headers: bearer(reader) }).request(gql`
        {
          userPools {
            nodes {
              poolId
            }
          }
        }
      `),
    );
    expect(viaGraphql.codes).toEqual(['NotAuthorizedException']);

    const other = await clientToken(app.url, 'ops', ops.clients.other);
    const read = await call(app.url, 'GET', '/v1/user-pools', undefined, bearer(other));
    expect(read.status).toBe(403);
    expect(read.body.code).toBe('NotAuthorizedException');
    expect(await events()).toBe(before);
  });

  test('a user’s access token, another pool’s admin-scoped token and a malformed token are refused', async () => {
    const signedIn = await admin.send(
      new AdminInitiateAuthCommand({
        UserPoolId: ops.poolId,
        ClientId: webClient,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'olga', PASSWORD },
      }),
    );
    const userToken = signedIn.AuthenticationResult!.AccessToken!;
    const before = await events();
    const asUser = await call(app.url, 'POST', '/v1/user-pools', { name: 'not-by-a-user' }, bearer(userToken));
    expect(asUser.status).toBe(403);
    expect(asUser.body.detail).toContain('client_credentials');

    const foreign = await clientToken(app.url, 'tenant', tenant.clients.full);
    const fromTenant = await call(app.url, 'POST', '/v1/user-pools', { name: 'not-by-a-tenant' }, bearer(foreign));
    expect(fromTenant.status).toBe(401);
    expect(fromTenant.body.detail).toContain('admin token pool');
    expect(fromTenant.headers.get('www-authenticate')).toContain('Bearer');

    // A token of the admin pool with a forged signature (its payload widened to cairn/admin).
    const reader = await clientToken(app.url, 'ops', ops.clients.reader);
    const [head, payload, signature] = reader.split('.');
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'cairn/admin' })).toString('base64url');
    const forged = await call(app.url, 'POST', '/v1/user-pools', { name: 'forged' }, bearer(`${head}.${widened}.${signature}`));
    expect(forged.status).toBe(401);
    expect((await call(app.url, 'GET', '/v1/user-pools', undefined, bearer('not-a-jwt'))).status).toBe(401);
    expect(await events()).toBe(before);
  });

  test('a deleted app client’s token stops working at once', async () => {
    const token = await clientToken(app.url, 'ops', ops.clients.full);
    expect((await call(app.url, 'GET', '/v1/user-pools', undefined, bearer(token))).status).toBe(200);
    await admin.send(new DeleteUserPoolClientCommand({ UserPoolId: ops.poolId, ClientId: ops.clients.full.id }));
    const after = await call(app.url, 'GET', '/v1/user-pools', undefined, bearer(token));
    expect(after.status).toBe(401);
    expect(after.body.detail).toContain('no longer exists');
  });
});
