import { randomBytes } from 'node:crypto';
import { SignInGuard } from '../../src/auth/sign-in-guard.js';
import { GUARD_TABLE } from '../../src/auth/sign-in-guard.sql.js';
import { FREE_ATTEMPTS, lockDurationMs } from '../../src/auth/lockout.js';
import { Secrets } from '../../src/crypto/secrets.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { SqlDatabase } from '../../src/db/sql.js';
import { freshDatabase } from '../support/postgres.js';

const adapters: Array<[string, () => Promise<{ db: SqlDatabase; done: () => Promise<void> }>]> = [
  [
    'PGlite',
    async () => {
      const db = await PgliteDatabase.open();
      return { db, done: () => db.close() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const info = await freshDatabase('guard');
      const db = new PgDatabase({ connectionString: info.url, max: 4 });
      return {
        db,
        done: async () => {
          await db.close();
          await info.drop();
        },
      };
    },
  ],
];

/** The guard's SQL follows lockout.ts's rule at every boundary, and a lost reservation expires. */
describe.each(adapters)('sign-in guard (%s)', (_name, open) => {
  let db: SqlDatabase;
  let done: () => Promise<void>;
  let guard: SignInGuard;
  const t0 = Date.parse('2026-03-01T00:00:00.000Z');
  const at = (ms: number) => new Date(t0 + ms);

  beforeAll(async () => {
    ({ db, done } = await open());
    await SignInGuard.setup(db);
    await SignInGuard.setup(db); // idempotent
    guard = new SignInGuard(db, new Secrets(randomBytes(32)));
  });
  afterAll(async () => done());

  test('free attempts, then a lock of lockDurationMs(failures) after each further failure', async () => {
    const keys = { subject: guard.userKey('p', 'lockout') };
    let now = 0;
    for (let failures = 0; failures < FREE_ATTEMPTS + 4; failures++) {
      const lock = lockDurationMs(failures);
      if (lock > 0) {
        expect(await guard.reserve(keys, at(now + lock - 1))).toEqual({ ok: false, refused: 'subject' });
        now += lock;
      }
      expect(await guard.reserve(keys, at(now))).toEqual({ ok: true });
      await guard.settle(keys, 'wrong_password', at(now));
    }
    // A success resets the count.
    now += lockDurationMs(FREE_ATTEMPTS + 4);
    expect(await guard.reserve(keys, at(now))).toEqual({ ok: true });
    await guard.settle(keys, 'success', at(now));
    for (let i = 0; i < FREE_ATTEMPTS; i++) expect(await guard.reserve(keys, at(now))).toEqual({ ok: true });
  });

  test('guesses in flight count; a reservation never settled stops counting after 30 s', async () => {
    const keys = { subject: guard.userKey('p', 'inflight') };
    for (let i = 0; i < FREE_ATTEMPTS; i++) expect(await guard.reserve(keys, at(0))).toEqual({ ok: true });
    expect(await guard.reserve(keys, at(1000))).toEqual({ ok: false, refused: 'subject' });
    expect(await guard.reserve(keys, at(30_001))).toEqual({ ok: true });
  });

  test('an address allows its limit per window, and a subject refusal hands the address reservation back', async () => {
    const address = guard.addressKey('203.0.113.7');
    for (let i = 0; i < 20; i++) {
      const keys = { subject: guard.userKey('p', `a${i}`), address };
      expect(await guard.reserve(keys, at(0))).toEqual({ ok: true });
      await guard.settle(keys, 'wrong_password', at(0));
    }
    expect(await guard.reserve({ address }, at(59_999))).toEqual({ ok: false, refused: 'address' });
    expect(await guard.reserve({ address }, at(60_000))).toEqual({ ok: true });
    // A locked subject does not use up the address's allowance.
    const other = guard.addressKey('203.0.113.8');
    const locked = { subject: guard.userKey('p', 'inflight'), address: other };
    for (let i = 0; i < 25; i++) await guard.reserve(locked, at(30_002));
    expect(await guard.reserve({ address: other }, at(30_002))).toEqual({ ok: true });
  });

  test('bounded in size: quiet rows are forgotten after an hour, and names and addresses past the bound go least recent first', async () => {
    const count = async (where: string) => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${GUARD_TABLE} WHERE ${where}`)).rows[0].n);
    await db.query(`DELETE FROM ${GUARD_TABLE}`);
    const base = at(10 * 3_600_000);
    // A flood of invented names from many addresses within the hour, and one real user.
    for (let i = 0; i < 60; i++) {
      const keys = { subject: guard.nameKey('pool', `ghost-${i}`), address: guard.addressKey(`10.0.${i}.1`) };
      expect(await guard.reserve(keys, new Date(base.getTime() + i * 1000))).toEqual({ ok: true });
      await guard.settle(keys, 'wrong_password', new Date(base.getTime() + i * 1000));
    }
    const user = { subject: guard.userKey('pool', 'sub-1'), address: guard.addressKey('10.9.9.9') };
    await guard.reserve(user, base);
    await guard.settle(user, 'wrong_password', base);
    expect(await count(`key LIKE 'u:%'`)).toBe(1);
    expect(await count(`key NOT LIKE 'u:%'`)).toBe(121);

    await guard.prune(new Date(base.getTime() + 60_000), 50);
    expect(await count(`key NOT LIKE 'u:%'`)).toBe(50);
    // The user's row stays (its lockout stands), and the newest names are the ones kept.
    expect(await count(`key LIKE 'u:%'`)).toBe(1);
    const newest = { subject: guard.nameKey('pool', 'ghost-59') };
    expect(await count(`key = '${newest.subject}'`)).toBe(1);
    expect(await count(`key = '${guard.nameKey('pool', 'ghost-0')}'`)).toBe(0);

    // An hour of quiet later everything goes, the user's row too.
    await guard.prune(new Date(base.getTime() + 2 * 3_600_000));
    expect(await count('true')).toBe(0);
  });
});
