import { verifyStoredLog } from '../../src/history/verify/verify-database.js';
import { chainedLog, checkpointAll, type ChainedLog, rowOf, settled } from './support/chained-log.js';

/**
 * Tampering done by hand with SQL on a real PostgreSQL, each caught by the verifier and named:
 * the kind of change, the stream and revision, the event id and its global position.
 */
describe('the verifier catches tampering done with SQL (PostgreSQL)', () => {
  let log: ChainedLog;

  beforeEach(async () => {
    log = await chainedLog(3, 4);
  });
  afterEach(async () => {
    await log.close();
  });

  const verify = async () => (await settled(log.db), verifyStoredLog(log.store, log.db, log.db));

  test('an untouched log verifies: every event chained, nothing found', async () => {
    await checkpointAll(log, 5);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, events: 12, streams: 3, chained: 12, preChain: 0, findings: [] });
    expect(report.checkpoints).toEqual({ sealed: 2, open: 1, eventsCovered: 12, eventsAfter: 0 });
    expect(report.anchor).toMatch(/^[0-9a-f]{64}$/);
  });

  test('UPDATE of an event\'s data: "altered", naming that event', async () => {
    const target = await rowOf(log.db, 'thing-1', 2);
    await log.db.query(`UPDATE es_events SET data = jsonb_set(data, '{label}', '"rewritten"') WHERE stream_id = 'thing-1' AND revision = 2`);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      kind: 'altered',
      by: 'stream-chain',
      streamId: 'thing-1',
      revision: '2',
      eventId: target.id,
      position: target.position,
    });
  });

  test('INSERT of a row after a stream\'s last event: "inserted", naming the new row', async () => {
    await log.db.query(
      `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
       SELECT stream_id, 4, gen_random_uuid(), type, jsonb_set(data, '{n}', '4'), metadata FROM es_events WHERE stream_id = 'thing-0' AND revision = 3`,
    );
    const forged = await rowOf(log.db, 'thing-0', 4);
    const report = await verify();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'inserted', streamId: 'thing-0', revision: '4', eventId: forged.id, position: forged.position });
  });

  test('INSERT of a row in the middle (later revisions shifted, chain columns copied): "inserted" at its revision', async () => {
    await log.db.query(`UPDATE es_events SET revision = revision + 10 WHERE stream_id = 'thing-2' AND revision >= 2`);
    await log.db.query(`UPDATE es_events SET revision = revision - 9 WHERE stream_id = 'thing-2' AND revision >= 12`);
    await log.db.query(`UPDATE es_streams SET revision = 4 WHERE stream_id = 'thing-2'`);
    await log.db.query(
      `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, prev_hash, hash)
       SELECT stream_id, 2, gen_random_uuid(), type, '{"label": "forged"}', metadata, prev_hash, hash FROM es_events WHERE stream_id = 'thing-2' AND revision = 1`,
    );
    const forged = await rowOf(log.db, 'thing-2', 2);
    const report = await verify();
    expect(report.findings[0]).toMatchObject({ kind: 'inserted', streamId: 'thing-2', revision: '2', eventId: forged.id });
  });

  test('DELETE of a row inside a stream: "removed", naming the missing revision and the event after the gap', async () => {
    const after = await rowOf(log.db, 'thing-1', 2);
    await log.db.query(`DELETE FROM es_events WHERE stream_id = 'thing-1' AND revision = 1`);
    const report = await verify();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'removed', streamId: 'thing-1', revision: '2', eventId: after.id });
    expect(report.findings[0].detail).toContain('revision 1 missing');
  });

  test('DELETE of a stream\'s last row: "removed", from the stream\'s recorded head', async () => {
    await log.db.query(`DELETE FROM es_events WHERE stream_id = 'thing-0' AND revision = 3`);
    const report = await verify();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'removed', streamId: 'thing-0', revision: '3..3' });
  });

  test('two rows swapping revisions: "reordered", naming the event that moved up', async () => {
    const moved = await rowOf(log.db, 'thing-2', 2);
    await log.db.query(`UPDATE es_events SET revision = -1 WHERE stream_id = 'thing-2' AND revision = 1`);
    await log.db.query(`UPDATE es_events SET revision = 1 WHERE stream_id = 'thing-2' AND revision = 2`);
    await log.db.query(`UPDATE es_events SET revision = 2 WHERE stream_id = 'thing-2' AND revision = -1`);
    const report = await verify();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'reordered', streamId: 'thing-2', revision: '1', eventId: moved.id });
  });

  test('an event moved in the global order, its stream untouched: the checkpoint names it', async () => {
    await checkpointAll(log, 100);
    const moved = await rowOf(log.db, 'thing-0', 0);
    // Give the first event the transaction id of the last one: it now sorts near the end.
    await log.db.query(`UPDATE es_events SET transaction_id = (SELECT max(transaction_id::text::bigint)::text::xid8 FROM es_events) WHERE event_id = $1`, [
      moved.id,
    ]);
    const report = await verify();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'reordered', by: 'checkpoint', streamId: 'thing-0', revision: '0', eventId: moved.id });
  });

  test('a stream rewritten with a recomputed chain passes its own chain but not the checkpoint', async () => {
    await checkpointAll(log, 100);
    const target = await rowOf(log.db, 'thing-1', 3);
    // A careful forger: new data and a hash recomputed so the stream's chain holds (digest and link
    // are both computable by anyone). Only the checkpoint, taken before, still knows the old event.
    const { eventDigest, chainHash } = await import('../../src/event-store/event-hash.js');
    const row = (
      await log.db.query<{ data: Record<string, unknown>; metadata: Record<string, unknown>; type: string; prev: string }>(
        `SELECT data, metadata, type, encode(prev_hash, 'hex') AS prev FROM es_events WHERE event_id = $1`,
        [target.id],
      )
    ).rows[0];
    const data = { ...row.data, label: 'forged, with a valid chain' };
    const hash = chainHash(row.prev, eventDigest({ streamId: 'thing-1', eventId: target.id, type: row.type, data, metadata: row.metadata }));
    await log.db.query(`UPDATE es_events SET data = $2::jsonb, hash = decode($3, 'hex') WHERE event_id = $1`, [target.id, JSON.stringify(data), hash]);
    const report = await verify();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'altered', by: 'checkpoint', streamId: 'thing-1', revision: '3', eventId: target.id });
  });
});
