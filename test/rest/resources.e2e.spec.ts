import { type RunningApp, call, startApp } from '../support/app.js';
import { PASSWORD, admin, codeFor, poolWithClient } from './support.js';

/** Pools, app clients, users and groups over REST, with ETag / If-Match on updates. */
describe('REST resources', () => {
  let app: RunningApp;
  let poolId: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    poolId = (await poolWithClient(app.url, 'resources', { customAttributes: [{ name: 'tier', dataType: 'String' }] })).poolId;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('pools: create, list, describe with an ETag, conditional replace (412 when stale), custom attributes, delete', async () => {
    const created = await call(app.url, 'POST', '/v1/user-pools', { name: 'second', passwordPolicy: { minimumLength: 10 } }, admin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'second', passwordPolicy: { minimumLength: 10 } });
    const id = created.body.poolId;
    const list = await call(app.url, 'GET', '/v1/user-pools?limit=60', undefined, admin);
    expect(list.body.pools.map((p: { poolId: string }) => p.poolId)).toEqual(expect.arrayContaining([poolId, id]));

    const got = await call(app.url, 'GET', `/v1/user-pools/${id}`, undefined, admin);
    const etag = got.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const renamed = await call(app.url, 'PUT', `/v1/user-pools/${id}`, { name: 'renamed' }, { ...admin, 'if-match': etag });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('renamed');
    // Left out: defaults again (UpdateUserPool semantics).
    expect(renamed.body.passwordPolicy.minimumLength).toBe(8);
    const stale = await call(app.url, 'PUT', `/v1/user-pools/${id}`, { name: 'lost-update' }, { ...admin, 'if-match': etag });
    expect(stale).toMatchObject({ status: 412, body: { code: 'PreconditionFailedException', status: 412 } });
    expect((await call(app.url, 'GET', `/v1/user-pools/${id}`, undefined, admin)).body.name).toBe('renamed');
    expect((await call(app.url, 'PUT', `/v1/user-pools/${id}`, { name: 'x' }, { ...admin, 'if-match': 'W/"nope"' })).status).toBe(400);

    const added = await call(app.url, 'POST', `/v1/user-pools/${id}/custom-attributes`, { customAttributes: [{ name: 'plan', dataType: 'String' }] }, admin);
    expect([added.status, added.body]).toEqual([204, undefined]);
    expect((await call(app.url, 'DELETE', `/v1/user-pools/${id}`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `/v1/user-pools/${id}`, undefined, admin)).body.code).toBe('ResourceNotFoundException');
  });

  test('app clients: create with a secret, list, describe, replace, delete', async () => {
    const base = `/v1/user-pools/${poolId}/clients`;
    const created = await call(
      app.url,
      'POST',
      base,
      { clientName: 'backend', generateSecret: true, explicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH'] },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body.clientSecret).toEqual(expect.any(String));
    const id = created.body.clientId;
    expect((await call(app.url, 'GET', base, undefined, admin)).body.clients.map((c: { clientId: string }) => c.clientId)).toContain(id);
    expect((await call(app.url, 'GET', `${base}/${id}`, undefined, admin)).body).toMatchObject({
      clientName: 'backend',
      explicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH'],
    });
    // A client is one stream: GET answers its revision as ETag; a replace with it applies and answers the next; a stale one is 412.
    const etag = (await call(app.url, 'GET', `${base}/${id}`, undefined, admin)).headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const updated = await call(app.url, 'PUT', `${base}/${id}`, { clientName: 'backend-2', refreshTokenValidity: 5 }, { ...admin, 'if-match': etag });
    expect(updated.body).toMatchObject({ clientName: 'backend-2', refreshTokenValidity: 5 });
    const next = updated.headers.get('etag')!;
    expect(BigInt(JSON.parse(next) as string)).toBeGreaterThan(BigInt(JSON.parse(etag) as string));
    expect((await call(app.url, 'GET', `${base}/${id}`, undefined, admin)).headers.get('etag')).toBe(next);
    const stale = await call(app.url, 'PUT', `${base}/${id}`, { clientName: 'lost-update' }, { ...admin, 'if-match': etag });
    expect([stale.status, stale.body.code]).toEqual([412, 'PreconditionFailedException']);
    expect((await call(app.url, 'GET', `${base}/${id}`, undefined, admin)).body.clientName).toBe('backend-2');
    expect((await call(app.url, 'PUT', `${base}/${id}`, { clientName: 'backend-3' }, admin)).status).toBe(200);
    expect((await call(app.url, 'DELETE', `${base}/${id}`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/${id}`, undefined, admin)).status).toBe(404);
  });

  test('users: create, get with an ETag, conditional attribute update, lifecycle, passwords, attributes, delete', async () => {
    const base = `/v1/user-pools/${poolId}/users`;
    const created = await call(
      app.url,
      'POST',
      base,
      { username: 'carol', attributes: { email: 'carol@rest.test', email_verified: 'true', 'custom:tier': 'gold' }, messageAction: 'SUPPRESS' },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'carol', status: 'FORCE_CHANGE_PASSWORD', enabled: true });
    expect(JSON.stringify(created.body)).not.toMatch(/hash/i);

    const got = await call(app.url, 'GET', `${base}/carol`, undefined, admin);
    expect(got.body.attributes).toMatchObject({ email: 'carol@rest.test', 'custom:tier': 'gold', sub: created.body.sub });
    const etag = got.headers.get('etag')!;
    const patched = await call(app.url, 'PATCH', `${base}/carol`, { attributes: { name: 'Carol' } }, { ...admin, 'if-match': etag });
    expect(patched.status).toBe(200);
    // A second writer holding the same ETag loses: 412, and its change is not written.
    const stale = await call(app.url, 'PATCH', `${base}/carol`, { attributes: { name: 'Mallory' } }, { ...admin, 'if-match': etag });
    expect(stale).toMatchObject({ status: 412, body: { code: 'PreconditionFailedException' } });
    const after = await call(app.url, 'GET', `${base}/carol`, undefined, admin);
    expect(after.body.attributes.name).toBe('Carol');
    expect(after.headers.get('etag')).not.toBe(etag);

    expect((await call(app.url, 'POST', `${base}/carol/disable`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/carol`, undefined, admin)).body.enabled).toBe(false);
    expect((await call(app.url, 'POST', `${base}/carol/enable`, {}, admin)).status).toBe(204);
    expect((await call(app.url, 'PUT', `${base}/carol/password`, { password: PASSWORD, permanent: true }, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/carol`, undefined, admin)).body.status).toBe('CONFIRMED');
    expect((await call(app.url, 'POST', `${base}/carol/reset-password`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/carol`, undefined, admin)).body.status).toBe('RESET_REQUIRED');
    expect(await codeFor(app.url, poolId, 'carol')).toMatch(/^\d{6}$/);
    expect((await call(app.url, 'DELETE', `${base}/carol/attributes?names=name`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/carol`, undefined, admin)).body.attributes.name).toBeUndefined();
    expect((await call(app.url, 'POST', `${base}/carol/sign-out`, undefined, admin)).status).toBe(204);

    await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'dan', password: PASSWORD, attributes: { email: 'dan@rest.test' } });
    expect((await call(app.url, 'POST', `${base}/dan/confirm`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/dan`, undefined, admin)).body.status).toBe('CONFIRMED');

    expect((await call(app.url, 'DELETE', `${base}/carol`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/carol`, undefined, admin)).body).toMatchObject({ status: 404, code: 'UserNotFoundException' });
  });

  test('groups: create, get with an ETag, conditional update, members, a user’s groups, delete', async () => {
    const base = `/v1/user-pools/${poolId}/groups`;
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/users`, { username: 'erin', messageAction: 'SUPPRESS' }, admin);
    const created = await call(app.url, 'POST', base, { groupName: 'admins', precedence: 1, description: 'the admins' }, admin);
    expect(created).toMatchObject({ status: 201, body: { groupName: 'admins', precedence: 1 } });
    expect((await call(app.url, 'POST', base, { groupName: 'admins' }, admin)).body).toMatchObject({ status: 409, code: 'GroupExistsException' });
    expect((await call(app.url, 'GET', base, undefined, admin)).body.groups.map((g: { groupName: string }) => g.groupName)).toEqual(['admins']);

    const got = await call(app.url, 'GET', `${base}/admins`, undefined, admin);
    const etag = got.headers.get('etag')!;
    expect((await call(app.url, 'PATCH', `${base}/admins`, { description: 'changed' }, { ...admin, 'if-match': etag })).body).toMatchObject({
      description: 'changed',
      precedence: 1,
    });
    expect((await call(app.url, 'PATCH', `${base}/admins`, { description: 'stale' }, { ...admin, 'if-match': etag })).status).toBe(412);

    expect((await call(app.url, 'PUT', `${base}/admins/members/erin`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/admins/members`, undefined, admin)).body.users.map((u: { username: string }) => u.username)).toEqual(['erin']);
    expect(
      (await call(app.url, 'GET', `/v1/user-pools/${poolId}/users/erin/groups`, undefined, admin)).body.groups.map((g: { groupName: string }) => g.groupName),
    ).toEqual(['admins']);
    expect((await call(app.url, 'DELETE', `${base}/admins/members/erin`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/admins/members`, undefined, admin)).body.users).toEqual([]);
    expect((await call(app.url, 'DELETE', `${base}/admins`, undefined, admin)).status).toBe(204);
    expect((await call(app.url, 'GET', `${base}/admins`, undefined, admin)).status).toBe(404);
  });
});
