import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { type ReceivedRequest, verifySigV4 } from '../../src/api/cognito/sigv4.js';

const KEY = { accessKeyId: 'AKIAUNITTEST00000001', secretAccessKey: 'unit-test-secret-0123456789abcdefghij' };
const AT = new Date('2026-03-01T12:00:00Z');
const secretFor = async (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);
const body = JSON.stringify({ UserPoolId: 'eu-west-1_abc123XYZ' });

/** Signs as a client would (the same maintained signer the SDKs use) and returns what the server receives. */
async function signed(
  overrides: { region?: string; service?: string; secret?: string; at?: Date; extraHeaders?: Record<string, string> } = {},
): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: overrides.secret ?? KEY.secretAccessKey },
    region: overrides.region ?? 'eu-west-1',
    service: overrides.service ?? 'cognito-idp',
    sha256: Hash.bind(null, 'sha256'),
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/',
      headers: {
        host: '127.0.0.1:8080',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.DescribeUserPool',
        ...overrides.extraHeaders,
      },
      body,
    },
    { signingDate: overrides.at ?? AT },
  );
  return { method: 'POST', url: '/', headers: { ...request.headers }, body: Buffer.from(body) };
}

const fails = (request: ReceivedRequest, now = AT) =>
  verifySigV4(request, 'cognito-idp', secretFor, now).then(
    () => 'verified',
    (e: Error) => `${e.name}: ${e.message}`,
  );

describe('SigV4 verification', () => {
  test('given a correctly signed request, then the caller and the scope region are returned', async () => {
    await expect(verifySigV4(await signed(), 'cognito-idp', secretFor, AT)).resolves.toEqual({ accessKeyId: KEY.accessKeyId, region: 'eu-west-1' });
  });

  test('given a wrong secret, a changed body, header or target, then InvalidSignatureException', async () => {
    expect(await fails(await signed({ secret: 'another-secret-0123456789abcdefghijklm' }))).toMatch(
      /^InvalidSignatureException: The request signature we calculated/,
    );
    const tamperedBody = await signed();
    tamperedBody.body = Buffer.from(body.replace('abc', 'abd'));
    expect(await fails(tamperedBody)).toMatch(/^InvalidSignatureException/);
    const tamperedTarget = await signed();
    tamperedTarget.headers['x-amz-target'] = 'AWSCognitoIdentityProviderService.DeleteUserPool';
    expect(await fails(tamperedTarget)).toMatch(/^InvalidSignatureException/);
  });

  test('given a payload hash header that is not the body hash, then it is refused even though it was signed', async () => {
    const request = await signed({ extraHeaders: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(await fails(request)).toMatch(/^InvalidSignatureException: The provided x-amz-content-sha256/);
  });

  test('given an unknown key or a session token, then UnrecognizedClientException', async () => {
    const unknown = await signed();
    unknown.headers.authorization = String(unknown.headers.authorization).replace(KEY.accessKeyId, 'AKIANOSUCHKEY0000000');
    expect(await fails(unknown)).toMatch(/^UnrecognizedClientException/);
    expect(await fails(await signed({ extraHeaders: { 'x-amz-security-token': 'abc' } }))).toMatch(/^UnrecognizedClientException/);
  });

  test('given a signing time more than 5 minutes off, then "Signature expired" / "not yet current" in AWS wording', async () => {
    const request = await signed();
    expect(await fails(request, new Date(AT.getTime() + 4 * 60_000))).toBe('verified');
    expect(await fails(request, new Date(AT.getTime() + 6 * 60_000))).toMatch(
      /^InvalidSignatureException: Signature expired: 20260301T120000Z is now earlier than/,
    );
    expect(await fails(request, new Date(AT.getTime() - 6 * 60_000))).toMatch(/^InvalidSignatureException: Signature not yet current/);
  });

  test('given another service scope, a bad region or no/garbled Authorization, then the matching AWS error', async () => {
    expect(await fails(await signed({ service: 'cognito-identity' }))).toMatch(/^InvalidSignatureException: Credential should be scoped to correct service/);
    expect(await fails(await signed({ region: 'No_Where' }))).toMatch(/^InvalidSignatureException: Credential should be scoped to a valid region/);
    const none = await signed();
    delete none.headers.authorization;
    expect(await fails(none)).toMatch(/^MissingAuthenticationTokenException/);
    const garbled = await signed();
    garbled.headers.authorization = 'Basic abc';
    expect(await fails(garbled)).toMatch(/^IncompleteSignatureException/);
  });
});
