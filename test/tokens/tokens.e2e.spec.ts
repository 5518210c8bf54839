import { JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { KeyRing } from '../../src/tokens/key-ring.js';
import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';

const admin = { authorization: adminAuth };
const CLIENT_ID = '3n4b5urk1ft4fl3mg5e62d9ado';

// aws-jwt-verify's own fetcher speaks HTTPS only; the app listens on plain loopback HTTP.
const loopbackFetcher: Fetcher = {
  fetch: async (uri) => {
    const response = await fetch(uri);
    if (response.status !== 200) throw new Error(`JWKS fetch: ${response.status}`);
    return response.arrayBuffer();
  },
};

/** Two verifiers that share no code with the app: jose's remote JWKS and aws-jwt-verify. */
function independentVerifiers(issuer: string, jwksUri: string) {
  const remote = createRemoteJWKSet(new URL(jwksUri));
  const jwksCache = new SimpleJwksCache({ fetcher: loopbackFetcher });
  const aws = JwtVerifier.create({ issuer, audience: null, jwksUri }, { jwksCache });
  return {
    jose: async (token: string) => (await jwtVerify(token, remote, { issuer, algorithms: ['RS256'] })).payload,
    aws: async (token: string) => aws.verify(token),
  };
}

describe('tokens end to end: JWKS, discovery, rotation, independent verifiers', () => {
  let app: RunningApp;
  let poolId: string;
  let issuer: string;
  let jwksUri: string;

  beforeAll(async () => {
    app = await startApp('pglite');
    const r = await call(app.url, 'POST', '/v1/user-pools', { name: 'tokens' }, admin);
    expect(r.status).toBe(201);
    poolId = r.body.poolId;
    issuer = `${app.url}/${poolId}`;
    jwksUri = `${issuer}/.well-known/jwks.json`;
  });
  afterAll(async () => app.destroy());

  test('discovery names the issuer and the JWKS; the JWKS holds public RSA keys only', async () => {
    const discovery = await call(app.url, 'GET', `/${poolId}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.body).toEqual({
      issuer,
      jwks_uri: jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      response_types_supported: ['code', 'token'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    const jwks = await call(app.url, 'GET', `/${poolId}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(discovery.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.body.keys).toEqual([{ alg: 'RS256', e: 'AQAB', kid: expect.any(String), kty: 'RSA', n: expect.any(String), use: 'sig' }]);
  });

  test('unknown pools get a typed 404, and the root-level route shadows nothing', async () => {
    for (const path of ['/us-east-1_NoSuchPool/.well-known/jwks.json', '/not-a-pool/.well-known/openid-configuration', '/v1/.well-known/jwks.json']) {
      const r = await call(app.url, 'GET', path);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('ResourceNotFoundException');
      expect(r.headers.get('cache-control')).not.toBe('public, max-age=300');
    }
    expect((await call(app.url, 'GET', '/health')).status).toBe(200);
    expect((await call(app.url, 'GET', '/openapi.json')).status).toBe(200);
    expect((await call(app.url, 'GET', `/v1/user-pools/${poolId}`, undefined, admin)).body.poolId).toBe(poolId);
  });

  test('tokens signed by the pool verify with jose and aws-jwt-verify against the served JWKS', async () => {
    const verify = independentVerifiers(issuer, jwksUri);
    const access = await app.platform.keyRing.sign(
      poolId,
      { sub: 'u-1', iss: issuer, client_id: CLIENT_ID, token_use: 'access', scope: 'openid' },
      { expiresInSeconds: 3600 },
    );
    const id = await app.platform.keyRing.sign(poolId, { sub: 'u-1', iss: issuer, aud: CLIENT_ID, token_use: 'id' }, { expiresInSeconds: 3600 });
    await expect(verify.jose(access)).resolves.toMatchObject({ sub: 'u-1', client_id: CLIENT_ID });
    await expect(verify.aws(access)).resolves.toMatchObject({ sub: 'u-1', token_use: 'access' });
    const awsId = JwtVerifier.create({ issuer, audience: CLIENT_ID, jwksUri }, { jwksCache: new SimpleJwksCache({ fetcher: loopbackFetcher }) });
    await expect(awsId.verify(id)).resolves.toMatchObject({ aud: CLIENT_ID, token_use: 'id' });
    // A forged signature is refused by both.
    const forged = `${access.slice(0, access.lastIndexOf('.'))}.${Buffer.alloc(256).toString('base64url')}`;
    await expect(verify.jose(forged)).rejects.toThrow();
    await expect(verify.aws(forged)).rejects.toThrow();
  });

  test('rotation: the new key is published before it signs, and old tokens keep verifying', async () => {
    const ring = app.platform.keyRing;
    const before = await ring.sign(poolId, { sub: 'u-2', iss: issuer }, { expiresInSeconds: 3600 });
    const oldKid = decodeProtectedHeader(before).kid;
    expect((await call(app.url, 'POST', `/v1/user-pools/${poolId}/signing-keys/rotate`)).status).toBe(401);
    expect((await call(app.url, 'POST', '/v1/user-pools/us-east-1_NoSuchPool/signing-keys/rotate', undefined, admin)).status).toBe(404);
    const rotated = await call(app.url, 'POST', `/v1/user-pools/${poolId}/signing-keys/rotate`, undefined, admin);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ kid: expect.any(String), activatesAt: expect.any(String), created: true });
    expect(Date.parse(rotated.body.activatesAt) - Date.now()).toBeGreaterThan(55 * 60_000);

    const jwks = await call(app.url, 'GET', `/${poolId}/.well-known/jwks.json`);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([oldKid, rotated.body.kid]);
    // Still signing with the old key during the publish lead.
    expect(decodeProtectedHeader(await ring.sign(poolId, {}, { expiresInSeconds: 60 })).kid).toBe(oldKid);

    // An instance whose clock is past the lead signs with the new key, which verifiers already have.
    const later = new KeyRing(app.platform.store, app.platform.secrets, () => new Date(Date.now() + 2 * 3600_000));
    const after = await later.sign(poolId, { sub: 'u-2', iss: issuer }, { expiresInSeconds: 600 });
    expect(decodeProtectedHeader(after).kid).toBe(rotated.body.kid);
    const verify = independentVerifiers(issuer, jwksUri);
    for (const token of [before, after]) {
      await expect(verify.jose(token)).resolves.toMatchObject({ sub: 'u-2' });
      await expect(verify.aws(token)).resolves.toMatchObject({ sub: 'u-2' });
      await expect(ring.verify(poolId, token)).resolves.toMatchObject({ sub: 'u-2' });
    }
  });
});
