import { type RunningApp, adminAuth, call, startApp } from '../support/app.js';
import { PASSWORD, admin, bearer, codeFor, poolWithClient, signedCall, signedInUser } from './support.js';

/**
 * Sign-up, recovery, sign-in (password and a challenge), refresh and revocation, self-service with
 * the user's access token, and who may call what: no credentials, a user's token on an admin
 * route, a token or client of another pool, SigV4 admin calls. On PostgreSQL.
 */
describe('REST sign-in and self-service', () => {
  let app: RunningApp;
  let pool: { poolId: string; clientId: string };
  let other: { poolId: string; clientId: string };

  beforeAll(async () => {
    app = await startApp('postgres');
    pool = await poolWithClient(app.url, 'signin');
    other = await poolWithClient(app.url, 'other');
  });

  afterAll(async () => {
    await app?.destroy();
  });

  test('sign-up, resend, confirm; forgot password and its confirmation; then sign-in with the new password', async () => {
    const base = `/v1/user-pools/${pool.poolId}`;
    const up = await call(app.url, 'POST', `${base}/sign-up`, { username: 'fay', password: PASSWORD, attributes: { email: 'fay@rest.test' } });
    expect(up.body).toMatchObject({ userConfirmed: false, codeDeliveryDetails: { attributeName: 'email', deliveryMedium: 'EMAIL' } });
    expect((await call(app.url, 'POST', `${base}/resend-confirmation-code`, { username: 'fay' })).body.codeDeliveryDetails.attributeName).toBe('email');
    expect((await call(app.url, 'POST', `${base}/confirm-sign-up`, { username: 'fay', code: await codeFor(app.url, pool.poolId, 'fay') })).status).toBe(200);
    expect((await call(app.url, 'POST', `${base}/forgot-password`, { username: 'fay' })).status).toBe(200);
    const reset = await call(app.url, 'POST', `${base}/confirm-forgot-password`, {
      username: 'fay',
      code: await codeFor(app.url, pool.poolId, 'fay'),
      password: 'Another-Horse-7',
    });
    expect(reset.status).toBe(204);
    const old = await call(app.url, 'POST', `${base}/sign-in`, { clientId: pool.clientId, username: 'fay', password: PASSWORD });
    expect(old.body).toMatchObject({ status: 403, code: 'NotAuthorizedException' });
    const signedIn = await call(app.url, 'POST', `${base}/sign-in`, { clientId: pool.clientId, username: 'fay', password: 'Another-Horse-7' });
    expect(signedIn.body.tokens).toMatchObject({
      accessToken: expect.any(String),
      idToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
    });
  });

  test('a user created by an admin answers NEW_PASSWORD_REQUIRED and gets tokens', async () => {
    await call(
      app.url,
      'POST',
      `/v1/user-pools/${pool.poolId}/users`,
      { username: 'gus', temporaryPassword: 'Temp-Horse-11', messageAction: 'SUPPRESS' },
      admin,
    );
    const first = await call(app.url, 'POST', `/v1/user-pools/${pool.poolId}/sign-in`, { clientId: pool.clientId, username: 'gus', password: 'Temp-Horse-11' });
    expect(first.body.challenge).toMatchObject({ name: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
    const answered = await call(app.url, 'POST', `/v1/user-pools/${pool.poolId}/sign-in/challenge`, {
      clientId: pool.clientId,
      challengeName: 'NEW_PASSWORD_REQUIRED',
      session: first.body.challenge.session,
      responses: { USERNAME: 'gus', NEW_PASSWORD: PASSWORD },
    });
    expect(answered.body.tokens.accessToken).toEqual(expect.any(String));
  });

  test('refresh, then revocation: the revoked refresh token no longer works', async () => {
    const tokens = await signedInUser(app.url, pool.poolId, pool.clientId, 'hal');
    const refreshed = await call(app.url, 'POST', '/v1/tokens/refresh', { clientId: pool.clientId, refreshToken: tokens.refreshToken });
    expect(refreshed.body.tokens.accessToken).toEqual(expect.any(String));
    expect((await call(app.url, 'POST', '/v1/tokens/revoke', { clientId: pool.clientId, token: tokens.refreshToken })).status).toBe(204);
    expect((await call(app.url, 'POST', '/v1/tokens/refresh', { clientId: pool.clientId, refreshToken: tokens.refreshToken })).body.code).toBe(
      'NotAuthorizedException',
    );
  });

  test('self-service with the access token: read, update, delete attributes, change password, verify, sign out, delete', async () => {
    const tokens = await signedInUser(app.url, pool.poolId, pool.clientId, 'ivy');
    const me = bearer(tokens.accessToken);
    expect((await call(app.url, 'GET', '/v1/me', undefined, me)).body).toMatchObject({ username: 'ivy', attributes: { email: 'ivy@rest.test' } });
    // The user's ETag, as the admin route answers it; a stale If-Match writes nothing.
    const before = await call(app.url, 'GET', '/v1/me', undefined, me);
    const etag = before.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    expect((await call(app.url, 'PATCH', '/v1/me', { attributes: { name: 'Ivy' } }, { ...me, 'if-match': etag })).status).toBe(200);
    const after = await call(app.url, 'GET', '/v1/me', undefined, me);
    expect(after.headers.get('etag')).not.toBe(etag);
    const stale = await call(app.url, 'PATCH', '/v1/me', { attributes: { name: 'Stale' } }, { ...me, 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, code: 'PreconditionFailedException' });
    expect((await call(app.url, 'GET', '/v1/me', undefined, me)).body.attributes.name).toBe('Ivy');
    expect((await call(app.url, 'DELETE', '/v1/me/attributes?names=name', undefined, me)).status).toBe(204);
    expect((await call(app.url, 'GET', '/v1/me', undefined, me)).body.attributes.name).toBeUndefined();
    expect((await call(app.url, 'POST', '/v1/me/password', { previousPassword: PASSWORD, proposedPassword: 'Brand-New-Horse-3' }, me)).status).toBe(204);
    // A new email waits for verification: a code goes out, and the code verifies it.
    expect((await call(app.url, 'PATCH', '/v1/me', { attributes: { email: 'ivy2@rest.test' } }, me)).body.codeDeliveryDetails).toHaveLength(1);
    expect((await call(app.url, 'POST', '/v1/me/attributes/email/verify', { code: await codeFor(app.url, pool.poolId, 'ivy') }, me)).status).toBe(204);
    expect((await call(app.url, 'POST', '/v1/me/attributes/email/verification-code', undefined, me)).body.codeDeliveryDetails.attributeName).toBe('email');
    expect((await call(app.url, 'GET', '/v1/me', undefined, me)).body.attributes).toMatchObject({ email: 'ivy2@rest.test', email_verified: 'true' });
    expect((await call(app.url, 'POST', '/v1/me/sign-out', undefined, me)).status).toBe(204);
    expect((await call(app.url, 'GET', '/v1/me', undefined, me)).body.code).toBe('NotAuthorizedException');

    const again = await call(app.url, 'POST', `/v1/user-pools/${pool.poolId}/sign-in`, {
      clientId: pool.clientId,
      username: 'ivy',
      password: 'Brand-New-Horse-3',
    });
    expect((await call(app.url, 'DELETE', '/v1/me', undefined, bearer(again.body.tokens.accessToken))).status).toBe(204);
    expect((await call(app.url, 'GET', `/v1/user-pools/${pool.poolId}/users/ivy`, undefined, admin)).status).toBe(404);
  });

  test('a user’s auth events: each sign-in attempt, newest first', async () => {
    await signedInUser(app.url, pool.poolId, pool.clientId, 'jan');
    await call(app.url, 'POST', `/v1/user-pools/${pool.poolId}/sign-in`, { clientId: pool.clientId, username: 'jan', password: 'Wrong-Horse-1' });
    const events = await call(app.url, 'GET', `/v1/user-pools/${pool.poolId}/users/jan/auth-events?limit=10`, undefined, admin);
    expect(events.body.events.map((e: { outcome: string }) => e.outcome)).toEqual(['fail', 'pass']);
  });

  test('authorization failures: none, a user token on an admin route, a bad key, a client or token of another pool', async () => {
    const tokens = await signedInUser(app.url, pool.poolId, pool.clientId, 'kim');
    const none = await call(app.url, 'GET', `/v1/user-pools/${pool.poolId}/users`);
    expect(none).toMatchObject({ status: 401, body: { code: 'UnauthenticatedException' } });
    expect(none.headers.get('www-authenticate')).toMatch(/Basic/);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await call(app.url, 'GET', `/v1/user-pools/${pool.poolId}/users`, undefined, bearer(tokens.accessToken))).status).toBe(401);
    const wrongSecret = `Basic ${Buffer.from(`${adminAuth.length}:nope`).toString('base64')}`;
    expect((await call(app.url, 'GET', `/v1/user-pools/${pool.poolId}`, undefined, { authorization: wrongSecret })).status).toBe(401);
    expect((await call(app.url, 'GET', '/v1/me')).status).toBe(401);
    expect((await call(app.url, 'GET', '/v1/me', undefined, bearer('not.a.token'))).body.code).toBe('NotAuthorizedException');

    // Sign-in under one pool with another pool's client is refused by the use case.
    const crossed = await call(app.url, 'POST', `/v1/user-pools/${pool.poolId}/sign-in`, { clientId: other.clientId, username: 'kim', password: PASSWORD });
    expect(crossed.status).toBe(404);
    // A refresh token of this pool with the other pool's client.
    expect((await call(app.url, 'POST', '/v1/tokens/refresh', { clientId: other.clientId, refreshToken: tokens.refreshToken })).body.code).toBe(
      'NotAuthorizedException',
    );
  });

  test('SigV4 with the admin key (service cairn) works on admin routes, GET and POST; a wrong signature is 401', async () => {
    const got = await signedCall(app.url, 'GET', `/v1/user-pools/${pool.poolId}/users?limit=5`);
    expect(got.status).toBe(200);
    const created = await signedCall(app.url, 'POST', `/v1/user-pools/${pool.poolId}/groups`, { groupName: 'signed' });
    expect(created.status).toBe(201);
    const bad = await signedCall(app.url, 'POST', `/v1/user-pools/${pool.poolId}/groups`, { groupName: 'forged' }, 'not-the-secret-0000000000000000000000000');
    expect(bad).toMatchObject({ status: 401, body: { code: 'UnauthenticatedException' } });
  });
});
