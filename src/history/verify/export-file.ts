import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { SqlExecutor } from '../../db/sql.js';
import { CHAIN_VERSION, sealFields } from '../../event-store/event-hash.js';
import { SECRET_FIELDS } from '../../events/redaction.js';
import { chainHead, readChain, streamHeads } from '../../event-store/sql-chain-reader.js';
import { parsePosition } from '../../event-store/positions.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { readCheckpoints } from '../log-checkpoints.js';
import type { CheckpointRecord } from './checkpoint-hash.js';
import { type ChainRow, LogVerifier, type VerifyReport } from './verifier.js';

/**
 * The log export the offline verifier reads (docs/history.md, "Export format"): JSON lines, a
 * header, the checkpoints, every event in global order with its chain columns, each stream's
 * recorded head, and an end line that counts the events (a truncated file does not verify).
 * `redacted` exports carry secret fields sealed ({"$sealed": sha256}) and still verify.
 */
export const EXPORT_FORMAT = 'cairn-log';

interface Header {
  format: typeof EXPORT_FORMAT;
  version: 1;
  chain: number;
  upTo: string | null;
  exportedAt: string;
  redacted: boolean;
}

interface EventLine {
  streamId: string;
  revision: string;
  position: string;
  eventId: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  prevHash: string | null;
  hash: string | null;
}

export class ExportFormatError extends InvalidParameterError {}

/** A redacted export seals every top-level field that is, or holds, a secret field (src/events/redaction.ts). */
export const sealSecrets = (data: unknown) => sealFields(data, (field, value) => SECRET_FIELDS.has(field) || holdsSecret(value));

function holdsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (!value || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => SECRET_FIELDS.has(k) || holdsSecret(v));
}

export async function writeLogExport(
  eventsDb: SqlExecutor,
  readDb: SqlExecutor,
  path: string,
  options: { redact?: boolean; now?: Date } = {},
): Promise<{ events: number; upTo: string | null }> {
  const checkpoints = await readCheckpoints(readDb);
  const upTo = await chainHead(eventsDb);
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  const header: Header = {
    format: EXPORT_FORMAT,
    version: 1,
    chain: CHAIN_VERSION,
    upTo: upTo ? `${upTo.commit}/${upTo.prepare}` : null,
    exportedAt: (options.now ?? new Date()).toISOString(),
    redacted: options.redact ?? false,
  };
  await write(header);
  for (const checkpoint of checkpoints) await write({ checkpoint });
  let events = 0;
  const seen = new Map<string, bigint>();
  if (upTo) {
    for await (const page of readChain(eventsDb, upTo)) {
      for (const r of page) {
        events++;
        if ((seen.get(r.streamId) ?? -1n) < r.revision) seen.set(r.streamId, r.revision);
        const event: EventLine = {
          streamId: r.streamId,
          revision: r.revision.toString(),
          position: `${r.position.commit}/${r.position.prepare}`,
          eventId: r.eventId,
          type: r.type,
          data: options.redact ? sealSecrets(r.data) : r.data,
          metadata: r.metadata,
          prevHash: r.prevHash,
          hash: r.hash,
        };
        await write({ event });
      }
    }
    for (const [streamId, revision] of await streamHeads(eventsDb, upTo, seen)) await write({ head: { streamId, revision: revision.toString() } });
  }
  await write({ end: { events } });
  out.end();
  await once(out, 'finish');
  return { events, upTo: header.upTo };
}

/** Verifies an export file with no database: reads it line by line, the verifier holds a few fields per event. */
export async function verifyLogExport(path: string): Promise<VerifyReport & { header: Header }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: Header | undefined;
  const checkpoints: CheckpointRecord[] = [];
  const heads = new Map<string, bigint>();
  let verifier: LogVerifier | undefined;
  let events = 0;
  let ended: number | undefined;
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new ExportFormatError(`line ${n} is not JSON`);
    }
    if (!header) {
      if (value.format !== EXPORT_FORMAT || value.version !== 1) throw new ExportFormatError(`not a ${EXPORT_FORMAT} export (line 1)`);
      if (value.chain !== CHAIN_VERSION) throw new ExportFormatError(`chain version ${String(value.chain)} is not one this verifier knows (${CHAIN_VERSION})`);
      header = value as unknown as Header;
    } else if (value.checkpoint) {
      if (verifier) throw new ExportFormatError(`line ${n}: checkpoints must come before the events`);
      checkpoints.push(value.checkpoint as CheckpointRecord);
    } else if (value.event) {
      verifier ??= new LogVerifier(checkpoints, header.upTo ? parsePosition(header.upTo) : undefined);
      events++;
      verifier.add(toRow(value.event as EventLine));
    } else if (value.head) {
      const h = value.head as { streamId: string; revision: string };
      heads.set(h.streamId, BigInt(h.revision));
    } else if (value.end) {
      ended = Number((value.end as { events: unknown }).events);
    } else {
      throw new ExportFormatError(`line ${n}: unknown entry`);
    }
  }
  if (!header) throw new ExportFormatError('empty file');
  if (ended === undefined) throw new ExportFormatError('the file ends without its end line: truncated');
  const report = (verifier ?? new LogVerifier(checkpoints, header.upTo ? parsePosition(header.upTo) : undefined)).finish(heads);
  if (ended !== events) {
    report.findings.push({ kind: 'removed', by: 'stream-chain', detail: `the end line counts ${ended} events, the file holds ${events}` });
    report.ok = false;
  }
  return { ...report, header };
}

function toRow(e: EventLine): ChainRow {
  return {
    streamId: e.streamId,
    revision: BigInt(e.revision),
    position: parsePosition(e.position),
    eventId: e.eventId,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
