import { CreateUserPoolCommand, DescribeUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient, wire } from './support.js';

describe('admin actions need a SigV4 signature by an admin key', () => {
  let app: RunningApp;
  let poolId: string;
  beforeAll(async () => {
    app = await startApp('pglite');
    poolId = (await sdkClient(app.url).send(new CreateUserPoolCommand({ PoolName: 'guarded' }))).UserPool!.Id!;
  });
  afterAll(async () => app.destroy());

  async function poolCount(): Promise<number> {
    const r = await app.platform.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM rm_user_pools_v1`);
    return Number(r.rows[0].n);
  }

  test('a wrong secret: the SDK throws InvalidSignatureException and nothing is created', async () => {
    const error = await rejection(
      sdkClient(app.url, { secret: 'not-the-secret-0123456789abcdefghijklmno' }).send(new CreateUserPoolCommand({ PoolName: 'nope' })),
    );
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await poolCount()).toBe(1);
  });

  test('an unknown access key: UnrecognizedClientException', async () => {
    const error = await rejection(sdkClient(app.url, { accessKeyId: 'AKIANOSUCHKEY0000000' }).send(new ListUserPoolsCommand({ MaxResults: 10 })));
    expect(error.name).toBe('UnrecognizedClientException');
  });

  test('an unsigned admin call is refused with a Cognito error body and x-amzn-errortype', async () => {
    const r = await wire(app.url, 'AWSCognitoIdentityProviderService.DescribeUserPool', JSON.stringify({ UserPoolId: poolId }));
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.1/);
    expect(r.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
    // HTTP Basic (the REST surface's scheme) is not a signature either.
    const basic = await wire(app.url, 'AWSCognitoIdentityProviderService.ListUserPools', '{"MaxResults":1}', { authorization: 'Basic QUtJQTpzZWNyZXQ=' });
    expect(basic.body.__type).toBe('IncompleteSignatureException');
  });

  test('a body changed after signing is refused', async () => {
    const client = sdkClient(app.url);
    client.middlewareStack.addRelativeTo(
      (next: any) => async (args: any) => {
        // Same length, other pool: content-length stays right, only the signature can tell.
        const body = args.request.body;
        const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
        args.request.body = text.replace(poolId, poolId.slice(0, -1) + (poolId.endsWith('A') ? 'B' : 'A'));
        return next(args);
      },
      { name: 'tamperAfterSigning', relation: 'after', toMiddleware: 'httpSigningMiddleware' },
    );
    const error = await rejection(client.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
    expect(error.name).toBe('InvalidSignatureException');
  });

  test('a client clock 10 minutes off gets "Signature expired" and the SDK corrects its clock and retries', async () => {
    const client = sdkClient(app.url, { systemClockOffset: -10 * 60 * 1000 });
    const r = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(r.UserPool?.Id).toBe(poolId);
    expect(r.$metadata.attempts).toBe(2);
  });
});
