import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { ADMIN } from '../support/app.js';
import { wire } from '../cognito/support.js';

export const REGION = 'eu-west-1';

/** The official identity SDK pointed at the app, signing with the test admin key (admin actions). */
export function identityAdmin(url: string) {
  return new CognitoIdentityClient({ endpoint: url, region: REGION, credentials: { accessKeyId: ADMIN.id, secretAccessKey: ADMIN.secret }, maxAttempts: 1 });
}

/** The same SDK as an app uses it: no credentials (GetId, GetCredentialsForIdentity, GetOpenIdToken are unsigned). */
export function identityPublic(url: string) {
  return new CognitoIdentityClient({
    endpoint: url,
    region: REGION,
    maxAttempts: 1,
    // The unsigned operations never call it; a signed one would fail loudly.
    credentials: async () => {
      throw new Error('no credentials in a public client');
    },
  });
}

/** A role-documents action (`CairnIdentityRoles.<Action>`), signed as the SDKs sign `cognito-identity`. */
export async function rolesCall(url: string, action: string, input: object) {
  const { host } = new URL(url);
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    credentials: { accessKeyId: ADMIN.id, secretAccessKey: ADMIN.secret },
    region: REGION,
    service: 'cognito-identity',
    sha256: Hash.bind(null, 'sha256'),
  });
  const headers = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CairnIdentityRoles.${action}` };
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: host, path: '/', headers, body });
  const { host: _host, ...sent } = signed.headers;
  const response = await wire(url, undefined, body, sent);
  if (response.status !== 200) throw Object.assign(new Error(`${action}: ${response.text}`), { status: response.status, body: response.body });
  return response.body;
}

/** A trust policy for identities of one identity pool (authenticated, unauthenticated, or both). */
export function cognitoTrust(poolId: string, amr?: 'authenticated' | 'unauthenticated') {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId },
          ...(amr ? { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } } : {}),
        },
      },
    ],
  });
}

/** A local OpenID Connect issuer on loopback: its discovery document and JWKS, and tokens it signs. */
export async function startIssuer(): Promise<{ url: string; name: string; sign(claims: JWTPayload): Promise<string>; close(): Promise<void> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let url = '';
  const server: Server = createServer((request, response) => {
    const send = (body: object) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/.well-known/openid-configuration') send({ issuer: url, jwks_uri: `${url}/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
    else if (request.url === '/jwks') send({ keys: [jwk] });
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    name: url.replace('http://', ''),
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(url).setIssuedAt().setExpirationTime('5m').sign(privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedCall {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A resource server of the user's own, on loopback: it takes a request signed with identity
 * credentials and answers what `decide` says (here: the verification endpoint's decision).
 */
export async function startResourceServer(decide: (call: ReceivedCall) => Promise<{ status: number; body: object }>) {
  const server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const result = await decide({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks) }).catch(
      (error: unknown) => ({ status: 500, body: { error: String(error) } }),
    );
    response.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Signs and sends a request to the resource server with temporary credentials, as an AWS SDK would. */
export async function signedFetch(
  server: { url: string; host: string },
  credentials: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string },
  request: { method: string; path: string; body?: string; service?: string },
) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretKey!, sessionToken: credentials.SessionToken! },
    region: REGION,
    service: request.service ?? 'photos',
    sha256: Hash.bind(null, 'sha256'),
  });
  const [path, query] = request.path.split('?');
  const signed = await signer.sign({
    method: request.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    path,
    query: Object.fromEntries(new URLSearchParams(query ?? '')),
    headers: { host: server.host, ...(request.body ? { 'content-type': 'application/json' } : {}) },
    ...(request.body ? { body: request.body } : {}),
  });
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(`${server.url}${request.path}`, { method: request.method, headers, ...(request.body ? { body: request.body } : {}) });
  return { status: response.status, body: (await response.json()) as any };
}
