import type { SqlDatabase } from '../../src/db/sql.js';
import type { NewEvent } from '../../src/event-store/event-store.port.js';

export interface NewStream {
  streamId: string;
  events: readonly NewEvent[];
}

/**
 * Writes many new streams in one transaction: the same rows `SqlEventStore.append` writes
 * (es_streams + es_events, see src/event-store/sql-schema.ts), but for a thousand streams per
 * round trip instead of one. Only for filling a log before a read-side benchmark: it skips the
 * store's checks (expected revision, unique values) and the NOTIFY, which a fresh database
 * and no live subscribers make moot.
 */
export async function bulkAppendNewStreams(db: SqlDatabase, streams: readonly NewStream[]): Promise<void> {
  const streamIds: string[] = [];
  const lastRevisions: string[] = [];
  const cols = { stream: [] as string[], revision: [] as string[], id: [] as string[], type: [] as string[], data: [] as string[], metadata: [] as string[] };
  for (const s of streams) {
    streamIds.push(s.streamId);
    lastRevisions.push(String(s.events.length - 1));
    s.events.forEach((e, i) => {
      cols.stream.push(s.streamId);
      cols.revision.push(String(i));
      cols.id.push(e.metadata.eventId);
      cols.type.push(e.type);
      cols.data.push(JSON.stringify(e.data));
      cols.metadata.push(JSON.stringify(e.metadata));
    });
  }
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO es_streams (stream_id, revision) SELECT * FROM unnest($1::text[], $2::bigint[])`, [streamIds, lastRevisions]);
    // WITH ORDINALITY keeps the events' order, so positions follow the revisions.
    await tx.query(
      `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
       SELECT s, r, i, t, d, m
         FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])
              WITH ORDINALITY AS u(s, r, i, t, d, m, n)
        ORDER BY n`,
      [cols.stream, cols.revision, cols.id, cols.type, cols.data, cols.metadata],
    );
  });
}
