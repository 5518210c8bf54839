import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { signedWire, wire } from './support.js';

const IDP = 'AWSCognitoIdentityProviderService';

describe('Cognito JSON 1.1 framing beside the REST surface', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('pglite');
  });
  afterAll(async () => app.destroy());

  function expectCognitoError(r: Awaited<ReturnType<typeof wire>>, type: string) {
    expect(r.status).toBe(400);
    expect(r.body.__type).toBe(type);
    expect(typeof r.body.message).toBe('string');
    expect(r.headers.get('x-amzn-errortype')).toBe(type);
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  }

  test('an unknown or missing X-Amz-Target is UnknownOperationException', async () => {
    expectCognitoError(await wire(app.url, `${IDP}.NoSuchAction`, '{}'), 'UnknownOperationException');
    expectCognitoError(await wire(app.url, `${IDP}.constructor`, '{}'), 'UnknownOperationException');
    expectCognitoError(await wire(app.url, 'SomeOtherService.ListUserPools', '{}'), 'UnknownOperationException');
    expectCognitoError(await wire(app.url, undefined, '{}'), 'UnknownOperationException');
  });

  test('malformed JSON, a non-object body or another content type is SerializationException', async () => {
    const target = `${IDP}.ListUserPools`;
    expectCognitoError(await signedWire(app.url, target, '{"MaxResults": '), 'SerializationException');
    expectCognitoError(await signedWire(app.url, target, '[1, 2]'), 'SerializationException');
    expectCognitoError(await signedWire(app.url, target, '{"MaxResults": 1}', { 'content-type': 'application/json' }), 'SerializationException');
    // No Content-Type at all (a byte body makes fetch send none), on a public action.
    const bare = await fetch(`${app.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': `${IDP}.SignUp` },
      body: new TextEncoder().encode('{"ClientId":"abc"}'),
    });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({ __type: 'SerializationException' });
    const ok = await signedWire(app.url, target, '{"MaxResults": 1}');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.1/);
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.body).toEqual({ UserPools: [] });
  });

  test('a body over the limit is refused in Cognito format, before any parsing', async () => {
    const r = await wire(app.url, `${IDP}.ListUserPools`, JSON.stringify({ MaxResults: 1, Pad: 'x'.repeat(200_000) }));
    expect(r.status).toBe(413);
    expect(r.body.__type).toBe('RequestEntityTooLargeException');
    expect(r.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('several validation problems are listed together', async () => {
    const r = await signedWire(app.url, `${IDP}.CreateUserPool`, JSON.stringify({ Policies: { PasswordPolicy: { MinimumLength: 3 } } }));
    expectCognitoError(r, 'InvalidParameterException');
    expect(r.body.message).toBe(
      "2 validation errors detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null; " +
        "Value '3' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
    );
  });

  test('the REST surface keeps its own JSON parser and error format', async () => {
    const created = await call(app.url, 'POST', '/v1/user-pools', { name: 'rest-pool' }, { authorization: adminAuth });
    expect(created.status).toBe(201);
    const missing = await call(app.url, 'GET', '/v1/user-pools/us-east-1_Nope12345', undefined, { authorization: adminAuth });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'ResourceNotFoundException', type: 'urn:cairn:problem:ResourceNotFoundException' });
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.headers.get('x-amzn-errortype')).toBeNull();
    const health = await call(app.url, 'GET', '/health');
    expect(health.status).toBe(200);
  });
});
