import { PgliteDatabase } from '../../src/db/pglite-database.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { USER_SESSIONS_TABLE, userSessionsProjection } from './user-sessions.projection.js';

const POOL = 'us-east-1_Test12345';
let seq = 0n;
const recorded = (familyId: string, type: string, data: object): RecordedEvent =>
  ({
    streamId: `refresh-${familyId}`,
    revision: 0n,
    position: { commit: 1n, prepare: seq++ },
    type,
    data,
    metadata: { eventId: `e${seq}`, occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c', causationId: 'c', actor: { kind: 'system' } },
  }) as RecordedEvent;
const issued = (familyId: string, sub: string) =>
  recorded(familyId, 'RefreshTokenIssued', {
    familyId,
    poolId: POOL,
    sub,
    clientId: 'client1',
    refreshTokenHash: 'h',
    authTime: '2026-01-01T00:00:00.000Z',
    issuedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-31T00:00:00.000Z',
  });
const revoked = (familyId: string) => recorded(familyId, 'RefreshTokenFamilyRevoked', { reason: 'REVOKED', at: '2026-01-02T00:00:00.000Z' });

describe('user-sessions projection', () => {
  let db: PgliteDatabase;
  const rows = async () => (await db.query<{ family_id: string; sub: string }>(`SELECT family_id, sub FROM ${USER_SESSIONS_TABLE} ORDER BY family_id`)).rows;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await userSessionsProjection.setup(db);
  });
  afterAll(async () => db.close());

  test('a row per family started, gone when revoked (in the same batch or a later one), and a replay leaves the same rows', async () => {
    const batches = [
      [issued('f1', 'alice'), issued('f2', 'alice'), issued('f3', 'bob'), revoked('f3')],
      [revoked('f2'), issued('f4', 'bob')],
    ];
    for (const batch of batches) await db.transaction((tx) => userSessionsProjection.apply(tx, batch));
    const first = await rows();
    expect(first).toEqual([
      { family_id: 'f1', sub: 'alice' },
      { family_id: 'f4', sub: 'bob' },
    ]);
    // Applying the same events again (a rebuild) changes nothing.
    await userSessionsProjection.drop(db);
    await userSessionsProjection.setup(db);
    await db.transaction((tx) => userSessionsProjection.apply(tx, batches.flat()));
    expect(await rows()).toEqual(first);
  });
});
