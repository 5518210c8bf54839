import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GraphQLClient, gql } from 'graphql-request';
import { generateSync } from 'otplib';
import { CAPABILITY_TYPES } from '../../src/api/graphql/capability-types.generated.js';
import { CAPABILITIES, REST_CAPABILITIES } from '../../src/api/rest/capabilities.js';
import { sdkClient } from '../cognito/support.js';
import { adminClient, refusal, userClient } from '../graphql/support.js';
import { type RunningApp, call, startApp } from '../support/app.js';
import { PASSWORD, admin, bearer, eventCount, poolWithClient, signedInUser } from './support.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }],
});
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

/** A pool with a domain, the `cairn` resource server and a client_credentials client with `scope`, all made over REST and the SDK. */
async function tokenPool(url: string, domain: string, scope: string) {
  const { poolId, clientId } = await poolWithClient(url, domain);
  expect((await call(url, 'POST', `/v1/user-pools/${poolId}/domains`, { Domain: domain }, admin)).status).toBe(201);
  const server = await call(
    url,
    'POST',
    `/v1/user-pools/${poolId}/resource-servers`,
    { Identifier: 'cairn', Name: 'Cairn administration', Scopes: [{ ScopeName: 'admin', ScopeDescription: 'every admin route' }] },
    admin,
  );
  expect(server.status).toBe(201);
  const client = (
    await sdkClient(url).send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'ops',
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [scope],
      }),
    )
  ).UserPoolClient!;
  return { poolId, webClientId: clientId, domain, client: { id: client.ClientId!, secret: client.ClientSecret! } };
}

async function clientToken(url: string, pool: { domain: string; client: { id: string; secret: string } }): Promise<string> {
  const r = await fetch(`${url}/auth/${pool.domain}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${pool.client.id}:${pool.client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

/**
 * The capabilities that landed after the first REST and GraphQL work, over real HTTP: MFA
 * configuration and preferences, devices, sessions and their configuration, domains, resource
 * servers, import jobs, log delivery, identity pools with roles, principal tags and identities,
 * role documents, trigger hooks. Each route runs the Cognito action's use case; authorization,
 * If-Match, and malformed input are checked on every route of the table.
 */
describe('REST and GraphQL forms of the later capabilities', () => {
  let app: RunningApp & { dataDir: string };
  let poolId: string;
  let clientId: string;
  let user: { accessToken: string };
  let ops: Awaited<ReturnType<typeof tokenPool>>;
  let tenant: Awaited<ReturnType<typeof tokenPool>>;
  let adminToken: string;
  let tenantToken: string;
  /** A user of the admin token pool: a valid token of that pool, but no client_credentials grant's. */
  let opsUserToken: string;
  const events = () => eventCount(app.platform.db);
  const as = (headers: Record<string, string>) => ({
    get: (path: string) => call(app.url, 'GET', path, undefined, headers),
    send: (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => call(app.url, method, path, body, { ...headers, ...extra }),
  });
  const rest = as(admin);

  beforeAll(async () => {
    const first = await startApp('pglite');
    ops = await tokenPool(first.url, 'capops', 'cairn/admin');
    tenant = await tokenPool(first.url, 'captenant', 'cairn/admin');
    await first.stop();
    // Tokens of the deployment's admin pool are admin credentials; the tenant's are not.
    app = await startApp('pglite', { ADMIN_TOKEN_POOL: ops.poolId }, { dataDir: first.dataDir });
    adminToken = await clientToken(app.url, ops);
    tenantToken = await clientToken(app.url, tenant);
    opsUserToken = (await signedInUser(app.url, ops.poolId, ops.webClientId, 'olga')).accessToken;
    ({ poolId, clientId } = await poolWithClient(app.url, 'capabilities'));
    const tracking = await rest.send('PUT', `/v1/user-pools/${poolId}/session-configuration`, {
      UserSessionTracking: 'ENABLED',
      TokenSession: { MaxPerUser: 10 },
    });
    expect(tracking.status).toBe(200);
    user = await signedInUser(app.url, poolId, clientId, 'ann');
    // Two starts of the app and a dozen set-up calls: on a loaded machine, more than a test's default.
  }, 300_000);

  afterAll(async () => {
    await app?.destroy();
  });

  test('MFA: the pool configuration (GET / PUT), a user’s preference by an admin and by the user, TOTP association', async () => {
    const set = await rest.send('PUT', `/v1/user-pools/${poolId}/mfa-config`, {
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } });
    expect((await rest.get(`/v1/user-pools/${poolId}/mfa-config`)).body).toMatchObject({ MfaConfiguration: 'OPTIONAL' });

    // The admin's token from the admin pool works as an admin key does.
    const viaToken = await as(bearer(adminToken)).get(`/v1/user-pools/${poolId}/mfa-config`);
    expect(viaToken.status).toBe(200);

    expect((await rest.send('PUT', `/v1/user-pools/${poolId}/users/ann/mfa-preference`, { SMSMfaSettings: { Enabled: false } })).status).toBe(200);
    const associated = await as(bearer(user.accessToken)).send('POST', '/v1/me/software-token');
    expect(associated.status).toBe(200);
    expect(associated.body.SecretCode).toMatch(/^[A-Z2-7]+$/);
    // No TOTP verified yet: turning the factor on is Cognito's typed refusal.
    const early = await as(bearer(user.accessToken)).send('PUT', '/v1/me/mfa-preference', { SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ code: 'InvalidParameterException', detail: expect.stringContaining('software token') });
    const me = as(bearer(user.accessToken));
    const wrong = await me.send('POST', '/v1/me/software-token/verify', { UserCode: '000000' });
    expect([wrong.status, wrong.body.code]).toEqual([400, 'EnableSoftwareTokenMFAException']);
    const verified = await me.send('POST', '/v1/me/software-token/verify', {
      UserCode: generateSync({ secret: associated.body.SecretCode }),
      FriendlyDeviceName: 'phone',
    });
    expect([verified.status, verified.body]).toEqual([200, { Status: 'SUCCESS' }]);
    expect((await me.send('PUT', '/v1/me/mfa-preference', { SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })).status).toBe(200);
    // The next password sign-in asks for the app's code.
    const signIn = await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-in`, { clientId, username: 'ann', password: PASSWORD });
    expect(signIn.body.challenge?.name).toBe('SOFTWARE_TOKEN_MFA');
    // An admin turns it off again.
    expect((await rest.send('PUT', `/v1/user-pools/${poolId}/users/ann/mfa-preference`, { SoftwareTokenMfaSettings: { Enabled: false } })).status).toBe(200);
    const plain = await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-in`, { clientId, username: 'ann', password: PASSWORD });
    expect(plain.body.tokens?.accessToken).toEqual(expect.any(String));
  });

  test('sessions: the user’s own and an admin’s listing, revoking one, the pool and client session configuration', async () => {
    const mine = await as(bearer(user.accessToken)).get('/v1/me/sessions');
    expect(mine.status).toBe(200);
    expect(mine.body.Sessions.length).toBeGreaterThanOrEqual(1);
    const listed = await rest.get(`/v1/user-pools/${poolId}/users/ann/sessions`);
    expect(listed.status).toBe(200);
    expect(listed.body.Sessions.map((s: { SessionId: string }) => s.SessionId)).toEqual(mine.body.Sessions.map((s: { SessionId: string }) => s.SessionId));

    // A second sign-in, revoked by the admin; the first, revoked by the user.
    const second = await signedInUser(app.url, poolId, clientId, 'bob');
    const bobs = (await as(bearer(second.accessToken)).get('/v1/me/sessions')).body.Sessions as Array<{ SessionId: string }>;
    const revoked = await rest.send('POST', `/v1/user-pools/${poolId}/users/bob/sessions/${bobs[0].SessionId}/revoke`, {});
    expect(revoked.status).toBe(200);
    expect((await as(bearer(second.accessToken)).get('/v1/me/sessions')).body.code).toBe('NotAuthorizedException');

    // The user revokes another of their sessions (the token's own cannot be, as in Cognito).
    const older = await signedInUser(app.url, poolId, clientId, 'cid');
    const newer = (await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-in`, { clientId, username: 'cid', password: PASSWORD })).body.tokens;
    const cids = (await as(bearer(newer.accessToken)).get('/v1/me/sessions')).body.Sessions as Array<{ SessionId: string; IsCurrentSession: boolean }>;
    expect(cids).toHaveLength(2);
    const other = cids.find((c) => !c.IsCurrentSession)!.SessionId;
    const own = await as(bearer(newer.accessToken)).send('POST', `/v1/me/sessions/${other}/revoke`, {});
    expect([own.status, own.body]).toEqual([200, {}]);
    expect((await rest.get(`/v1/user-pools/${poolId}/users/cid/sessions`)).body.Sessions).toHaveLength(1);
    expect((await as(bearer(older.accessToken)).get('/v1/me/sessions')).body.code).toBe('NotAuthorizedException');
    const current = cids.find((c) => c.IsCurrentSession)!.SessionId;
    expect((await as(bearer(newer.accessToken)).send('POST', `/v1/me/sessions/${current}/revoke`, {})).body.code).toBe('InvalidParameterException');

    expect((await rest.get(`/v1/user-pools/${poolId}/session-configuration`)).body).toMatchObject({
      UserSessionTracking: 'ENABLED',
      TokenSession: { MaxPerUser: 10 },
    });
    const clientConfig = await rest.send('PUT', `/v1/user-pools/${poolId}/clients/${clientId}/session-configuration`, {
      SSOSession: { MaxValidityMinutes: 90 },
    });
    expect(clientConfig.status).toBe(200);
    expect((await rest.get(`/v1/user-pools/${poolId}/clients/${clientId}/session-configuration`)).body).toMatchObject({
      SSOSession: { MaxValidityMinutes: 90 },
    });
  });

  test('devices: a sign-in’s new device confirmed by the user, listed, read, its status set and forgotten, by the user and by an admin', async () => {
    const sdk = sdkClient(app.url);
    const tracked = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'devices', DeviceConfiguration: { DeviceOnlyRememberedOnUserPrompt: true } })))
      .UserPool!.Id!;
    const web = (
      await sdk.send(
        new CreateUserPoolClientCommand({
          UserPoolId: tracked,
          ClientName: 'web',
          ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      )
    ).UserPoolClient!.ClientId!;
    await sdk.send(new AdminCreateUserCommand({ UserPoolId: tracked, Username: 'dee', MessageAction: 'SUPPRESS' }));
    await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: tracked, Username: 'dee', Password: PASSWORD, Permanent: true }));
    const signIn = async () =>
      (
        await sdk.send(
          new AdminInitiateAuthCommand({
            UserPoolId: tracked,
            ClientId: web,
            AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: 'dee', PASSWORD },
          }),
        )
      ).AuthenticationResult!;
    const result = await signIn();
    const deviceKey = result.NewDeviceMetadata!.DeviceKey!;
    const me = as(bearer(result.AccessToken!));
    const verifier = { PasswordVerifier: Buffer.from('verifier').toString('base64'), Salt: Buffer.from('salt').toString('base64') };
    const confirmed = await me.send('POST', `/v1/me/devices/${deviceKey}/confirm`, { DeviceSecretVerifierConfig: verifier, DeviceName: 'laptop' });
    expect([confirmed.status, confirmed.body]).toEqual([200, { UserConfirmationNecessary: true }]);

    const mine = await me.get('/v1/me/devices?limit=10');
    expect(mine.body.Devices.map((d: { DeviceKey: string }) => d.DeviceKey)).toEqual([deviceKey]);
    const attribute = (d: { DeviceAttributes: Array<{ Name: string; Value: string }> }, name: string) => d.DeviceAttributes.find((a) => a.Name === name)?.Value;
    const read = await me.get(`/v1/me/devices/${deviceKey}`);
    expect(attribute(read.body.Device, 'device_name')).toBe('laptop');
    // The user's devices are one stream: its revision is the ETag, by the user and by an admin.
    const d1 = read.headers.get('etag')!;
    expect(d1).toMatch(/^"\d+"$/);
    const remembered = await me.send('PUT', `/v1/me/devices/${deviceKey}/status`, { DeviceRememberedStatus: 'remembered' }, { 'if-match': d1 });
    expect(remembered.status).toBe(200);
    const d2 = remembered.headers.get('etag')!;
    expect(BigInt(JSON.parse(d2) as string)).toBeGreaterThan(BigInt(JSON.parse(d1) as string));
    const byAdmin = await rest.get(`/v1/user-pools/${tracked}/users/dee/devices/${deviceKey}`);
    expect(attribute(byAdmin.body.Device, 'dev:device_remembered_status')).toBe('remembered');
    expect(byAdmin.headers.get('etag')).toBe(d2);
    const adminStatus = `/v1/user-pools/${tracked}/users/dee/devices/${deviceKey}/status`;
    const staleDevice = await rest.send('PUT', adminStatus, { DeviceRememberedStatus: 'not_remembered' }, { 'if-match': d1 });
    expect([staleDevice.status, staleDevice.body.code]).toEqual([412, 'PreconditionFailedException']);
    expect(attribute((await me.get(`/v1/me/devices/${deviceKey}`)).body.Device, 'dev:device_remembered_status')).toBe('remembered');
    const staleOwn = await me.send('PUT', `/v1/me/devices/${deviceKey}/status`, { DeviceRememberedStatus: 'not_remembered' }, { 'if-match': d1 });
    expect([staleOwn.status, staleOwn.body.code]).toEqual([412, 'PreconditionFailedException']);
    const notRemembered = await rest.send('PUT', adminStatus, { DeviceRememberedStatus: 'not_remembered' }, { 'if-match': d2 });
    expect(notRemembered.status).toBe(200);
    expect(notRemembered.headers.get('etag')).not.toBe(d2);
    expect(attribute((await me.get(`/v1/me/devices/${deviceKey}`)).body.Device, 'dev:device_remembered_status')).toBe('not_remembered');

    // A second device, forgotten by the user; the first, by an admin.
    const again = await signIn();
    const other = again.NewDeviceMetadata!.DeviceKey!;
    expect((await as(bearer(again.AccessToken!)).send('POST', `/v1/me/devices/${other}/confirm`, { DeviceSecretVerifierConfig: verifier })).status).toBe(200);
    expect((await rest.get(`/v1/user-pools/${tracked}/users/dee/devices`)).body.Devices).toHaveLength(2);
    expect((await me.send('DELETE', `/v1/me/devices/${other}`)).status).toBe(204);
    expect((await rest.send('DELETE', `/v1/user-pools/${tracked}/users/dee/devices/${deviceKey}`)).status).toBe(204);
    expect((await rest.get(`/v1/user-pools/${tracked}/users/dee/devices`)).body.Devices).toEqual([]);
    const unknown = await rest.get(`/v1/user-pools/${tracked}/users/dee/devices/${deviceKey}`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ResourceNotFoundException']);
    const gqlMine = await userClient(app.url, result.AccessToken!).request<{ myDevices: { Devices: unknown[] } }>(gql`
      {
        myDevices(first: 5) {
          Devices {
            DeviceKey
          }
        }
      }
    `);
    expect(gqlMine.myDevices.Devices).toEqual([]);
  });

  test('domains and resource servers: create, describe, page, update, delete', async () => {
    expect((await rest.send('POST', `/v1/user-pools/${poolId}/domains`, { Domain: 'capdemo' })).status).toBe(201);
    const described = await rest.get('/v1/domains/capdemo');
    expect(described.body.DomainDescription).toMatchObject({ UserPoolId: poolId, Domain: 'capdemo', Status: 'ACTIVE' });
    expect((await rest.send('PUT', `/v1/user-pools/${poolId}/domains/capdemo`, { ManagedLoginVersion: 2 })).body.ManagedLoginVersion).toBe(2);
    expect((await rest.get('/v1/domains/capdemo')).body.DomainDescription.ManagedLoginVersion).toBe(2);
    expect((await rest.send('DELETE', `/v1/user-pools/${poolId}/domains/capdemo`)).status).toBe(204);
    const gone = await rest.get('/v1/domains/capdemo');
    expect([gone.status, gone.body.code]).toEqual([404, 'ResourceNotFoundException']);

    for (const n of [1, 2, 3]) {
      const made = await rest.send('POST', `/v1/user-pools/${poolId}/resource-servers`, {
        Identifier: `https://api${n}.example.com`,
        Name: `api ${n}`,
        Scopes: [{ ScopeName: 'read', ScopeDescription: 'reads' }],
      });
      expect(made.status).toBe(201);
    }
    const page1 = await rest.get(`/v1/user-pools/${poolId}/resource-servers?limit=2`);
    expect(page1.body.ResourceServers).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await rest.get(`/v1/user-pools/${poolId}/resource-servers?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.ResourceServers).toHaveLength(1);
    expect(page2.body.nextCursor).toBeUndefined();
    const id = encodeURIComponent('https://api1.example.com');
    expect((await rest.get(`/v1/user-pools/${poolId}/resource-servers/${id}`)).body.ResourceServer).toMatchObject({ Name: 'api 1' });
    const updated = await rest.send('PUT', `/v1/user-pools/${poolId}/resource-servers/${id}`, { Name: 'api one' });
    expect(updated.body.ResourceServer).toMatchObject({ Identifier: 'https://api1.example.com', Name: 'api one', Scopes: [] });
    expect((await rest.send('DELETE', `/v1/user-pools/${poolId}/resource-servers/${id}`)).status).toBe(204);
    expect((await rest.get(`/v1/user-pools/${poolId}/resource-servers/${id}`)).status).toBe(404);
  });

  test('import jobs and log delivery', async () => {
    expect((await rest.get(`/v1/user-pools/${poolId}/import-jobs/csv-header`)).body.CSVHeader).toContain('cognito:username');
    const created = await rest.send('POST', `/v1/user-pools/${poolId}/import-jobs`, {
      JobName: 'first',
      CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/import',
    });
    expect(created.status).toBe(201);
    const jobId = created.body.UserImportJob.JobId as string;
    expect(created.body.UserImportJob.PreSignedUrl).toEqual(expect.any(String));
    expect((await rest.get(`/v1/user-pools/${poolId}/import-jobs/${jobId}`)).body.UserImportJob).toMatchObject({ JobName: 'first', Status: 'Created' });
    expect((await rest.get(`/v1/user-pools/${poolId}/import-jobs?limit=5`)).body.UserImportJobs.map((j: { JobId: string }) => j.JobId)).toEqual([jobId]);
    // Not started: stopping it is Cognito's refusal.
    const stop = await rest.send('POST', `/v1/user-pools/${poolId}/import-jobs/${jobId}/stop`);
    expect(stop.status).toBeGreaterThanOrEqual(400);
    expect(stop.status).toBeLessThan(500);
    // The file uploaded to the job's URL, the job started over REST imports the user.
    const header = (await rest.get(`/v1/user-pools/${poolId}/import-jobs/csv-header`)).body.CSVHeader as string[];
    const values: Record<string, string> = {
      'cognito:username': 'imported',
      email: 'imported@rest.test',
      email_verified: 'true',
      'cognito:mfa_enabled': 'false',
      phone_number_verified: 'false',
    };
    const csv = `${header.join(',')}\n${header.map((h) => values[h] ?? '').join(',')}\n`;
    const uploaded = await fetch(created.body.UserImportJob.PreSignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'x-amz-server-side-encryption': 'aws:kms' },
      body: csv,
    });
    expect(uploaded.status).toBe(200);
    expect((await rest.send('POST', `/v1/user-pools/${poolId}/import-jobs/${jobId}/start`)).status).toBe(200);
    let job: { Status: string; ImportedUsers?: number } = { Status: 'Pending' };
    for (let i = 0; i < 600 && !['Succeeded', 'Failed', 'Stopped'].includes(job.Status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await rest.get(`/v1/user-pools/${poolId}/import-jobs/${jobId}`)).body.UserImportJob;
    }
    expect(job).toMatchObject({ Status: 'Succeeded', ImportedUsers: 1 });
    expect((await rest.get(`/v1/user-pools/${poolId}/users/imported`)).body.status).toBe('RESET_REQUIRED');

    const group = 'arn:aws:logs:eu-west-1:123456789012:log-group:notes';
    const set = await rest.send('PUT', `/v1/user-pools/${poolId}/log-delivery`, {
      LogConfigurations: [{ LogLevel: 'ERROR', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: group } }],
    });
    expect(set.status).toBe(200);
    expect((await rest.get(`/v1/user-pools/${poolId}/log-delivery`)).body.LogDeliveryConfiguration.LogConfigurations).toEqual([
      { LogLevel: 'ERROR', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: group } },
    ]);
  });

  test('identity providers: create, list by pages, describe, find by IdP identifier, update, delete; GraphQL fields', async () => {
    const details = {
      client_id: 'shop-web',
      client_secret: 'idp-secret-value',
      attributes_request_method: 'GET',
      oidc_issuer: 'https://idp.example.com',
      authorize_scopes: 'openid email',
    };
    const base = `/v1/user-pools/${poolId}/identity-providers`;
    for (const name of ['Corporate', 'Partner']) {
      const made = await rest.send('POST', base, { ProviderName: name, ProviderType: 'OIDC', ProviderDetails: details, IdpIdentifiers: [name.toLowerCase()] });
      expect([made.status, made.body.IdentityProvider?.ProviderName]).toEqual([201, name]);
    }
    const clash = await rest.send('POST', base, { ProviderName: 'Corporate', ProviderType: 'OIDC', ProviderDetails: details });
    expect([clash.status, clash.body.code]).toEqual([400, 'DuplicateProviderException']);
    const page1 = await rest.get(`${base}?limit=1`);
    expect(page1.body.Providers).toHaveLength(1);
    const page2 = await rest.get(`${base}?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect([...page1.body.Providers, ...page2.body.Providers].map((p: { ProviderName: string }) => p.ProviderName).sort()).toEqual(['Corporate', 'Partner']);
    expect((await rest.get(`${base}/Corporate`)).body.IdentityProvider).toMatchObject({ ProviderType: 'OIDC', IdpIdentifiers: ['corporate'] });
    expect((await rest.get(`${base}/by-identifier/partner`)).body.IdentityProvider.ProviderName).toBe('Partner');
    const updated = await rest.send('PUT', `${base}/Corporate`, { AttributeMapping: { email: 'mail' } });
    expect(updated.body.IdentityProvider.AttributeMapping).toMatchObject({ email: 'mail' });
    expect((await rest.send('DELETE', `${base}/Partner`)).status).toBe(204);
    const gone = await rest.get(`${base}/Partner`);
    expect([gone.status, gone.body.code]).toEqual([404, 'ResourceNotFoundException']);

    const viaGraphql = await adminClient(app.url).request<{
      identityProviders: { Providers: Array<{ ProviderName: string }> };
      identityProvider: { IdentityProvider: object };
    }>(
      gql`
        query ($poolId: String!) {
          identityProviders(poolId: $poolId, first: 10) {
            Providers {
              ProviderName
              ProviderType
            }
            nextCursor
          }
          identityProvider(poolId: $poolId, idpName: "Corporate") {
            IdentityProvider {
              ProviderName
              AttributeMapping
              CreationDate
            }
          }
        }
      `,
      { poolId },
    );
    expect(viaGraphql.identityProviders.Providers).toEqual([{ ProviderName: 'Corporate', ProviderType: 'OIDC' }]);
    expect(viaGraphql.identityProviders).toMatchObject({ nextCursor: null });
    expect(viaGraphql.identityProvider.IdentityProvider).toEqual({
      ProviderName: 'Corporate',
      AttributeMapping: expect.objectContaining({ email: 'mail' }),
      CreationDate: expect.any(Number),
    });
    // An operation without output answers Boolean true.
    const deleted = await adminClient(app.url).request<{ deleteIdentityProvider: boolean }>(
      gql`
        mutation ($poolId: String!) {
          deleteIdentityProvider(poolId: $poolId, idpName: "Corporate")
        }
      `,
      { poolId },
    );
    expect(deleted.deleteIdentityProvider).toBe(true);
  });

  test('identity pools with roles and principal tags, their identities, and role documents', async () => {
    // Role documents: GraphQL fields (their REST routes are the identity surface's).
    const roles = adminClient(app.url);
    const role = await roles.request<{ createRole: { Role: { Arn: string } } }>(
      gql`
        mutation ($input: JSON) {
          createRole(input: $input)
        }
      `,
      { input: { RoleName: 'reader', AssumeRolePolicyDocument: TRUST, Description: 'reads' } },
    );
    const roleArn = role.createRole.Role.Arn;
    const changed = await roles.request<{ updateRole: object; updateRoleTrustPolicy: object; putRolePolicy: object }>(
      gql`
        mutation ($trust: JSON, $policy: JSON) {
          updateRole(roleName: "reader", input: { Description: "reads objects" })
          updateRoleTrustPolicy(roleName: "reader", input: $trust)
          putRolePolicy(roleName: "reader", policyName: "objects", input: $policy)
        }
      `,
      { trust: { PolicyDocument: TRUST }, policy: { PolicyDocument: POLICY } },
    );
    expect(changed).toEqual({ updateRole: {}, updateRoleTrustPolicy: {}, putRolePolicy: {} });
    const described = await roles.request<{
      role: { Role: object };
      rolePolicies: { PolicyNames: string[] };
      rolePolicy: object;
      roles: { Roles: Array<{ RoleName: string }> };
    }>(gql`
      {
        role(roleName: "reader")
        rolePolicies(roleName: "reader")
        rolePolicy(roleName: "reader", policyName: "objects")
        roles(first: 10)
      }
    `);
    expect(described.role.Role).toMatchObject({ RoleName: 'reader', Description: 'reads objects', Arn: roleArn });
    expect(described.rolePolicies.PolicyNames).toEqual(['objects']);
    expect(described.rolePolicy).toMatchObject({ RoleName: 'reader', PolicyName: 'objects' });
    expect(described.roles.Roles.map((r) => r.RoleName)).toContain('reader');

    const created = await rest.send('POST', '/v1/identity-pools', { IdentityPoolName: 'capabilities', AllowUnauthenticatedIdentities: true });
    expect(created.status).toBe(201);
    const id = created.body.IdentityPoolId as string;
    expect((await rest.get(`/v1/identity-pools/${id}`)).body).toMatchObject({ IdentityPoolName: 'capabilities', AllowUnauthenticatedIdentities: true });
    const providerName = `cognito-idp.${poolId.split('_')[0]}.amazonaws.com/${poolId}`;
    const updated = await rest.send('PUT', `/v1/identity-pools/${id}`, {
      IdentityPoolName: 'capabilities',
      AllowUnauthenticatedIdentities: false,
      CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId }],
    });
    expect(updated.body.AllowUnauthenticatedIdentities).toBe(false);
    expect((await rest.get('/v1/identity-pools?limit=60')).body.IdentityPools.map((p: { IdentityPoolId: string }) => p.IdentityPoolId)).toContain(id);
    expect((await rest.send('PUT', `/v1/identity-pools/${id}/roles`, { Roles: { authenticated: roleArn } })).status).toBe(200);
    expect((await rest.get(`/v1/identity-pools/${id}/roles`)).body.Roles).toEqual({ authenticated: roleArn });
    const provider = encodeURIComponent(providerName);
    const tags = await rest.send('PUT', `/v1/identity-pools/${id}/principal-tags/${provider}`, { UseDefaults: false, PrincipalTags: { team: 'custom:team' } });
    expect(tags.status).toBe(200);
    expect((await rest.get(`/v1/identity-pools/${id}/principal-tags/${provider}`)).body).toMatchObject({ PrincipalTags: { team: 'custom:team' } });
    const identities = await rest.get(`/v1/identity-pools/${id}/identities?limit=10`);
    expect(identities.body).toMatchObject({ IdentityPoolId: id, Identities: [] });
    expect((await rest.get('/v1/identities/eu-west-1:00000000-0000-0000-0000-000000000000')).status).toBe(404);

    expect((await rest.send('DELETE', `/v1/identity-pools/${id}`)).status).toBe(204);
    expect((await rest.get(`/v1/identity-pools/${id}`)).status).toBe(404);
    expect(
      await roles.request(gql`
        mutation {
          deleteRolePolicy(roleName: "reader", policyName: "objects")
          deleteRole(roleName: "reader")
        }
      `),
    ).toEqual({ deleteRolePolicy: {}, deleteRole: {} });
    expect(
      (
        await refusal(
          roles.request(gql`
            {
              role(roleName: "reader")
            }
          `),
        )
      ).codes,
    ).toEqual(['NoSuchEntityException']);
  });

  test('role documents over REST: created, read with an ETag, changed with If-Match (stale: 412, nothing written), deleted', async () => {
    const created = await rest.send('POST', '/v1/roles', { roleName: 'etagged', assumeRolePolicy: TRUST, description: 'versioned' });
    expect([created.status, created.body.roleName]).toEqual([201, 'etagged']);
    const read = await rest.get('/v1/roles/etagged');
    expect([read.status, read.body.assumeRolePolicy]).toEqual([200, TRUST]);
    const r1 = read.headers.get('etag')!;
    expect(r1).toMatch(/^"\d+"$/);
    const policy = await rest.send('PUT', '/v1/roles/etagged/policies/objects', { policy: POLICY }, { 'if-match': r1 });
    expect([policy.status, policy.body.policies]).toEqual([200, { objects: POLICY }]);
    const r2 = policy.headers.get('etag')!;
    expect(BigInt(JSON.parse(r2) as string)).toBeGreaterThan(BigInt(JSON.parse(r1) as string));
    expect((await rest.get('/v1/roles/etagged')).headers.get('etag')).toBe(r2);
    const before = await events();
    for (const [method, path, body] of [
      ['PUT', '/v1/roles/etagged/trust-policy', { policy: TRUST }],
      ['PUT', '/v1/roles/etagged/policies/more', { policy: POLICY }],
      ['DELETE', '/v1/roles/etagged/policies/objects', undefined],
      ['DELETE', '/v1/roles/etagged', undefined],
    ] as const) {
      const stale = await rest.send(method, path, body, { 'if-match': r1 });
      expect([method, path, stale.status, stale.body.code]).toEqual([method, path, 412, 'PreconditionFailedException']);
    }
    expect(await events()).toBe(before);
    const trust = await rest.send('PUT', '/v1/roles/etagged/trust-policy', { policy: JSON.parse(TRUST) as object }, { 'if-match': r2 });
    expect(trust.status).toBe(200);
    const r3 = trust.headers.get('etag')!;
    const dropped = await rest.send('DELETE', '/v1/roles/etagged/policies/objects', undefined, { 'if-match': r3 });
    expect([dropped.status, dropped.body.policies]).toEqual([200, {}]);
    const gone = await rest.send('DELETE', '/v1/roles/etagged', undefined, { 'if-match': dropped.headers.get('etag')! });
    expect([gone.status, gone.headers.get('etag')]).toEqual([204, null]);
    expect((await rest.get('/v1/roles/etagged')).status).toBe(404);
  });

  test('trigger hooks: LambdaConfig set by PUT with If-Match (stale: 412, nothing written), shown by GET and GraphQL', async () => {
    const hook = 'arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up';
    const before = await rest.get(`/v1/user-pools/${poolId}`);
    const etag = before.headers.get('etag')!;
    const set = await rest.send(
      'PUT',
      `/v1/user-pools/${poolId}`,
      { name: 'capabilities', autoVerifiedAttributes: ['email'], lambdaConfig: { PreSignUp: hook } },
      { 'if-match': etag },
    );
    expect(set.status).toBe(200);
    expect(set.body.lambdaConfig).toEqual({ PreSignUp: hook });
    const written = await events();
    const stale = await rest.send('PUT', `/v1/user-pools/${poolId}`, { name: 'capabilities', lambdaConfig: {} }, { 'if-match': etag });
    expect([stale.status, stale.body.code]).toEqual([412, 'PreconditionFailedException']);
    expect(await events()).toBe(written);
    const viaGraphql = await adminClient(app.url).request<{ userPool: { lambdaConfig: unknown } }>(
      gql`
        query ($poolId: String!) {
          userPool(poolId: $poolId) {
            lambdaConfig
          }
        }
      `,
      { poolId },
    );
    expect(viaGraphql.userPool.lambdaConfig).toEqual({ PreSignUp: hook });
    // And set through GraphQL with its revision: a stale one is refused the same way.
    const { userPool } = await adminClient(app.url).request<{ userPool: { revision: string } }>(
      gql`
        query ($poolId: String!) {
          userPool(poolId: $poolId) {
            revision
          }
        }
      `,
      { poolId },
    );
    const update = gql`
      mutation ($poolId: String!, $revision: String, $hooks: JSON) {
        updateUserPool(poolId: $poolId, expectedRevision: $revision, input: { name: "capabilities", autoVerifiedAttributes: ["email"], lambdaConfig: $hooks }) {
          lambdaConfig
        }
      }
    `;
    const cleared = await adminClient(app.url).request<{ updateUserPool: { lambdaConfig: unknown } }>(update, {
      poolId,
      revision: userPool.revision,
      hooks: {},
    });
    expect(cleared.updateUserPool.lambdaConfig).toBeNull();
    expect((await refusal(adminClient(app.url).request(update, { poolId, revision: userPool.revision, hooks: { PreSignUp: hook } }))).codes).toEqual([
      'PreconditionFailedException',
    ]);
  });

  // Every route of the table, with the path filled by resources that exist where that matters.
  const filled = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) =>
      name === 'poolId'
        ? poolId
        : name === 'username'
          ? 'ann'
          : name === 'clientId'
            ? clientId
            : name === 'identityPoolId'
              ? 'eu-west-1:00000000-0000-0000-0000-000000000000'
              : 'x',
    );

  test('every capability route: no credentials 401; a user token on an admin route 403; another pool’s admin token 401; nothing written', async () => {
    const before = await events();
    for (const c of REST_CAPABILITIES) {
      const path = filled(c.path);
      const method = c.method.toUpperCase();
      const body = c.body ? {} : undefined;
      const none = await call(app.url, method, path, body);
      expect([method, c.path, none.status, none.body.code]).toEqual([method, c.path, 401, 'UnauthenticatedException']);
      expect(none.headers.get('www-authenticate')).toBeTruthy();
      if (c.auth === 'admin') {
        const asUser = await call(app.url, method, path, body, bearer(opsUserToken));
        expect([method, c.path, asUser.status, asUser.body.code]).toEqual([method, c.path, 403, 'NotAuthorizedException']);
        const foreign = await call(app.url, method, path, body, bearer(tenantToken));
        expect([method, c.path, foreign.status, foreign.body.code]).toEqual([method, c.path, 401, 'UnauthenticatedException']);
      } else {
        // A self-service route with an admin key instead of the user's token.
        const asAdmin = await call(app.url, method, path, body, bearer(tenantToken));
        expect([method, c.path, asAdmin.status >= 400 && asAdmin.status < 500]).toEqual([method, c.path, true]);
      }
    }
    expect(await events()).toBe(before);
  });

  test('every capability write: a stale If-Match is 412 and a malformed one 400; a malformed body 400; nothing written', async () => {
    const before = await events();
    for (const c of REST_CAPABILITIES.filter((r) => r.method !== 'get')) {
      const headers = c.auth === 'admin' ? admin : bearer(user.accessToken);
      const path = filled(c.path);
      const method = c.method.toUpperCase();
      const stale = await call(app.url, method, path, c.body ? {} : undefined, { ...headers, 'if-match': '"999999"' });
      expect([method, c.path, stale.status, stale.body.code]).toEqual([method, c.path, 412, 'PreconditionFailedException']);
      const odd = await call(app.url, method, path, c.body ? {} : undefined, { ...headers, 'if-match': 'yesterday' });
      expect([method, c.path, odd.status]).toEqual([method, c.path, 400]);
      const malformed = await call(app.url, method, path, { NoSuchMember: 1 }, headers);
      expect([method, c.path, malformed.status, malformed.body.code]).toEqual([method, c.path, 400, 'InvalidParameterException']);
      expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    // A path member in the body is refused too (the path names the resource).
    const smuggled = await rest.send('PUT', `/v1/user-pools/${poolId}/mfa-config`, { UserPoolId: tenant.poolId, MfaConfiguration: 'OFF' });
    expect([smuggled.status, smuggled.body.code]).toEqual([400, 'InvalidParameterException']);
    expect((await rest.get(`/v1/user-pools/${poolId}/resource-servers?limit=0`)).status).toBe(400);
    expect((await rest.get(`/v1/user-pools/${poolId}/mfa-config?extra=1`)).status).toBe(400);
    expect(await events()).toBe(before);
  });

  test('versioned capability resources: GET answers the ETag; a write with it applies and answers the next; a stale one is 412; none applies', async () => {
    const { poolId: pool, clientId: client } = await poolWithClient(app.url, 'etags');
    const P = `/v1/user-pools/${pool}`;
    expect((await rest.send('POST', `${P}/domains`, { Domain: 'capetags' })).status).toBe(201);
    const server = encodeURIComponent('https://etags.example.com');
    expect((await rest.send('POST', `${P}/resource-servers`, { Identifier: 'https://etags.example.com', Name: 'etags' })).status).toBe(201);
    const details = {
      client_id: 'shop',
      client_secret: 'idp-secret',
      attributes_request_method: 'GET',
      oidc_issuer: 'https://idp.example.com',
      authorize_scopes: 'openid',
    };
    expect((await rest.send('POST', `${P}/identity-providers`, { ProviderName: 'Corp', ProviderType: 'OIDC', ProviderDetails: details })).status).toBe(201);
    const idPool = await rest.send('POST', '/v1/identity-pools', { IdentityPoolName: 'etags', AllowUnauthenticatedIdentities: true });
    expect(idPool.status).toBe(201);
    const ip = `/v1/identity-pools/${idPool.body.IdentityPoolId as string}`;
    const roleArn = 'arn:aws:iam::123456789012:role/etags';
    const providerName = `cognito-idp.${pool.split('_')[0]}.amazonaws.com/${pool}`;
    const provider = encodeURIComponent(providerName);
    const providers = [{ ProviderName: providerName, ClientId: client }];
    const logs = (level: string) => ({
      LogConfigurations: [
        {
          LogLevel: level,
          EventSource: 'userNotification',
          CloudWatchLogsConfiguration: { LogGroupArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:etags' },
        },
      ],
    });
    /** Each versioned update, with two bodies that change it; `read`: its GET (absent: the update's path). */
    const cases: Array<{ path: string; bodies: [object, object]; read?: string | false }> = [
      { path: `${P}/mfa-config`, bodies: [{ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }, { MfaConfiguration: 'OFF' }] },
      {
        path: `${P}/session-configuration`,
        bodies: [
          { UserSessionTracking: 'ENABLED', TokenSession: { MaxPerUser: 5 } },
          { UserSessionTracking: 'ENABLED', TokenSession: { MaxPerUser: 6 } },
        ],
      },
      {
        path: `${P}/clients/${client}/session-configuration`,
        bodies: [{ SSOSession: { MaxValidityMinutes: 90 } }, { SSOSession: { MaxValidityMinutes: 120 } }],
      },
      { path: `${P}/domains/capetags`, bodies: [{ ManagedLoginVersion: 2 }, { ManagedLoginVersion: 1 }], read: false },
      { path: `${P}/resource-servers/${server}`, bodies: [{ Name: 'etags one' }, { Name: 'etags two' }] },
      { path: `${P}/log-delivery`, bodies: [logs('ERROR'), logs('INFO')] },
      { path: `${P}/identity-providers/Corp`, bodies: [{ AttributeMapping: { email: 'mail' } }, { AttributeMapping: { email: 'email' } }] },
      {
        path: ip,
        bodies: [
          { IdentityPoolName: 'etags', AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: providers },
          { IdentityPoolName: 'etags', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: providers },
        ],
      },
      { path: `${ip}/roles`, bodies: [{ Roles: { authenticated: roleArn } }, { Roles: { authenticated: roleArn, unauthenticated: roleArn } }] },
      {
        path: `${ip}/principal-tags/${provider}`,
        bodies: [
          { UseDefaults: false, PrincipalTags: { team: 'custom:team' } },
          { UseDefaults: false, PrincipalTags: { dept: 'custom:dept' } },
        ],
      },
    ];
    // Every versioned update of the table is here (a new one must be added to this test).
    const versioned = REST_CAPABILITIES.filter((c) => c.stream && (c.method === 'put' || c.method === 'patch')).map((c) => c.path);
    const covered = cases.map((c) =>
      c.path
        .replace(provider, '{providerName}')
        .replace(ip, '/v1/identity-pools/{identityPoolId}')
        .replace(server, '{identifier}')
        .replace('/Corp', '/{idpName}')
        .replace(/\/domains\/capetags$/, '/domains/{domain}')
        .replace(pool, '{poolId}')
        .replace(client, '{clientId}'),
    );
    // A user's MFA preference (the user's stream) is checked below; device status (the user's devices stream) in the devices test.
    const elsewhere = [
      '/v1/user-pools/{poolId}/users/{username}/mfa-preference',
      '/v1/me/mfa-preference',
      '/v1/user-pools/{poolId}/users/{username}/devices/{deviceKey}/status',
      '/v1/me/devices/{deviceKey}/status',
    ];
    expect([...covered, ...elsewhere].sort()).toEqual([...versioned].sort());

    const etagOf = (r: { headers: Headers }) => r.headers.get('etag');
    for (const { path, bodies, read } of cases) {
      const readPath = read === false ? undefined : (read ?? path);
      // Unconditional (no If-Match): applied, and the answer names the new version.
      const first = await rest.send('PUT', path, bodies[0]);
      expect([path, first.status, etagOf(first)]).toEqual([path, 200, expect.stringMatching(/^"\d+"$/)]);
      const e1 = etagOf(first)!;
      if (readPath) expect([path, etagOf(await rest.get(readPath))]).toEqual([path, e1]);
      // Matching If-Match: applied; the ETag moves on.
      const second = await rest.send('PUT', path, bodies[1], { 'if-match': e1 });
      expect([path, second.status]).toEqual([path, 200]);
      const e2 = etagOf(second)!;
      expect([path, e2]).toEqual([path, expect.stringMatching(/^"\d+"$/)]);
      expect([path, BigInt(JSON.parse(e2) as string) > BigInt(JSON.parse(e1) as string)]).toEqual([path, true]);
      if (readPath) expect([path, etagOf(await rest.get(readPath))]).toEqual([path, e2]);
      // Stale If-Match (the version before the second write): 412 problem details, nothing written.
      const before = await events();
      const stale = await rest.send('PUT', path, bodies[0], { 'if-match': e1 });
      expect([path, stale.status, stale.body.code]).toEqual([path, 412, 'PreconditionFailedException']);
      expect(stale.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(stale.body.detail).toContain(`not ${JSON.parse(e1) as string}`);
      expect(await events()).toBe(before);
      if (readPath) expect([path, etagOf(await rest.get(readPath))]).toEqual([path, e2]);
      // A weak form of the current ETag matches too.
      expect([path, (await rest.send('PUT', path, bodies[0], { 'if-match': `W/${e2}` })).status]).toEqual([path, 200]);
    }
    const shown = await rest.get(`${P}/mfa-config`);
    expect(shown.body.MfaConfiguration).toBe('OPTIONAL');

    // A user's MFA preference is the user's stream: the user's ETag (GET /users/{username}) is its version, by an admin and by the user.
    const vera = await signedInUser(app.url, pool, client, 'vera');
    const userPath = `${P}/users/vera`;
    const preference = { SMSMfaSettings: { Enabled: false } };
    const u1 = etagOf(await rest.get(userPath))!;
    const byAdmin = await rest.send('PUT', `${userPath}/mfa-preference`, preference, { 'if-match': u1 });
    expect([byAdmin.status, etagOf(byAdmin)]).toEqual([200, expect.stringMatching(/^"\d+"$/)]);
    const u2 = etagOf(byAdmin)!;
    expect(etagOf(await rest.get(userPath))).toBe(u2);
    const self = as(bearer(vera.accessToken));
    const own = await self.send('PUT', '/v1/me/mfa-preference', preference, { 'if-match': u2 });
    expect([own.status, etagOf(own)]).toEqual([200, etagOf(await rest.get(userPath))]);
    // Another write moves the user on: both forms refuse the version before it.
    const u3 = etagOf(own)!;
    expect((await rest.send('PATCH', userPath, { attributes: { given_name: 'Vera' } })).status).toBe(200);
    const u4 = etagOf(await rest.get(userPath))!;
    expect(u4).not.toBe(u3);
    for (const [who, send] of [
      ['admin', () => rest.send('PUT', `${userPath}/mfa-preference`, preference, { 'if-match': u3 })],
      ['user', () => self.send('PUT', '/v1/me/mfa-preference', preference, { 'if-match': u3 })],
    ] as const) {
      const before = await events();
      const refused = await send();
      expect([who, refused.status, refused.body.code]).toEqual([who, 412, 'PreconditionFailedException']);
      expect(await events()).toBe(before);
    }
    expect((await self.send('PUT', '/v1/me/mfa-preference', preference, { 'if-match': u4 })).status).toBe(200);

    // GraphQL: the same version as `revision`, and `expectedRevision` on the write.
    const gqlAdmin = adminClient(app.url);
    const readMfa = gql`
      query ($poolId: String!) {
        userPoolMfaConfig(poolId: $poolId) {
          MfaConfiguration
          revision
        }
      }
    `;
    const setMfa = gql`
      mutation ($poolId: String!, $input: CognitoSetUserPoolMfaConfigRequestInput, $expectedRevision: String) {
        setUserPoolMfaConfig(poolId: $poolId, input: $input, expectedRevision: $expectedRevision) {
          MfaConfiguration
          revision
        }
      }
    `;
    const viaGraphql = await gqlAdmin.request<{ userPoolMfaConfig: { MfaConfiguration: string; revision: string } }>(readMfa, { poolId: pool });
    expect(`"${viaGraphql.userPoolMfaConfig.revision}"`).toBe(etagOf(shown));
    const gqlBefore = await events();
    const gqlStale = await refusal(
      gqlAdmin.request(setMfa, {
        poolId: pool,
        input: { MfaConfiguration: 'OFF' },
        expectedRevision: String(BigInt(viaGraphql.userPoolMfaConfig.revision) - 1n),
      }),
    );
    expect(gqlStale.codes).toEqual(['PreconditionFailedException']);
    expect(await events()).toBe(gqlBefore);
    const gqlSet = await gqlAdmin.request<{ setUserPoolMfaConfig: { MfaConfiguration: string; revision: string } }>(setMfa, {
      poolId: pool,
      input: { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } },
      expectedRevision: viaGraphql.userPoolMfaConfig.revision,
    });
    expect(BigInt(gqlSet.setUserPoolMfaConfig.revision)).toBeGreaterThan(BigInt(viaGraphql.userPoolMfaConfig.revision));
    expect(etagOf(await rest.get(`${P}/mfa-config`))).toBe(`"${gqlSet.setUserPoolMfaConfig.revision}"`);

    // Two writers holding the same ETag: one applies, the other is 412.
    const current = etagOf(await rest.get(`${P}/mfa-config`))!;
    const racing = await Promise.all([
      rest.send('PUT', `${P}/mfa-config`, { MfaConfiguration: 'OFF' }, { 'if-match': current }),
      rest.send('PUT', `${P}/mfa-config`, { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }, { 'if-match': current }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 412]);

    // A resource that is no single stream answers no ETag, and If-Match on its writes is refused with that reason.
    const csv = await rest.get(`${P}/import-jobs/csv-header`);
    expect([csv.status, etagOf(csv)]).toEqual([200, null]);
    const unversioned = await self.send('POST', '/v1/me/software-token', undefined, { 'if-match': '"0"' });
    expect([unversioned.status, unversioned.body.code]).toEqual([412, 'PreconditionFailedException']);
    expect(unversioned.body.detail).toContain('no single version');
    // Its OpenAPI operation says so; a versioned one documents If-Match and the ETag.
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    expect(doc.paths['/v1/me/software-token'].post.description).toContain('no ETag');
    const mfa = doc.paths['/v1/user-pools/{poolId}/mfa-config'];
    expect(mfa.get.responses['200'].headers.ETag).toBeDefined();
    expect(mfa.put.parameters.map((p: { name: string }) => p.name)).toContain('If-Match');
    expect(mfa.put.responses['200'].headers.ETag).toBeDefined();
  });

  test('GraphQL: the same capabilities as fields (object types in Cognito’s members), paginated lists, the same refusals', async () => {
    const gqlAdmin = adminClient(app.url);
    const set = await gqlAdmin.request<{ setUserPoolMfaConfig: { MfaConfiguration: string } }>(
      gql`
        mutation ($poolId: String!, $input: CognitoSetUserPoolMfaConfigRequestInput) {
          setUserPoolMfaConfig(poolId: $poolId, input: $input) {
            MfaConfiguration
            SoftwareTokenMfaConfiguration {
              Enabled
            }
          }
        }
      `,
      { poolId, input: { MfaConfiguration: 'OFF' } },
    );
    expect(set.setUserPoolMfaConfig).toEqual({ MfaConfiguration: 'OFF', SoftwareTokenMfaConfiguration: { Enabled: false } });
    const read = await gqlAdmin.request<{ userPoolMfaConfig: { MfaConfiguration: string }; userPoolSessionConfiguration: { UserSessionTracking: string } }>(
      gql`
        query ($poolId: String!) {
          userPoolMfaConfig(poolId: $poolId) {
            MfaConfiguration
          }
          userPoolSessionConfiguration(poolId: $poolId) {
            UserSessionTracking
            __typename
          }
        }
      `,
      { poolId },
    );
    expect(read).toEqual({
      userPoolMfaConfig: { MfaConfiguration: 'OFF' },
      userPoolSessionConfiguration: { UserSessionTracking: 'ENABLED', __typename: 'CognitoGetUserPoolSessionConfigurationResponse' },
    });

    const servers = gql`
      query ($poolId: String!, $after: String) {
        resourceServers(poolId: $poolId, first: 1, after: $after) {
          ResourceServers {
            Identifier
            Name
            Scopes {
              ScopeName
            }
          }
          nextCursor
        }
      }
    `;
    const first = await gqlAdmin.request<{ resourceServers: { ResourceServers: unknown[]; nextCursor?: string } }>(servers, { poolId });
    expect(first.resourceServers.ResourceServers).toHaveLength(1);
    const second = await gqlAdmin.request<{ resourceServers: { ResourceServers: unknown[] } }>(servers, { poolId, after: first.resourceServers.nextCursor });
    expect(second.resourceServers.ResourceServers).toHaveLength(1);
    expect(second.resourceServers.ResourceServers).not.toEqual(first.resourceServers.ResourceServers);

    const created = await gqlAdmin.request<{ createIdentityPool: { IdentityPoolId: string } }>(gql`
      mutation {
        createIdentityPool(input: { IdentityPoolName: "viaGraphql", AllowUnauthenticatedIdentities: false }) {
          IdentityPoolId
          AllowUnauthenticatedIdentities
        }
      }
    `);
    const listed = await gqlAdmin.request<{ identityPools: { IdentityPools: Array<{ IdentityPoolId: string }> } }>(gql`
      {
        identityPools(first: 60) {
          IdentityPools {
            IdentityPoolId
            IdentityPoolName
          }
        }
      }
    `);
    expect(listed.identityPools.IdentityPools.map((p) => p.IdentityPoolId)).toContain(created.createIdentityPool.IdentityPoolId);

    // Self-service with the user's token.
    const mine = await userClient(app.url, user.accessToken).request<{ myDevices: { Devices: unknown[] }; mySessions: { Sessions: unknown[] } }>(gql`
      {
        myDevices(first: 5) {
          Devices {
            DeviceKey
          }
        }
        mySessions {
          Sessions {
            SessionId
            IsCurrentSession
          }
        }
      }
    `);
    expect(mine.myDevices.Devices).toEqual([]);
    expect(mine.mySessions.Sessions.length).toBeGreaterThanOrEqual(1);

    // Refusals: no credentials, a user's token on an admin field, another pool's token, malformed input; nothing written.
    const before = await events();
    const mutation = gql`
      mutation ($poolId: String!, $input: CognitoSetUserPoolMfaConfigRequestInput) {
        setUserPoolMfaConfig(poolId: $poolId, input: $input) {
          MfaConfiguration
        }
      }
    `;
    const vars = { poolId, input: { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } } };
    expect((await refusal(new GraphQLClient(`${app.url}/graphql`).request(mutation, vars))).codes).toEqual(['UnauthenticatedException']);
    expect((await refusal(userClient(app.url, opsUserToken).request(mutation, vars))).codes).toEqual(['NotAuthorizedException']);
    expect((await refusal(new GraphQLClient(`${app.url}/graphql`, { headers: bearer(tenantToken) }).request(mutation, vars))).codes).toEqual([
      'UnauthenticatedException',
    ]);
    expect((await refusal(gqlAdmin.request(mutation, { poolId, input: { MfaConfiguration: 'SOMETIMES' } }))).codes).toEqual(['InvalidParameterException']);
    // A member the path fills is no member of the input type.
    const smuggled = await refusal(gqlAdmin.request(mutation, { poolId, input: { UserPoolId: tenant.poolId } }));
    expect([smuggled.status, smuggled.messages.join()]).toEqual([400, expect.stringContaining('UserPoolId')]);
    expect(
      (
        await refusal(
          new GraphQLClient(`${app.url}/graphql`).request(gql`
            {
              myDevices {
                Devices {
                  DeviceKey
                }
              }
            }
          `),
        )
      ).codes,
    ).toEqual(['UnauthenticatedException']);
    expect(await events()).toBe(before);
  });

  test('every capability field over GraphQL: no credentials, a user token on an admin field, another pool’s token, malformed input; nothing written', async () => {
    const before = await events();
    const literal = (name: string) => JSON.stringify(name === 'poolId' ? poolId : name === 'username' ? 'ann' : name === 'clientId' ? clientId : 'x');
    const document = (c: (typeof CAPABILITIES)[number], input?: string) => {
      const args = [...c.params.map((p) => `${p}: ${literal(p)}`), ...(input ? [`input: ${input}`] : [])];
      // An object-typed answer takes a selection set.
      const selection = /^Cognito/.test(CAPABILITY_TYPES.answers[c.action] ?? '') ? ' { __typename }' : '';
      return `${c.method === 'get' ? 'query' : 'mutation'} { ${c.field}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
    };
    const client = (headers: Record<string, string> = {}) => new GraphQLClient(`${app.url}/graphql`, { headers });
    for (const c of CAPABILITIES) {
      const plain = document(c, c.body ? '{}' : undefined);
      expect([c.field, (await refusal(client().request(plain))).codes]).toEqual([c.field, ['UnauthenticatedException']]);
      if (c.auth === 'admin') {
        expect([c.field, (await refusal(client(bearer(opsUserToken)).request(plain))).codes]).toEqual([c.field, ['NotAuthorizedException']]);
        expect([c.field, (await refusal(client(bearer(tenantToken)).request(plain))).codes]).toEqual([c.field, ['UnauthenticatedException']]);
      }
      if (c.body) {
        const malformed = document(c, '{ NoSuchMember: 1 }');
        const as = c.auth === 'admin' ? client(admin) : client(bearer(user.accessToken));
        // A typed input refuses an unknown member in GraphQL's validation; a JSON one (IAM's role documents) in the body's strict schema.
        const typed = c.action in CAPABILITY_TYPES.arguments;
        const refused = await refusal(as.request(malformed));
        if (typed) expect([c.field, refused.status, refused.messages.join()]).toEqual([c.field, 400, expect.stringContaining('NoSuchMember')]);
        else expect([c.field, refused.codes]).toEqual([c.field, ['InvalidParameterException']]);
      }
    }
    expect(await events()).toBe(before);
  });

  test('every capability read answers the same over GraphQL (every member of its object type selected) as over REST', async () => {
    expect((await rest.send('POST', `/v1/user-pools/${poolId}/domains`, { Domain: 'capparity' })).status).toBe(201);
    const identifier = 'https://parity.example.com';
    expect(
      (
        await rest.send('POST', `/v1/user-pools/${poolId}/resource-servers`, {
          Identifier: identifier,
          Name: 'parity',
          Scopes: [{ ScopeName: 'read', ScopeDescription: 'reads' }],
        })
      ).status,
    ).toBe(201);
    const details = {
      client_id: 'parity',
      client_secret: 'idp-secret',
      attributes_request_method: 'GET',
      oidc_issuer: 'https://idp.example.com',
      authorize_scopes: 'openid',
    };
    const idp = await rest.send('POST', `/v1/user-pools/${poolId}/identity-providers`, {
      ProviderName: 'Parity',
      ProviderType: 'OIDC',
      ProviderDetails: details,
      IdpIdentifiers: ['parity'],
    });
    expect(idp.status).toBe(201);
    const providerName = `cognito-idp.${poolId.split('_')[0]}.amazonaws.com/${poolId}`;
    const idPool = await rest.send('POST', '/v1/identity-pools', {
      IdentityPoolName: 'parity',
      AllowUnauthenticatedIdentities: false,
      CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: clientId }],
      IdentityPoolTags: { team: 'identity' },
    });
    expect(idPool.status).toBe(201);
    expect(
      (
        await rest.send('PUT', `/v1/identity-pools/${idPool.body.IdentityPoolId as string}/principal-tags/${encodeURIComponent(providerName)}`, {
          UseDefaults: true,
        })
      ).status,
    ).toBe(200);
    const job = await rest.send('POST', `/v1/user-pools/${poolId}/import-jobs`, {
      JobName: 'parity',
      CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/import',
    });
    expect(job.status).toBe(201);
    const values: Record<string, string> = {
      poolId,
      username: 'ann',
      clientId,
      domain: 'capparity',
      identifier,
      idpName: 'Parity',
      idpIdentifier: 'parity',
      identityPoolId: idPool.body.IdentityPoolId as string,
      providerName,
      jobId: job.body.UserImportJob.JobId as string,
    };
    /** Every member of a type, nested types with their own members: the whole answer. */
    const selection = (ref: string): string => {
      const members = CAPABILITY_TYPES.types[ref.replace(/[[\]]/g, '')];
      return members
        ? ` { ${Object.entries(members)
            .map(([m, r]) => `${m}${selection(r)}`)
            .join(' ')} }`
        : '';
    };
    const withoutNulls = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(withoutNulls)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([, x]) => x !== null)
                .map(([k, x]) => [k, withoutNulls(x)]),
            )
          : v;
    const compared: string[] = [];
    for (const c of CAPABILITIES.filter((r) => r.method === 'get' && r.rest !== false)) {
      if (!c.params.every((p) => p in values)) continue;
      const path = c.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(values[p]));
      const headers = c.auth === 'admin' ? admin : bearer(user.accessToken);
      const viaRest = await call(app.url, 'GET', `${path}${c.page?.limit ? '?limit=10' : ''}`, undefined, headers);
      expect([c.field, viaRest.status]).toEqual([c.field, 200]);
      const args = [...c.params.map((p) => `${p}: ${JSON.stringify(values[p])}`), ...(c.page?.limit ? ['first: 10'] : [])];
      const document = `{ ${c.field}${args.length ? `(${args.join(', ')})` : ''}${selection(CAPABILITY_TYPES.answers[c.action])} }`;
      const viaGraphql = await new GraphQLClient(`${app.url}/graphql`, { headers }).request<Record<string, unknown>>(document);
      expect([c.field, withoutNulls(viaGraphql[c.field])]).toEqual([c.field, viaRest.body]);
      compared.push(c.field);
    }
    expect(compared.length).toBeGreaterThanOrEqual(20);
  });

  test('GraphQL userHistory (cursor-paginated, the REST route’s query) and userAsOf; admin only', async () => {
    const history = gql`
      query ($poolId: String!, $after: String) {
        userHistory(poolId: $poolId, username: "ann", first: 2, after: $after) {
          sub
          nodes {
            position
            type
            stream
            actor {
              kind
            }
            data
          }
          endCursor
        }
      }
    `;
    type Page = { userHistory: { sub: string; nodes: Array<{ position: string; type: string }>; endCursor: string | null } };
    const gqlAdmin = adminClient(app.url);
    const seen: Array<{ position: string; type: string }> = [];
    let after: string | undefined;
    do {
      const page: Page = await gqlAdmin.request<Page>(history, { poolId, after });
      expect(page.userHistory.nodes.length).toBeLessThanOrEqual(2);
      seen.push(...page.userHistory.nodes);
      after = page.userHistory.endCursor ?? undefined;
    } while (after);
    const viaRest = await rest.get(`/v1/user-pools/${poolId}/users/ann/history?limit=1000`);
    expect(seen).toEqual(viaRest.body.events.map((e: { position: string; type: string }) => expect.objectContaining({ position: e.position, type: e.type })));
    expect(seen[0].type).toBe('UserSignedUp');

    const at = seen[0].position;
    const asOf = await gqlAdmin.request<{ userAsOf: { asOf: { position: string }; user: { username: string; status: string } } }>(
      gql`
        query ($poolId: String!, $at: String!) {
          userAsOf(poolId: $poolId, username: "ann", at: $at) {
            asOf {
              position
              time
            }
            user {
              username
              status
              attributes {
                name
                value
              }
            }
          }
        }
      `,
      { poolId, at },
    );
    expect(asOf.userAsOf).toMatchObject({ asOf: { position: at }, user: { username: 'ann', status: 'UNCONFIRMED' } });
    expect((await refusal(userClient(app.url, opsUserToken).request(history, { poolId }))).codes).toEqual(['NotAuthorizedException']);
    expect((await refusal(userClient(app.url, user.accessToken).request(history, { poolId }))).codes).toEqual(['UnauthenticatedException']);
    expect((await refusal(new GraphQLClient(`${app.url}/graphql`).request(history, { poolId }))).codes).toEqual(['UnauthenticatedException']);
    expect((await refusal(gqlAdmin.request(history, { poolId, after: 'garbage' }))).codes).toEqual(['InvalidParameterException']);
  });

  test('an admin-pool token signs the admin routes in as `client/<id>`', async () => {
    const r = await as(bearer(adminToken)).send('PUT', `/v1/user-pools/${poolId}/mfa-config`, { MfaConfiguration: 'OFF' });
    expect(r.status).toBe(200);
    const actor = await app.platform.db.query<{ metadata: { actor?: { kind: string; id: string } } }>(
      `SELECT metadata FROM es_events WHERE stream_id = $1 ORDER BY position DESC LIMIT 1`,
      [`userpool-${poolId}`],
    );
    expect(actor.rows[0].metadata.actor).toEqual({ kind: 'admin', id: `client/${ops.client.id}` });
  });
});
