import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolDomainCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from '../cognito/support.js';

/** Pool domains, resource servers and the app client OAuth members through the official SDK. */
describe('OAuth configuration through the Cognito API', () => {
  let app: RunningApp;
  let admin: ReturnType<typeof sdkClient>;
  let poolId: string;
  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'oauth-config' }))).UserPool!.Id!;
  });
  afterAll(() => app.destroy());

  test('a domain is created, described, updated, held by one pool only, and deleted', async () => {
    const created = await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop-config' }));
    expect(created).toMatchObject({ CloudFrontDomain: new URL(app.url).host, ManagedLoginVersion: 1 });
    const described = await admin.send(new DescribeUserPoolDomainCommand({ Domain: 'shop-config' }));
    expect(described.DomainDescription).toMatchObject({ UserPoolId: poolId, Domain: 'shop-config', Status: 'ACTIVE', ManagedLoginVersion: 1 });

    const other = (await admin.send(new CreateUserPoolCommand({ PoolName: 'other' }))).UserPool!.Id!;
    const taken = await rejection(admin.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: 'shop-config' })));
    expect([taken.name, taken.message]).toEqual(['InvalidParameterException', 'Domain already associated with another user pool.']);
    const second = await rejection(admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop-second' })));
    expect(second.name).toBe('InvalidParameterException');
    const reserved = await rejection(admin.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: 'aws-shop' })));
    expect(reserved.message).toBe('Domain cannot contain reserved word: aws');

    expect(await admin.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop-config', ManagedLoginVersion: 2 }))).toMatchObject({
      ManagedLoginVersion: 2,
    });
    const wrongPool = await rejection(admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: other, Domain: 'shop-config' })));
    expect(wrongPool.message).toBe('No such domain or user pool exists.');
    await admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop-config' }));
    expect((await admin.send(new DescribeUserPoolDomainCommand({ Domain: 'shop-config' }))).DomainDescription).toEqual({});
    // The name is free again.
    await admin.send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: 'shop-config' }));
    expect((await admin.send(new DescribeUserPoolDomainCommand({ Domain: 'shop-config' }))).DomainDescription?.UserPoolId).toBe(other);
  });

  test('resource servers: create, describe, list in pages, update, delete', async () => {
    const server = {
      UserPoolId: poolId,
      Identifier: 'https://orders.example.com',
      Name: 'orders',
      Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read orders' }],
    };
    const { ResourceServer } = await admin.send(new CreateResourceServerCommand(server));
    expect(ResourceServer).toEqual(server);
    const again = await rejection(admin.send(new CreateResourceServerCommand(server)));
    expect(again.name).toBe('InvalidParameterException');
    await admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'billing', Name: 'billing' }));
    const first = await admin.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 1 }));
    expect(first.ResourceServers?.map((s) => s.Identifier)).toEqual(['https://orders.example.com']);
    const rest = await admin.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 1, NextToken: first.NextToken }));
    expect(rest).toMatchObject({ ResourceServers: [{ Identifier: 'billing', Scopes: [] }] });
    expect(rest.NextToken).toBeUndefined();
    const updated = await admin.send(new UpdateResourceServerCommand({ ...server, Scopes: [{ ScopeName: 'write', ScopeDescription: 'Write' }] }));
    expect(updated.ResourceServer?.Scopes).toEqual([{ ScopeName: 'write', ScopeDescription: 'Write' }]);
    await admin.send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'billing' }));
    const gone = await rejection(admin.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'billing' })));
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  test('app clients: OAuth flows, scopes and URLs are checked as Cognito checks them', async () => {
    await admin.send(
      new CreateResourceServerCommand({
        UserPoolId: poolId,
        Identifier: 'inventory',
        Name: 'inventory',
        Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }],
      }),
    );
    const noSecret = await rejection(
      admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'm2m',
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['inventory/read'],
          AllowedOAuthFlowsUserPoolClient: true,
        }),
      ),
    );
    expect([noSecret.name, noSecret.message]).toEqual([
      'InvalidOAuthFlowException',
      'client_credentials flow can not be selected if client does not have a client secret.',
    ]);
    const unknownScope = await rejection(
      admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'm2m',
          GenerateSecret: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['inventory/write'],
        }),
      ),
    );
    expect(unknownScope.name).toBe('ScopeDoesNotExistException');
    const noCallback = await rejection(
      admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'] })),
    );
    expect([noCallback.name, noCallback.message]).toEqual([
      'InvalidOAuthFlowException',
      'CallbackUrls can not be empty when code flow or implicit flow is selected',
    ]);
    const m2m = await admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'm2m',
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: ['inventory/read'],
        AllowedOAuthFlowsUserPoolClient: true,
      }),
    );
    expect(m2m.UserPoolClient).toMatchObject({
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['inventory/read'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    const mixed = await rejection(
      admin.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientId: m2m.UserPoolClient!.ClientId,
          AllowedOAuthFlows: ['client_credentials', 'code'],
          CallbackURLs: ['https://app.example.com/cb'],
        }),
      ),
    );
    expect(mixed.message).toBe('client_credentials flow can not be selected along with code flow or implicit flow.');
    const plainHttp = await rejection(
      admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'web',
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid'],
          CallbackURLs: ['http://app.example.com/cb'],
        }),
      ),
    );
    expect(plainHttp.name).toBe('InvalidParameterException');
  });
});
