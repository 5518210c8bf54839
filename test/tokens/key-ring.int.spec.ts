import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { Secrets } from '../../src/crypto/secrets.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { NotAuthorizedError } from '../../src/shared/domain-error.js';
import { KeyRing } from '../../src/tokens/key-ring.js';
import { privateKeyContext, signingKeysStream } from '../../src/tokens/signing-key.events.js';

const OTHER_POOL = 'us-east-1_ZyXwVuTsR';
const HOUR = 3600_000;

describe('key ring over a real event store (PGlite)', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  const secrets = new Secrets(randomBytes(32));
  let now: Date;
  // One database for the file (PGlite takes seconds to start); each test gets its own pool.
  let POOL: string;
  let ISSUER: string;
  let n = 0;
  const clock = () => now;
  const ring = () => new KeyRing(store, secrets, clock, { issuer: (poolId) => `http://cairn.test/${poolId}` });
  const streamEvents = async (poolId: string) => store.readStream(signingKeysStream(poolId));

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    store = await SqlEventStore.open(db);
  });
  afterAll(async () => db.close());
  beforeEach(() => {
    POOL = `us-east-1_TestPool${++n}`;
    ISSUER = `http://cairn.test/${POOL}`;
    now = new Date('2026-03-01T12:00:00.000Z');
  });

  test('signs an RS256 JWT with the kid header, and verifies it; bad tokens get typed errors', async () => {
    const keys = ring();
    const token = await keys.sign(POOL, { sub: 'u-1', iss: ISSUER, token_use: 'access', client_id: 'app-1' }, { expiresInSeconds: 3600 });
    const [{ kid }] = (await keys.jwks(POOL)).keys;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid });
    const payload = await keys.verify(POOL, token, { tokenUse: 'access', clientId: 'app-1' });
    expect(payload).toMatchObject({ sub: 'u-1', iat: now.getTime() / 1000, exp: now.getTime() / 1000 + 3600 });

    const rejects = (p: Promise<unknown>, message: string) => expect(p).rejects.toThrow(new NotAuthorizedError(message));
    await rejects(keys.verify(POOL, token, { tokenUse: 'id' }), 'Invalid token');
    await rejects(keys.verify(POOL, token, { clientId: 'app-2' }), 'Invalid token');
    await rejects(keys.verify(POOL, `${token.slice(0, -4)}AAAA`), 'Invalid token');
    await rejects(keys.verify(POOL, 'not.a.jwt'), 'Invalid token');
    await rejects(keys.verify(OTHER_POOL, token), 'Invalid token'); // another pool's keys, and issuer
    const wrongIssuer = await keys.sign(POOL, { iss: 'http://elsewhere.test' }, { expiresInSeconds: 60 });
    await rejects(keys.verify(POOL, wrongIssuer), 'Invalid token');
    await expect(keys.sign(POOL, {}, { expiresInSeconds: 86400 + 1 })).rejects.toThrow(/lifetime/);
    now = new Date(now.getTime() + 3601_000);
    await rejects(keys.verify(POOL, token), 'Token expired');
  });

  test('no private key material is stored in clear: only inside the bound ciphertext', async () => {
    const keys = ring();
    await keys.ensureKeys(POOL);
    await keys.rotate(POOL);
    const rows = await db.query<{ type: string; data: string }>(`SELECT type, data::text AS data FROM es_events WHERE stream_id = $1`, [
      signingKeysStream(POOL),
    ]);
    expect(rows.rows.map((r) => r.type)).toEqual(['SigningKeyCreated', 'SigningKeyCreated']);
    for (const row of rows.rows) {
      expect(row.data).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
      const { kid, encryptedPrivateKey } = JSON.parse(row.data) as { kid: string; encryptedPrivateKey: string };
      const privateJwk = JSON.parse(secrets.decrypt(encryptedPrivateKey, privateKeyContext(POOL, kid))) as Record<string, string>;
      expect(privateJwk.d).toEqual(expect.any(String));
      expect(row.data).not.toContain(privateJwk.d);
      // Bound to its pool and kid: the ciphertext cannot be replayed under another pool.
      expect(() => secrets.decrypt(encryptedPrivateKey, privateKeyContext(OTHER_POOL, kid))).toThrow();
    }
    const jwks = JSON.stringify(await keys.jwks(POOL));
    expect(jwks).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
  });

  test('a token signed before a rotation still verifies after it, here and on another instance', async () => {
    const keys = ring();
    const before = await keys.sign(POOL, { sub: 'u-1', iss: ISSUER }, { expiresInSeconds: 86400 });
    const oldKid = decodeProtectedHeader(before).kid;
    const rotation = await keys.rotate(POOL);
    expect(rotation).toEqual({ kid: expect.any(String), activatesAt: new Date(now.getTime() + HOUR).toISOString(), created: true });
    expect(await keys.rotate(POOL)).toEqual({ ...rotation, created: false });
    // Published at once, signing only after the lead.
    expect((await keys.jwks(POOL)).keys.map((k) => k.kid)).toEqual([oldKid, rotation.kid]);
    expect(decodeProtectedHeader(await keys.sign(POOL, {}, { expiresInSeconds: 60 })).kid).toBe(oldKid);

    now = new Date(now.getTime() + 2 * HOUR);
    const after = await keys.sign(POOL, { sub: 'u-1', iss: ISSUER }, { expiresInSeconds: 60 });
    expect(decodeProtectedHeader(after).kid).toBe(rotation.kid);
    const restarted = ring();
    for (const instance of [keys, restarted]) {
      await expect(instance.verify(POOL, before)).resolves.toMatchObject({ sub: 'u-1' });
      await expect(instance.verify(POOL, after)).resolves.toMatchObject({ sub: 'u-1' });
    }
    const retired = (await streamEvents(POOL)).find((e) => e.type === 'SigningKeyRetired');
    expect(retired?.data).toEqual({
      poolId: POOL,
      kid: oldKid,
      supersededBy: rotation.kid,
      retiredAt: rotation.activatesAt,
      unpublishAt: new Date(Date.parse(rotation.activatesAt) + 86400_000 + 300_000).toISOString(),
    });

    // Once every token the old key could have signed has expired, it leaves the JWKS.
    now = new Date(Date.parse(rotation.activatesAt) + 86400_000 + 300_000);
    expect((await restarted.jwks(POOL)).keys.map((k) => k.kid)).toEqual([rotation.kid]);
  });

  test('concurrent ensureKeys on two instances creates exactly one first key', async () => {
    const instances = [ring(), ring()];
    await Promise.all(Array.from({ length: 8 }, (_, i) => instances[i % 2].ensureKeys(POOL)));
    const created = (await streamEvents(POOL)).filter((e) => e.type === 'SigningKeyCreated');
    expect(created).toHaveLength(1);
    const kid = (created[0].data as { kid: string }).kid;
    for (const instance of instances)
      expect((await instance.jwks(POOL)).keys).toEqual([expect.objectContaining({ kid, use: 'sig', alg: 'RS256', kty: 'RSA' })]);
  });
});
