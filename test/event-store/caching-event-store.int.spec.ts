import { PgDatabase } from '../../src/db/pg-database.js';
import { CachingEventStore } from '../../src/event-store/caching-event-store.js';
import { WrongExpectedRevisionError } from '../../src/event-store/errors.js';
import type { AppendNotice } from '../../src/event-store/event-store.port.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { freshDatabase } from '../support/postgres.js';
import { testEvent } from '../support/events.js';
import { eventually } from '../support/wait.js';

/**
 * The platform's stream cache on PostgreSQL, with two "processes" (two connection pools, two
 * caches) on one database: every write, local or remote, is seen by the next read once its
 * notice has arrived, and reads of other categories always go to the database.
 */
describe('CachingEventStore on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let innerA: SqlEventStore;
  let innerB: SqlEventStore;
  let a: CachingEventStore;
  let b: CachingEventStore;
  const types = (events: { type: string }[]) => events.map((e) => e.type);

  beforeAll(async () => {
    db = await freshDatabase('cache');
    innerA = await SqlEventStore.open(new PgDatabase({ connectionString: db.url, max: 4 }));
    innerB = await SqlEventStore.open(new PgDatabase({ connectionString: db.url, max: 4 }));
    a = new CachingEventStore(innerA, { categories: ['userpool', 'client'] });
    b = new CachingEventStore(innerB, { categories: ['userpool', 'client'] });
    // Both notice channels are up once a write by either reaches the other.
    await innerA.append('probe-1', [testEvent('Probe')], { expectedRevision: 'any' });
    await new Promise((r) => setTimeout(r, 300));
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it('answers a repeated whole-stream read from memory, and a local append is seen at once', async () => {
    await a.append('userpool-p1', [testEvent('PoolCreated')], { expectedRevision: 'no_stream' });
    // The append's own notice comes back a moment later and drops the entry once more; after
    // that, repeated reads are answered from memory.
    await eventually(async () => {
      const hits = a.hits;
      expect(types(await a.readStream('userpool-p1'))).toEqual(['PoolCreated']);
      expect(types(await a.readStream('userpool-p1'))).toEqual(['PoolCreated']);
      return a.hits > hits;
    });
    await a.append('userpool-p1', [testEvent('PoolUpdated')], { expectedRevision: 0n });
    // No wait: the writer dropped its own entry before answering.
    expect(types(await a.readStream('userpool-p1'))).toEqual(['PoolCreated', 'PoolUpdated']);
  });

  it("sees another process's append once its notice arrives", async () => {
    await a.append('client-c1', [testEvent('ClientCreated')], { expectedRevision: 'no_stream' });
    expect(types(await b.readStream('client-c1'))).toEqual(['ClientCreated']);
    expect(types(await b.readStream('client-c1'))).toEqual(['ClientCreated']);
    await a.append('client-c1', [testEvent('ClientUpdated')], { expectedRevision: 0n });
    await eventually(async () => {
      expect(types(await b.readStream('client-c1'))).toEqual(['ClientCreated', 'ClientUpdated']);
      return true;
    });
  });

  it('drops stale state behind a WrongExpectedRevision so a retry re-reads the database', async () => {
    // A cache whose notice channel stays silent: only the failed append can tell it.
    const deafInner = Object.assign(Object.create(innerB) as SqlEventStore, { watchAppends: async () => async () => undefined });
    const deaf = new CachingEventStore(deafInner, { categories: ['userpool'] });
    await a.append('userpool-p2', [testEvent('PoolCreated')], { expectedRevision: 'no_stream' });
    expect(types(await deaf.readStream('userpool-p2'))).toEqual(['PoolCreated']);
    await a.append('userpool-p2', [testEvent('PoolUpdated')], { expectedRevision: 0n });
    expect(types(await deaf.readStream('userpool-p2'))).toEqual(['PoolCreated']); // stale, as expected
    await expect(deaf.append('userpool-p2', [testEvent('PoolDeleted')], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(types(await deaf.readStream('userpool-p2'))).toEqual(['PoolCreated', 'PoolUpdated']);
    await deaf.stop();
  });

  it('never keeps a read that was in flight when a notice dropped things', async () => {
    await a.append('client-c2', [testEvent('ClientCreated')], { expectedRevision: 'no_stream' });
    // Start a read on b, and let a notice for the category land before it returns.
    const reading = b.readStream('client-c2');
    await a.append('client-c2', [testEvent('ClientUpdated')], { expectedRevision: 0n });
    await reading;
    await eventually(async () => {
      expect(types(await b.readStream('client-c2'))).toEqual(['ClientCreated', 'ClientUpdated']);
      return true;
    });
    // And once settled, the cached answer is the current one.
    expect(types(await b.readStream('client-c2'))).toEqual(['ClientCreated', 'ClientUpdated']);
  });

  it('reads other categories and partial reads from the database every time', async () => {
    await a.append('user-p1-u1', [testEvent('UserSignedUp')], { expectedRevision: 'no_stream' });
    await a.append('userpool-p3', [testEvent('PoolCreated'), testEvent('PoolUpdated')], { expectedRevision: 'no_stream' });
    const hits = a.hits;
    await a.readStream('user-p1-u1');
    await a.readStream('user-p1-u1');
    expect(types(await a.readStream('userpool-p3', { last: 1 }))).toEqual(['PoolUpdated']);
    expect(types(await a.readStream('userpool-p3', { fromRevision: 1n }))).toEqual(['PoolUpdated']);
    expect(a.hits).toBe(hits);
    await innerB.append('user-p1-u1', [testEvent('UserUpdated')], { expectedRevision: 0n });
    expect(types(await a.readStream('user-p1-u1'))).toEqual(['UserSignedUp', 'UserUpdated']);
  });

  it('tells listeners the types and categories an append wrote', async () => {
    const seen: (AppendNotice | undefined)[] = [];
    const stop = await innerB.watchAppends((n) => seen.push(n));
    await a.append('userpool-p4', [testEvent('PoolCreated')], { expectedRevision: 'no_stream' });
    await eventually(() => seen.some((n) => n?.categories.includes('userpool') && n.types.includes('PoolCreated')));
    await stop();
  });

  it('readStreams answers kept streams from memory and reads the rest in one go; appendMany drops what it writes', async () => {
    await a.appendMany([
      { streamId: 'userpool-p5', events: [testEvent('PoolCreated')], options: { expectedRevision: 'no_stream' } },
      { streamId: 'user-p5-u1', events: [testEvent('UserSignedUp')], options: { expectedRevision: 'no_stream' } },
    ]);
    await eventually(async () => {
      const hits = a.hits;
      await a.readStream('userpool-p5');
      const [pool, user, tail] = await a.readStreams([{ streamId: 'userpool-p5' }, { streamId: 'user-p5-u1' }, { streamId: 'userpool-p5', last: 1 }]);
      expect([types(pool), types(user), types(tail)]).toEqual([['PoolCreated'], ['UserSignedUp'], ['PoolCreated']]);
      return a.hits > hits;
    });
    await a.appendMany([
      { streamId: 'user-p5-u1', events: [testEvent('UserUpdated')], options: { expectedRevision: 0n } },
      { streamId: 'userpool-p5', events: [testEvent('PoolUpdated')], options: { expectedRevision: 0n } },
    ]);
    const [pool, user] = await a.readStreams([{ streamId: 'userpool-p5' }, { streamId: 'user-p5-u1' }]);
    expect([types(pool), types(user)]).toEqual([
      ['PoolCreated', 'PoolUpdated'],
      ['UserSignedUp', 'UserUpdated'],
    ]);
  });

  it('keeps the cache exact under concurrent writers on both sides', async () => {
    await a.append('client-c3', [testEvent('ClientCreated')], { expectedRevision: 'no_stream' });
    const writers = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).append('client-c3', [testEvent(`Step${i}`)], { expectedRevision: 'any' }));
    const readers = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).readStream('client-c3'));
    await Promise.all([...writers, ...readers]);
    const truth = types(await innerA.readStream('client-c3'));
    expect(truth).toHaveLength(21);
    await eventually(async () => {
      expect(types(await a.readStream('client-c3'))).toEqual(truth);
      expect(types(await b.readStream('client-c3'))).toEqual(truth);
      return true;
    });
  });
});
