import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { rejection, sdkClient, signedWire, wire } from '../cognito/support.js';

const IDP = 'AWSCognitoIdentityProviderService';
const PASSWORD = 'Correct-Horse-9';

/**
 * Bytes no request may carry past the edge (issues: NUL bytes gave 500, deep nesting overflowed
 * the stack, invalid UTF-8 was decoded lossily and created a user `u\ufffd…`, a lone surrogate
 * reached the stored user `a\ufffdb`, ClientMetadata was not validated on SignUp). Each is a typed
 * 4xx, on both surfaces, and writes nothing.
 */
describe.each(['pglite', 'postgres'] as const)('hostile bytes are refused at the edge (%s)', (storage) => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let anonymous: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  const events = async () => Number((await app.platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events')).rows[0].n);

  beforeAll(async () => {
    app = await startApp(storage);
    admin = sdkClient(app.url);
    anonymous = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'edge', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'existing', MessageAction: 'SUPPRESS', TemporaryPassword: PASSWORD }));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('a NUL byte in any string member is InvalidParameterException and writes nothing', async () => {
    const before = await events();
    const nul = 'a\u0000b';
    const refusals = [
      anonymous.send(
        new SignUpCommand({ ClientId: clientId, Username: 'nul-user', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `x${nul}@y.test` }] }),
      ),
      admin.send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'nul-admin', UserAttributes: [{ Name: 'name', Value: nul }], MessageAction: 'SUPPRESS' }),
      ),
      admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'existing', UserAttributes: [{ Name: 'name', Value: nul }] })),
      admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'g1', Description: nul })),
      admin.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `name = "${nul}"` })),
      anonymous.send(new SignUpCommand({ ClientId: clientId, Username: nul, Password: PASSWORD })),
    ];
    for (const refused of refusals) {
      const error = await rejection(refused);
      expect(error.name).toBe('InvalidParameterException');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    expect(await events()).toBe(before);
  });

  test('nesting 5,000 deep is SerializationException, not a crash', async () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const body = `{"ClientId":"${clientId}","Username":"deep","Password":"${PASSWORD}","ClientMetadata":${deep}}`;
    const r = await wire(app.url, `${IDP}.SignUp`, body);
    expect(r.status).toBe(400);
    expect(r.body.__type).toBe('SerializationException');
    const signed = await signedWire(app.url, `${IDP}.ListUsers`, `{"UserPoolId":"${poolId}","AttributesToGet":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(signed.status).toBe(400);
    expect(signed.body.__type).toBe('SerializationException');
  });

  test('a body that is not valid UTF-8 is SerializationException on both surfaces; no user is created', async () => {
    const before = await events();
    for (const bad of [Buffer.from([0x75, 0xff, 0x76]), Buffer.from([0x75, 0xc0, 0xaf]), Buffer.from([0x75, 0xed, 0xa0, 0x80, 0x76])]) {
      const body = Buffer.concat([Buffer.from(`{"ClientId":"${clientId}","Username":"`), bad, Buffer.from(`","Password":"${PASSWORD}"}`)]);
      const r = await fetch(`${app.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${IDP}.SignUp` },
        body,
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).__type).toBe('SerializationException');
      const rest = await fetch(`${app.url}/v1/user-pools/${poolId}/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat([Buffer.from('{"username":"'), bad, Buffer.from(`","password":"${PASSWORD}"}`)]),
      });
      expect(rest.status).toBe(400);
      expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await rest.json()) as any).code).toBe('SerializationException');
    }
    expect(await events()).toBe(before);
  });

  test('an unpaired surrogate is refused on every action, so it never reaches the user it would collide with', async () => {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'a\ufffdb',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'ab@edge.test' }],
      }),
    );
    const before = await events();
    const lone = 'a\\ud800b';
    for (const [target, body, signed] of [
      ['SignUp', `{"ClientId":"${clientId}","Username":"${lone}","Password":"${PASSWORD}"}`, false],
      ['ResendConfirmationCode', `{"ClientId":"${clientId}","Username":"${lone}"}`, false],
      ['ConfirmSignUp', `{"ClientId":"${clientId}","Username":"${lone}","ConfirmationCode":"123456"}`, false],
      ['ForgotPassword', `{"ClientId":"${clientId}","Username":"${lone}"}`, false],
      ['AdminGetUser', `{"UserPoolId":"${poolId}","Username":"${lone}"}`, true],
      ['AdminUpdateUserAttributes', `{"UserPoolId":"${poolId}","Username":"existing","UserAttributes":[{"Name":"name","Value":"${lone}"}]}`, true],
    ] as const) {
      const r = signed ? await signedWire(app.url, `${IDP}.${target}`, body) : await wire(app.url, `${IDP}.${target}`, body);
      expect([target, r.status, r.body.__type]).toEqual([target, 400, 'InvalidParameterException']);
    }
    expect(await events()).toBe(before);
    const outbox = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}`, undefined, { authorization: adminAuth });
    expect(outbox.body.messages).toEqual([]);
  });

  test('ClientMetadata must be a map of strings wherever it is taken', async () => {
    const before = await events();
    for (const metadata of ['"text"', '["a"]', '42', '{"k":null}', '{"k":{"nested":"v"}}', '{"k":1}']) {
      const r = await wire(app.url, `${IDP}.SignUp`, `{"ClientId":"${clientId}","Username":"meta","Password":"${PASSWORD}","ClientMetadata":${metadata}}`);
      expect([metadata, r.status, r.body.__type]).toEqual([metadata, 400, 'InvalidParameterException']);
    }
    expect(await events()).toBe(before);
  });
});
