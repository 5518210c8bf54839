import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { chainHead, readChain, streamHeads } from '../../event-store/sql-chain-reader.js';
import { readCheckpoints } from '../log-checkpoints.js';
import { LogVerifier, type VerifyReport } from './verifier.js';

/**
 * Verifies the log where it is stored. PostgreSQL and PGlite: es_events with its chain columns,
 * page by page up to the head every reader sees; the checkpoints come from the read-model
 * database (the same one there). EventStoreDB keeps no chain columns: its events are checked
 * against the checkpoints only (each counts as pre-chain).
 */
export async function verifyStoredLog(store: EventStore, eventsDb: SqlExecutor, readDb: SqlExecutor): Promise<VerifyReport> {
  const checkpoints = await readCheckpoints(readDb);
  if (store.kind === 'eventstoredb') return verifyThroughReadAll(store, checkpoints);
  const upTo = await chainHead(eventsDb);
  const verifier = new LogVerifier(checkpoints, upTo);
  if (!upTo) return verifier.finish();
  for await (const page of readChain(eventsDb, upTo)) for (const row of page) verifier.add(row);
  return verifier.finish(await streamHeads(eventsDb, upTo, verifier.lastRevisions()));
}

async function verifyThroughReadAll(store: EventStore, checkpoints: Awaited<ReturnType<typeof readCheckpoints>>): Promise<VerifyReport> {
  const upTo = await store.headPosition();
  const verifier = new LogVerifier(checkpoints, upTo);
  let after;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 2000 });
    for (const e of page) verifier.add({ ...e, eventId: e.metadata.eventId, metadata: e.metadata as Record<string, unknown>, prevHash: null, hash: null });
    if (page.length < 2000) break;
    after = page[page.length - 1].position;
  }
  return verifier.finish();
}
