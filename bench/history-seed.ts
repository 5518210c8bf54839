import type { SqlDatabase } from '../src/db/sql.js';
import type { NewEvent } from '../src/event-store/event-store.port.js';

/** One event at a known place in its stream. */
export interface SeedRow {
  streamId: string;
  revision: number;
  event: NewEvent;
}

/**
 * Writes rows to new and existing streams in one transaction: the rows es_append writes, minus
 * its checks and the hash chain (the as-of benchmark reads the log, it does not verify it), so
 * a log of a million events fills in seconds rather than minutes. Revisions come from the caller,
 * who keeps each stream's head; es_streams ends at the highest revision written.
 */
export async function bulkAppend(db: SqlDatabase, rows: readonly SeedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const heads = new Map<string, number>();
  for (const r of rows) heads.set(r.streamId, Math.max(heads.get(r.streamId) ?? -1, r.revision));
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO es_streams (stream_id, revision) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision`,
      [[...heads.keys()], [...heads.values()].map(String)],
    );
    // WITH ORDINALITY keeps the rows' order, so positions follow it.
    await tx.query(
      `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
       SELECT s, r, i, t, d, m FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS u(s, r, i, t, d, m, n)
        ORDER BY n`,
      [
        rows.map((r) => r.streamId),
        rows.map((r) => String(r.revision)),
        rows.map((r) => r.event.metadata.eventId),
        rows.map((r) => r.event.type),
        rows.map((r) => JSON.stringify(r.event.data)),
        rows.map((r) => JSON.stringify(r.event.metadata)),
      ],
    );
  });
}
