import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { eventDigest } from '../../event-store/event-hash.js';
import { leafHash } from './checkpoint-hash.js';

/**
 * The root of a whole log as it stood (docs/history.md, "Events written before the envelope"):
 * SHA-256 of `cairn-log-root-v1\n` followed by every event's checkpoint leaf (32 bytes each, in
 * global order). A log rewrite records the root of the log it replaced, so an export made
 * before the rewrite (`export-log`, redacted or not) can still be checked against it offline:
 * `history log-root <file>` recomputes the same value from the file alone.
 */
export class LogRoot {
  private readonly hash: Hash = createHash('sha256').update('cairn-log-root-v1\n');
  count = 0;

  add(event: { streamId: string; revision: bigint; type: string; data: unknown; metadata: { eventId?: unknown } & Record<string, unknown> }): void {
    const digest = eventDigest({
      streamId: event.streamId,
      eventId: String(event.metadata.eventId),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    });
    this.hash.update(Buffer.from(leafHash({ streamId: event.streamId, revision: event.revision, digest }), 'hex'));
    this.count++;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The root of the events of a `cairn-log` export file (export-log), read line by line. */
export async function exportLogRoot(path: string): Promise<{ root: string; events: number; upTo: string | null }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  const root = new LogRoot();
  let upTo: string | null = null;
  let ended = false;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const value = JSON.parse(line) as Record<string, any>;
    if (value.format === 'cairn-log') upTo = (value.upTo as string | null) ?? null;
    else if (value.event) root.add({ ...value.event, revision: BigInt(value.event.revision as string) });
    else if (value.end) ended = true;
  }
  if (!ended) throw new Error(`${path} ends without its end line: truncated`);
  return { root: root.digest(), events: root.count, upTo };
}
