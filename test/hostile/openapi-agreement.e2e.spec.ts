import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { sdkClient } from '../cognito/support.js';

/** The OpenAPI document and the server agree where they used to differ, and every event a request writes carries its id. */
describe('the document says what the server does', () => {
  let app: RunningApp;
  let poolId: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    poolId = (await sdkClient(app.url).send(new CreateUserPoolCommand({ PoolName: 'doc', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('every admin route documents the 401 it answers without credentials', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    const fill = (path: string) =>
      path
        .replace('{poolId}', poolId)
        .replace('{accessKeyId}', 'AKIANOPE')
        .replace('{name}', 'user_directory')
        .replace(/\{\w+\}/g, 'someone');
    for (const [path, operations] of Object.entries<Record<string, { security?: unknown; responses: Record<string, unknown> }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.security) continue;
        expect([method, path, Object.keys(operation.responses)]).toEqual([method, path, expect.arrayContaining(['401'])]);
        const r = await call(app.url, method.toUpperCase(), fill(path), method === 'get' || method === 'delete' ? undefined : {});
        expect([method, path, r.status]).toEqual([method, path, 401]);
      }
    }
  });

  test('a known path with an undeclared method is 405 with Allow', async () => {
    const r = await call(app.url, 'DELETE', '/v1/tokens/refresh');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.body).toMatchObject({ status: 405, code: 'MethodNotAllowedException' });
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unknown = await call(app.url, 'GET', '/v1/no-such-thing');
    expect(unknown.status).toBe(404);
  });

  test('an empty attribute name is refused by the document and the server alike', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    const schema = doc.paths['/v1/user-pools/{poolId}/sign-up'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.attributes.propertyNames).toMatchObject({ minLength: 1 });
    const r = await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'e', password: 'Correct-Horse-9', attributes: { '': 'x' } });
    expect(r.status).toBe(400);
  });

  test('the confirmation code pattern counts characters, as the document reads it', async () => {
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, {
      username: 'astral',
      password: 'Correct-Horse-9',
      attributes: { email: 'astral@doc.test' },
    });
    // Ten characters outside the BMP are twenty UTF-16 units: within the pattern, so a wrong code, not invalid input.
    const r = await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'astral', code: '😀'.repeat(10) });
    expect(r.body.code).toBe('CodeMismatchException');
    const long = await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'astral', code: '😀'.repeat(11) });
    expect(long.body.code).toBe('InvalidParameterException');
  });

  test("every event a request writes carries that request's correlation id", async () => {
    const created = await call(app.url, 'POST', '/v1/admin/keys', { label: 'ci' }, { authorization: adminAuth });
    const keyEvents = await app.platform.store.readStream('admin-keys');
    const keyEvent = keyEvents.find((e) => (e.data as { accessKeyId?: string }).accessKeyId === created.body.accessKeyId)!;
    expect(keyEvent.metadata.correlationId).toBe(created.headers.get('x-request-id'));

    const response = await sdkClient(app.url).send(new CreateUserPoolCommand({ PoolName: 'correlated' }));
    const id = response.UserPool!.Id!;
    const requestId = response.$metadata.requestId;
    const written = [...(await app.platform.store.readStream(`userpool-${id}`)), ...(await app.platform.store.readStream(`signing-keys-${id}`))];
    expect(written.map((e) => e.type)).toEqual(expect.arrayContaining(['UserPoolCreated', 'SigningKeyCreated']));
    for (const event of written) expect([event.type, event.metadata.correlationId]).toEqual([event.type, requestId]);
  });
});
