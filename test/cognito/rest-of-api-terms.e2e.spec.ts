import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateTermsCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteTermsCommand,
  DeleteUserPoolClientCommand,
  DescribeTermsByClientCommand,
  DescribeTermsCommand,
  ListTermsCommand,
  UpdateTermsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { systemContext } from '../../src/shared/request-context.js';
import { AppClients } from '../../src/user-pools/clients/app-clients.js';
import { Pools } from '../../src/user-pools/pools.js';
import { termsAcceptedStream } from '../../src/user-pools/terms/terms.events.js';
import { PoolTerms, RecordTermsAcceptanceCommand, RecordTermsAcceptanceHandler } from '../../src/user-pools/terms/terms.use-cases.js';
import { Users } from '../../src/user-pools/users.js';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const LINKS = { 'cognito:default': 'https://terms.example.com', 'cognito:spanish': 'https://terms.example.com/es' };

/** Issue 12, point 6: terms documents per app client, and their acceptance recorded as an event. */
describe('terms: Create/Describe/DescribeByClient/Update/Delete/ListTerms', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let poolId: string;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };
  const newClient = async (name = 'web') =>
    (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name }))).UserPoolClient!.ClientId!;
  const create = (clientId: string, termsName: string, links: Record<string, string> = LINKS) =>
    admin.send(
      new CreateTermsCommand({ UserPoolId: poolId, ClientId: clientId, TermsName: termsName, TermsSource: 'LINK', Enforcement: 'NONE', Links: links }),
    );

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'terms' }))).UserPool!.Id!;
  });
  afterAll(async () => app.destroy());

  test('a document per name and client: created, described by id and by client, updated, deleted', async () => {
    const clientId = await newClient();
    const created = (await create(clientId, 'terms-of-use')).Terms!;
    expect(created).toEqual({
      TermsId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      UserPoolId: poolId,
      ClientId: clientId,
      TermsName: 'terms-of-use',
      TermsSource: 'LINK',
      Enforcement: 'NONE',
      Links: LINKS,
      CreationDate: expect.any(Date),
      LastModifiedDate: expect.any(Date),
    });
    expect((await admin.send(new DescribeTermsCommand({ UserPoolId: poolId, TermsId: created.TermsId }))).Terms).toEqual(created);
    expect((await admin.send(new DescribeTermsByClientCommand({ UserPoolId: poolId, ClientId: clientId, TermsName: 'terms-of-use' }))).Terms).toEqual(created);

    // Members left out of an update keep their values.
    const updated = (
      await admin.send(new UpdateTermsCommand({ UserPoolId: poolId, TermsId: created.TermsId, Links: { 'cognito:default': 'https://example.com/v2' } }))
    ).Terms!;
    expect(updated).toMatchObject({
      TermsId: created.TermsId,
      TermsName: 'terms-of-use',
      Links: { 'cognito:default': 'https://example.com/v2' },
      CreationDate: created.CreationDate,
    });

    await admin.send(new DeleteTermsCommand({ UserPoolId: poolId, TermsId: created.TermsId }));
    expect(await failure(admin.send(new DescribeTermsCommand({ UserPoolId: poolId, TermsId: created.TermsId })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Terms ${created.TermsId} do not exist.`,
    });
    expect(await failure(admin.send(new DescribeTermsByClientCommand({ UserPoolId: poolId, ClientId: clientId, TermsName: 'terms-of-use' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Terms named terms-of-use do not exist for client ${clientId}.`,
    });
  });

  test('a second document of the same name for a client is TermsExistsException; bad names, links and clients are refused', async () => {
    const clientId = await newClient();
    await create(clientId, 'terms-of-use');
    const privacy = (await create(clientId, 'privacy-policy')).Terms!;
    expect(await failure(create(clientId, 'terms-of-use'))).toEqual({
      name: 'TermsExistsException',
      message: `Terms named terms-of-use already exist for client ${clientId}.`,
    });
    expect((await failure(admin.send(new UpdateTermsCommand({ UserPoolId: poolId, TermsId: privacy.TermsId, TermsName: 'terms-of-use' })))).name).toBe(
      'TermsExistsException',
    );
    // Another client may have its own.
    expect((await create(await newClient('other'), 'terms-of-use')).Terms!.TermsName).toBe('terms-of-use');

    expect((await failure(create(clientId, 'cookie-policy'))).name).toBe('InvalidParameterException');
    expect(await failure(create(await newClient('third'), 'terms-of-use', { 'cognito:default': 'not a url' }))).toEqual({
      name: 'InvalidParameterException',
      message: 'The link for cognito:default is not a valid URL.',
    });
    expect((await failure(create('nosuchclient', 'terms-of-use'))).name).toBe('ResourceNotFoundException');
    expect((await failure(admin.send(new DeleteTermsCommand({ UserPoolId: poolId, TermsId: '9b2f4c1e-5d3a-4e7b-8c6d-1a2b3c4d5e6f' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  test("ListTerms pages through the pool's documents; a deleted client's documents go with it", async () => {
    const pool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'listing' }))).UserPool!.Id!;
    const clients = [];
    for (const name of ['a', 'b', 'c'])
      clients.push((await admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: name }))).UserPoolClient!.ClientId!);
    const ids = [];
    for (const clientId of clients) {
      ids.push(
        (
          await admin.send(
            new CreateTermsCommand({
              UserPoolId: pool,
              ClientId: clientId,
              TermsName: 'privacy-policy',
              TermsSource: 'LINK',
              Enforcement: 'NONE',
              Links: LINKS,
            }),
          )
        ).Terms!.TermsId,
      );
    }
    const first = await admin.send(new ListTermsCommand({ UserPoolId: pool, MaxResults: 2 }));
    expect(first.Terms!.map((t) => t.TermsId)).toEqual(ids.slice(0, 2));
    expect(first.Terms![0]).toEqual({
      TermsId: ids[0],
      TermsName: 'privacy-policy',
      Enforcement: 'NONE',
      CreationDate: expect.any(Date),
      LastModifiedDate: expect.any(Date),
    });
    const second = await admin.send(new ListTermsCommand({ UserPoolId: pool, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Terms!.map((t) => t.TermsId)).toEqual([ids[2]]);
    expect(second.NextToken).toBeUndefined();

    await admin.send(new DeleteUserPoolClientCommand({ UserPoolId: pool, ClientId: clients[1] }));
    expect((await admin.send(new ListTermsCommand({ UserPoolId: pool }))).Terms!.map((t) => t.TermsId)).toEqual([ids[0], ids[2]]);
    expect((await failure(admin.send(new ListTermsCommand({ UserPoolId: pool, NextToken: 'bm9wZQ' })))).name).toBe('InvalidParameterException');
  });

  test("a user's acceptance of a client's documents is an event on their acceptance stream", async () => {
    const clientId = await newClient('signup');
    const terms = (await create(clientId, 'terms-of-use')).Terms!;
    const sub = (await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'una', MessageAction: 'SUPPRESS' }))).User!.Attributes!.find(
      (a) => a.Name === 'sub',
    )!.Value!;
    // The hosted sign-up page (issue 14) runs this use case; no Cognito action sends it.
    const { store, secrets, clock } = app.platform;
    const readModels = { waitFor: async () => undefined };
    const clients = new AppClients(store, secrets);
    const handler = new RecordTermsAcceptanceHandler(
      store,
      clock,
      new Pools(store, clock, readModels),
      new Users(store, secrets, readModels),
      new PoolTerms(store, clients),
    );
    await handler.execute(new RecordTermsAcceptanceCommand({ poolId, clientId, sub, termsIds: [terms.TermsId!] }, systemContext('test')));
    const [accepted] = await store.readStream(termsAcceptedStream(poolId, sub));
    expect(accepted.type).toBe('TermsAccepted');
    expect(accepted.data).toEqual({
      poolId,
      sub,
      clientId,
      terms: [{ termsId: terms.TermsId, termsName: 'terms-of-use', links: LINKS }],
      at: expect.any(String),
    });
    // Documents of another client cannot be accepted through this one.
    const other = (await create(await newClient('elsewhere'), 'privacy-policy')).Terms!;
    await expect(
      handler.execute(new RecordTermsAcceptanceCommand({ poolId, clientId, sub, termsIds: [other.TermsId!] }, systemContext('test'))),
    ).rejects.toThrow(`Terms ${other.TermsId} do not exist.`);
  });
});
