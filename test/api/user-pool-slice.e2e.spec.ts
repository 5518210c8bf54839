import { type RunningApp, type Storage, adminAuth, call, startApp } from '../support/app.js';

const admin = { authorization: adminAuth };
const STRONG = 'Correct-Horse-9';

async function eventCount(app: RunningApp): Promise<number> {
  const r = await app.platform.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events`);
  return Number(r.rows[0].n);
}

async function latestCode(app: RunningApp, poolId: string, username: string): Promise<string> {
  const r = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}&username=${encodeURIComponent(username)}`, undefined, admin);
  expect(r.status).toBe(200);
  const match = /(\d{6})/.exec(r.body.messages[0]?.body ?? '');
  if (!match) throw new Error(`no code for ${username}`);
  return match[1];
}

describe.each<Storage>(['pglite', 'postgres'])('user-pool slice over REST (%s)', (storage) => {
  let app: RunningApp;
  let poolId: string;

  beforeAll(async () => {
    app = await startApp(storage);
    const r = await call(app.url, 'POST', '/v1/user-pools', { name: 'shop', autoVerifiedAttributes: ['email'] }, admin);
    expect(r.status).toBe(201);
    poolId = r.body.poolId;
  });
  afterAll(async () => app.destroy());

  test('creates a pool with Cognito-shaped id and default policy; admin routes need admin credentials', async () => {
    expect(poolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    const got = await call(app.url, 'GET', `/v1/user-pools/${poolId}`, undefined, admin);
    expect(got.body).toMatchObject({ name: 'shop', passwordPolicy: { minimumLength: 8, requireSymbols: true }, usernameCaseSensitive: false });
    expect((await call(app.url, 'POST', '/v1/user-pools', { name: 'x' })).body.code).toBe('UnauthenticatedException');
    const wrong = `Basic ${Buffer.from('AKIATESTADMIN0000001:wrong-secret').toString('base64')}`;
    const denied = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users`, undefined, { authorization: wrong });
    expect(denied.status).toBe(401);
  });

  test('sign-up, then a list right away shows the user (read-your-writes)', async () => {
    const r = await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, {
      username: 'Alice',
      password: STRONG,
      attributes: { email: 'alice@example.test' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ userConfirmed: false, codeDeliveryDetails: { deliveryMedium: 'EMAIL', destination: 'a***@e***', attributeName: 'email' } });
    const list = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users?usernamePrefix=alice`, undefined, admin);
    expect(list.body.users).toEqual([
      expect.objectContaining({
        sub: r.body.userSub,
        username: 'Alice',
        status: 'UNCONFIRMED',
        attributes: { sub: r.body.userSub, email: 'alice@example.test' },
      }),
    ]);
    // The password hash never leaves the service.
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|passwordHash/);
  });

  test('usernames are unique per pool, case-insensitively by default; concurrent sign-ups of one name: exactly one wins', async () => {
    const dup = await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'ALICE', password: STRONG });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('UsernameExistsException');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'racer', password: STRONG })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(11);
  });

  test('confirmation: wrong codes count, the right one confirms once, the list shows it', async () => {
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'carol', password: STRONG, attributes: { email: 'Carol@Example.test' } });
    const code = await latestCode(app, poolId, 'carol');
    const wrong = code === '000000' ? '111111' : '000000';
    const miss = await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'carol', code: wrong });
    expect(miss.body.code).toBe('CodeMismatchException');
    const ok = await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'CAROL', code });
    expect(ok.status).toBe(200);
    const again = await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'carol', code });
    expect(again.body.code).toBe('NotAuthorizedException');
    const list = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users?emailPrefix=carol@`, undefined, admin);
    expect(list.body.users).toEqual([
      expect.objectContaining({ username: 'carol', status: 'CONFIRMED', attributes: expect.objectContaining({ email_verified: 'true' }) }),
    ]);
  });

  test('a code stops working after 5 wrong attempts', async () => {
    await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: 'dave', password: STRONG, attributes: { email: 'dave@example.test' } });
    const code = await latestCode(app, poolId, 'dave');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      expect((await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'dave', code: wrong })).body.code).toBe(
        'CodeMismatchException',
      );
    }
    const locked = await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'dave', code });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TooManyFailedAttemptsException');
  });

  test('lists filter by username and email prefix and paginate with an opaque cursor', async () => {
    for (const name of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) {
      await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, { username: name, password: STRONG, attributes: { email: `${name}@paging.test` } });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users?usernamePrefix=page-&limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, admin);
      expect(r.status).toBe(200);
      expect(r.body.users.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.users.map((u: { username: string }) => u.username));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    const byEmail = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users?emailPrefix=PAGE-C@`, undefined, admin);
    expect(byEmail.body.users.map((u: { username: string }) => u.username)).toEqual(['page-c']);
    const wildcard = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users?usernamePrefix=%25`, undefined, admin);
    expect(wildcard.body.users).toEqual([]);
    const badCursor = await call(app.url, 'GET', `/v1/user-pools/${poolId}/users?cursor=nonsense`, undefined, admin);
    expect(badCursor.body.code).toBe('InvalidParameterException');
  });

  test('bad input gets a 4xx with a typed code and writes nothing', async () => {
    const before = await eventCount(app);
    const cases: Array<[string, string, unknown, number, string]> = [
      ['missing password', `/v1/user-pools/${poolId}/sign-up`, { username: 'eve' }, 400, 'InvalidParameterException'],
      ['wrong type', `/v1/user-pools/${poolId}/sign-up`, { username: 42, password: STRONG }, 400, 'InvalidParameterException'],
      ['unknown field', `/v1/user-pools/${poolId}/sign-up`, { username: 'eve', password: STRONG, admin: true }, 400, 'InvalidParameterException'],
      ['weak password', `/v1/user-pools/${poolId}/sign-up`, { username: 'eve', password: 'password' }, 400, 'InvalidPasswordException'],
      ['bad email', `/v1/user-pools/${poolId}/sign-up`, { username: 'eve', password: STRONG, attributes: { email: 'nope' } }, 400, 'InvalidParameterException'],
      [
        'unknown attribute',
        `/v1/user-pools/${poolId}/sign-up`,
        { username: 'eve', password: STRONG, attributes: { shoe_size: '9' } },
        400,
        'InvalidParameterException',
      ],
      ['whitespace username', `/v1/user-pools/${poolId}/sign-up`, { username: 'e ve', password: STRONG }, 400, 'InvalidParameterException'],
      ['unknown pool', `/v1/user-pools/us-east-1_Nope00000/sign-up`, { username: 'eve', password: STRONG }, 404, 'ResourceNotFoundException'],
      ['malformed pool id', `/v1/user-pools/..%2F..%2Fetc/sign-up`, { username: 'eve', password: STRONG }, 404, 'ResourceNotFoundException'],
      ['malformed JSON', `/v1/user-pools/${poolId}/sign-up`, '{"username":', 400, 'InvalidParameterException'],
      [
        'oversized body',
        `/v1/user-pools/${poolId}/sign-up`,
        { username: 'eve', password: STRONG, attributes: { name: 'x'.repeat(200_000) } },
        413,
        'PayloadTooLargeException',
      ],
      ['confirm unknown user', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'nobody', code: '123456' }, 404, 'UserNotFoundException'],
      ['pool without name', '/v1/user-pools', { passwordPolicy: { minimumLength: 3 } }, 400, 'InvalidParameterException'],
    ];
    for (const [what, path, body, status, code] of cases) {
      const r = await call(app.url, 'POST', path, body, path === '/v1/user-pools' ? admin : {});
      expect({ what, status: r.status, code: r.body?.code }).toEqual({ what, status, code });
    }
    expect(await eventCount(app)).toBe(before);
  });

  test('serves its OpenAPI document', async () => {
    const r = await call(app.url, 'GET', '/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/v1/user-pools', '/v1/user-pools/{poolId}/sign-up', '/v1/user-pools/{poolId}/users']));
  });
});

describe('embedded default: data survive a restart', () => {
  test('pool, users and admin key are there after the service restarts on the same data folder', async () => {
    const first = await startApp('pglite');
    const pool = await call(first.url, 'POST', '/v1/user-pools', { name: 'durable' }, admin);
    await call(first.url, 'POST', `/v1/user-pools/${pool.body.poolId}/sign-up`, { username: 'kept', password: STRONG });
    await first.stop();
    const second = await startApp('pglite', {}, { dataDir: first.dataDir });
    try {
      const list = await call(second.url, 'GET', `/v1/user-pools/${pool.body.poolId}/users`, undefined, admin);
      expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(['kept']);
    } finally {
      await second.destroy();
    }
  });
});

describe('production mode', () => {
  test('the dev outbox is off', async () => {
    const app = await startApp('pglite', { PRODUCTION: 'true', MASTER_KEY: Buffer.alloc(32, 7).toString('base64url') });
    try {
      const r = await call(app.url, 'GET', '/v1/admin/outbox', undefined, admin);
      expect(r.status).toBe(404);
    } finally {
      await app.destroy();
    }
  });
});
