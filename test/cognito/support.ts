import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { ADMIN } from '../support/app.js';

/** The official SDK pointed at the running app, signing with the test admin key. */
export function sdkClient(url: string, options: { region?: string; secret?: string; accessKeyId?: string; systemClockOffset?: number } = {}) {
  return new CognitoIdentityProviderClient({
    endpoint: url,
    region: options.region ?? 'eu-west-1',
    credentials: { accessKeyId: options.accessKeyId ?? ADMIN.id, secretAccessKey: options.secret ?? ADMIN.secret },
    // One attempt: a test about a refused call must see the refusal, not a retry.
    maxAttempts: 1,
    ...(options.systemClockOffset !== undefined ? { systemClockOffset: options.systemClockOffset, maxAttempts: 3 } : {}),
  });
}

/** A raw wire call (unsigned unless headers say otherwise). */
export async function wire(url: string, target: string | undefined, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': target } : {}), ...headers },
    body,
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, body: json, text };
}

/** The rejection of a promise, so assertions can look at the SDK's error object. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}

/** A raw wire call signed with the test admin key, for bodies no SDK would send. */
export async function signedWire(url: string, target: string, body: string, headers: Record<string, string> = {}, service = 'cognito-idp') {
  const { host } = new URL(url);
  const signer = new SignatureV4({
    credentials: { accessKeyId: ADMIN.id, secretAccessKey: ADMIN.secret },
    region: 'eu-west-1',
    service,
    sha256: Hash.bind(null, 'sha256'),
  });
  const all = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers };
  const request = await signer.sign({ method: 'POST', protocol: 'http:', hostname: host, path: '/', headers: all, body });
  const { host: _host, ...sent } = request.headers;
  return wire(url, undefined, body, sent);
}
