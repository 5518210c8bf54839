import type { SqlExecutor } from '../db/sql.js';
import type { GlobalPosition } from './event-store.port.js';

/**
 * Reads es_events with its hash-chain columns, for the verifier and the log export
 * (src/history/verify). Only committed rows below the visibility horizon, in global order, like
 * readAll: the rows a checkpoint may cover. Read in pages, never in one long transaction, which
 * would hold back every subscriber while it lasted (docs/architecture.md, "Known limit").
 */
export interface ChainedRow {
  streamId: string;
  revision: bigint;
  position: GlobalPosition;
  eventId: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  prevHash: string | null;
  hash: string | null;
}

interface Row {
  pos: string;
  txid: string;
  stream_id: string;
  rev: string;
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  prev: string | null;
  hash: string | null;
}

const COLUMNS = `position::text AS pos, transaction_id::text AS txid, stream_id, revision::text AS rev, event_id::text AS id, type, data, metadata,
  encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash`;

/** The newest position every reader sees in its final order (the head readAll would reach). */
export async function chainHead(db: SqlExecutor): Promise<GlobalPosition | undefined> {
  const r = await db.query<{ pos: string; txid: string }>(
    `SELECT position::text AS pos, transaction_id::text AS txid FROM es_events
      WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id DESC, position DESC LIMIT 1`,
  );
  const row = r.rows[0];
  return row ? { commit: BigInt(row.txid), prepare: BigInt(row.pos) } : undefined;
}

/** Rows after `after` up to `upTo` (inclusive), in global order, `pageSize` at a time. */
export async function* readChain(db: SqlExecutor, upTo: GlobalPosition, pageSize = 2000, after?: GlobalPosition): AsyncGenerator<ChainedRow[]> {
  let cursor = after;
  for (;;) {
    const params: unknown[] = [upTo.commit.toString(), upTo.prepare.toString(), pageSize];
    const from = cursor ? `AND (transaction_id, position) > ($4::text::xid8, $5::bigint)` : '';
    if (cursor) params.push(cursor.commit < 0n ? '0' : cursor.commit.toString(), cursor.prepare.toString());
    const r = await db.query<Row>(
      `SELECT ${COLUMNS} FROM es_events
        WHERE (transaction_id, position) <= ($1::text::xid8, $2::bigint) ${from}
        ORDER BY transaction_id, position LIMIT $3`,
      params,
    );
    if (r.rows.length === 0) return;
    const rows = r.rows.map(toChained);
    yield rows;
    cursor = rows[rows.length - 1].position;
    if (r.rows.length < pageSize) return;
  }
}

/**
 * Each stream's last revision as es_streams records it, as of `upTo`: a stream appended to
 * after `upTo` is given the revision it had then (its later rows exist, so nothing was removed);
 * streams created after `upTo` are left out. `seen` is the last revision read per stream.
 */
export async function streamHeads(db: SqlExecutor, upTo: GlobalPosition, seen: ReadonlyMap<string, bigint>): Promise<Map<string, bigint>> {
  const r = await db.query<{ stream_id: string; rev: string }>(`SELECT stream_id, revision::text AS rev FROM es_streams`);
  const heads = new Map<string, bigint>();
  const ahead: string[] = [];
  for (const row of r.rows) {
    const head = BigInt(row.rev);
    heads.set(row.stream_id, head);
    const last = seen.get(row.stream_id);
    if (last === undefined || head > last) ahead.push(row.stream_id);
  }
  if (ahead.length === 0) return heads;
  // The first revision each of them has after upTo: if it follows what was read, the rest is newer.
  const later = await db.query<{ stream_id: string; rev: string }>(
    `SELECT stream_id, min(revision)::text AS rev FROM es_events
      WHERE stream_id = ANY($1::text[]) AND (transaction_id, position) > ($2::text::xid8, $3::bigint)
      GROUP BY stream_id`,
    [ahead, upTo.commit.toString(), upTo.prepare.toString()],
  );
  for (const row of later.rows) {
    const first = BigInt(row.rev);
    const last = seen.get(row.stream_id);
    if (last === undefined && first === 0n) heads.delete(row.stream_id);
    else if (last !== undefined && first === last + 1n) heads.set(row.stream_id, last);
  }
  return heads;
}

function toChained(row: Row): ChainedRow {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.rev),
    position: { commit: BigInt(row.txid), prepare: BigInt(row.pos) },
    eventId: row.id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    prevHash: row.prev,
    hash: row.hash,
  };
}
