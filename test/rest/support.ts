import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { ADMIN, adminAuth, call } from '../support/app.js';

export const admin = { authorization: adminAuth };
export const PASSWORD = 'Correct-Horse-9';
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A REST call signed with SigV4 by the test admin key (service `cairn`), as an AWS signer sends it. */
export async function signedCall(url: string, method: string, path: string, body?: unknown, secret = ADMIN.secret) {
  const { host, hostname, port } = new URL(url);
  const [pathname, query = ''] = path.split('?');
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const signer = new SignatureV4({
    credentials: { accessKeyId: ADMIN.id, secretAccessKey: secret },
    region: 'eu-west-1',
    service: 'cairn',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: pathname,
    query: Object.fromEntries(new URLSearchParams(query)),
    headers: { host, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const { host: _host, ...headers } = signed.headers;
  return call(url, method, path, payload, headers);
}

/** The newest code the dev outbox holds for a user. */
export async function codeFor(url: string, poolId: string, username: string): Promise<string> {
  const r = await call(url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, admin);
  const match = /(\d{6})/.exec(r.body.messages?.[0]?.body ?? '');
  if (!match) throw new Error(`no code for ${username}`);
  return match[1];
}

/** A pool that sends codes to email, with a public client allowing password sign-in and refresh. */
export async function poolWithClient(url: string, name: string, extra: Record<string, unknown> = {}) {
  const pool = await call(url, 'POST', '/v1/user-pools', { name, autoVerifiedAttributes: ['email'], ...extra }, admin);
  if (pool.status !== 201) throw new Error(`pool: ${JSON.stringify(pool.body)}`);
  const client = await call(
    url,
    'POST',
    `/v1/user-pools/${pool.body.poolId}/clients`,
    { clientName: 'web', explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
    admin,
  );
  if (client.status !== 201) throw new Error(`client: ${JSON.stringify(client.body)}`);
  return { poolId: pool.body.poolId as string, clientId: client.body.clientId as string };
}

/** A confirmed user (signed up and confirmed with the emailed code), signed in: its tokens. */
export async function signedInUser(url: string, poolId: string, clientId: string, username: string, attributes: Record<string, string> = {}) {
  const up = await call(url, 'POST', `/v1/user-pools/${poolId}/sign-up`, {
    username,
    password: PASSWORD,
    attributes: { email: `${username}@rest.test`, ...attributes },
  });
  if (up.status !== 201) throw new Error(`sign-up: ${JSON.stringify(up.body)}`);
  await call(url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username, code: await codeFor(url, poolId, username) });
  const r = await call(url, 'POST', `/v1/user-pools/${poolId}/sign-in`, { clientId, username, password: PASSWORD });
  if (!r.body.tokens) throw new Error(`sign-in: ${JSON.stringify(r.body)}`);
  return r.body.tokens as { accessToken: string; idToken: string; refreshToken: string };
}

export const eventCount = async (db: { query<R>(sql: string): Promise<{ rows: R[] }> }) =>
  Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events')).rows[0].n);
