import { chainHash, eventDigest, GENESIS_HEX } from '../../event-store/event-hash.js';
import type { GlobalPosition } from '../../event-store/event-store.port.js';
import { comparePositions, parsePosition } from '../../event-store/positions.js';
import { checkpointHash, type CheckpointRecord, FIRST_CHECKPOINT_PREV, leafHash, positionText, splitLeaves } from './checkpoint-hash.js';

/**
 * The log verifier: pure, fed the log's rows in global order (from the database or an export
 * file), it proves the per-stream hash chains and the checkpoints over the global order, and
 * names the first altered, inserted, removed or reordered event. It needs no database.
 */

/** One stored event with its chain columns, as es_events keeps it. */
export interface ChainRow {
  streamId: string;
  revision: bigint;
  position: GlobalPosition;
  /** The row's own event id (es_events.event_id); the digest covers metadata.eventId. */
  eventId: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  prevHash: string | null;
  hash: string | null;
}

export type FindingKind = 'altered' | 'inserted' | 'removed' | 'reordered' | 'checkpoint';

export interface Finding {
  kind: FindingKind;
  /** How the finding was made: the stream's own chain, or a checkpoint over the global order. */
  by: 'stream-chain' | 'checkpoint';
  streamId?: string;
  revision?: string;
  position?: string;
  eventId?: string;
  type?: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  streams: number;
  /** Events in the chain, and events written before it (the pre-chain prefix of their stream). */
  chained: number;
  preChain: number;
  checkpoints: { sealed: number; open: number; eventsCovered: number; eventsAfter: number };
  /** Hash of the newest sealed checkpoint: publish it elsewhere, and a later rewrite of everything before it shows. */
  anchor: string | null;
  /** Findings in global order (per stream, only the first inconsistency is named; the rest are counted in it). */
  findings: Finding[];
}

interface Compact {
  revision: bigint;
  position: GlobalPosition;
  eventId: string;
  type: string;
  hash: string | null;
  prev: string | null;
  selfOk: boolean;
  idOk: boolean;
}

interface Segment {
  record: CheckpointRecord;
  first: GlobalPosition;
  last: GlobalPosition;
  leaves: string[];
  rows: Array<Pick<ChainRow, 'streamId' | 'revision' | 'position' | 'eventId' | 'type'>>;
}

export class LogVerifier {
  private readonly streams = new Map<string, Compact[]>();
  private readonly segments: Segment[];
  private readonly checkpointFindings: Finding[] = [];
  private segmentIndex = 0;
  private events = 0;
  private eventsAfter = 0;
  private lastPosition: GlobalPosition | undefined;

  /** `checkpoints` in seq order; `upTo` is the last position the rows go to (a segment beyond it is compared as far as it goes). */
  constructor(
    checkpoints: readonly CheckpointRecord[],
    private readonly upTo?: GlobalPosition,
  ) {
    this.segments = [...checkpoints]
      .sort((a, b) => a.seq - b.seq)
      .map((record) => ({ record, first: parsePosition(record.first), last: parsePosition(record.last), leaves: [], rows: [] }));
    this.checkCheckpointChain();
  }

  add(row: ChainRow): void {
    // A source out of global order (an edited export file) is itself a finding; the row still counts for its stream.
    const outOfOrder = this.lastPosition !== undefined && comparePositions(row.position, this.lastPosition) <= 0;
    if (outOfOrder) {
      this.checkpointFindings.push({
        kind: 'reordered',
        by: 'checkpoint',
        streamId: row.streamId,
        revision: row.revision.toString(),
        position: positionText(row.position),
        eventId: row.eventId,
        type: row.type,
        detail: `${row.streamId}@${row.revision} comes after ${positionText(this.lastPosition!)} against the global order`,
      });
    } else this.lastPosition = row.position;
    this.events++;
    const digest = eventDigest({ streamId: row.streamId, eventId: String(row.metadata.eventId), type: row.type, data: row.data, metadata: row.metadata });
    const selfOk = row.hash !== null && row.prevHash !== null && chainHash(row.prevHash, digest) === row.hash;
    const list = this.streams.get(row.streamId) ?? [];
    if (list.length === 0) this.streams.set(row.streamId, list);
    list.push({
      revision: row.revision,
      position: row.position,
      eventId: row.eventId,
      type: row.type,
      hash: row.hash,
      prev: row.prevHash,
      selfOk,
      idOk: row.eventId === row.metadata.eventId,
    });

    // The segment this position falls in: segments are consecutive, so skip the ones it is past.
    while (this.segmentIndex < this.segments.length && comparePositions(row.position, this.segments[this.segmentIndex].last) > 0) this.segmentIndex++;
    const segment = this.segments[this.segmentIndex];
    if (this.segments.length === 0 || outOfOrder) return;
    const leaf = leafHash({ streamId: row.streamId, revision: row.revision, digest });
    const named = { streamId: row.streamId, revision: row.revision, position: row.position, eventId: row.eventId, type: row.type };
    // Every event's leaf, to recognise one that moved to another place (or segment).
    this.leafRows.set(leaf, named);
    if (!segment) {
      this.eventsAfter++;
      return;
    }
    segment.leaves.push(leaf);
    segment.rows.push(named);
  }

  private readonly leafRows = new Map<string, Segment['rows'][number]>();
  private storedLeaves: Set<string> | undefined;

  /** The last revision read per stream (to ask the store for its recorded heads). */
  lastRevisions(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const [streamId, rows] of this.streams)
      out.set(
        streamId,
        rows.reduce((m, r) => (r.revision > m ? r.revision : m), -1n),
      );
    return out;
  }

  /** `heads`: each stream's last revision as the store records it (es_streams), to catch a removed tail. */
  finish(heads: ReadonlyMap<string, bigint> = new Map()): VerifyReport {
    const findings: Finding[] = [...this.checkpointFindings];
    let chained = 0;
    let preChain = 0;
    for (const [streamId, rows] of this.streams) {
      rows.sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
      const result = verifyStream(streamId, rows, heads.get(streamId));
      chained += result.chained;
      preChain += result.preChain;
      if (result.finding) findings.push(result.finding);
    }
    for (const [streamId, head] of heads) {
      if (!this.streams.has(streamId)) {
        findings.push({
          kind: 'removed',
          by: 'stream-chain',
          streamId,
          revision: `0..${head}`,
          detail: `every event of ${streamId} (revisions 0 to ${head}) is missing`,
        });
      }
    }
    let covered = 0;
    for (const segment of this.segments) {
      covered += segment.rows.length;
      const finding = this.compareSegment(segment);
      if (finding) findings.push(finding);
    }
    findings.sort(byPosition);
    const sealed = this.segments.filter((s) => s.record.hash !== null);
    return {
      ok: findings.length === 0,
      events: this.events,
      streams: this.streams.size,
      chained,
      preChain,
      checkpoints: { sealed: sealed.length, open: this.segments.length - sealed.length, eventsCovered: covered, eventsAfter: this.eventsAfter },
      anchor: sealed.at(-1)?.record.hash ?? null,
      findings,
    };
  }

  /** Each checkpoint must hash to what it says and chain to the one before. */
  private checkCheckpointChain(): void {
    let prev = FIRST_CHECKPOINT_PREV;
    this.segments.forEach((segment, i) => {
      const c = segment.record;
      const problems: string[] = [];
      if (c.seq !== i + 1) problems.push(`seq ${c.seq} where ${i + 1} was due`);
      if (c.prevHash !== prev) problems.push('it does not chain to the checkpoint before it');
      if (splitLeaves(c.leaves).length !== c.count) problems.push(`it holds ${splitLeaves(c.leaves).length} leaves but counts ${c.count}`);
      if (c.hash === null && i !== this.segments.length - 1) problems.push('an open segment is followed by another');
      if (c.hash !== null && c.hash !== checkpointHash(c)) problems.push('its hash does not match its contents');
      if (problems.length > 0) {
        this.checkpointFindings.push({
          kind: 'checkpoint',
          by: 'checkpoint',
          position: c.last,
          detail: `checkpoint ${c.seq} (${c.first} .. ${c.last}) was altered: ${problems.join('; ')}`,
        });
      }
      prev = c.hash ?? prev;
    });
  }

  /**
   * Recomputed leaves against the stored ones; the first difference names an event. A leaf
   * names an event, not its place, so one found elsewhere in the log was moved.
   */
  private compareSegment(segment: Segment): Finding | undefined {
    const stored = splitLeaves(segment.record.leaves);
    const found = segment.leaves;
    const partial = this.upTo !== undefined && comparePositions(this.upTo, segment.last) < 0;
    const expected = partial ? stored.slice(0, Math.min(stored.length, found.length)) : stored;
    let i = 0;
    while (i < expected.length && i < found.length && expected[i] === found[i]) i++;
    if (i === expected.length && i === found.length) return undefined;
    const where = `checkpoint ${segment.record.seq} (${segment.record.first} .. ${segment.record.last})`;
    const counts = `it recorded ${stored.length} events, the log has ${found.length} in that range`;
    const name = (r: Segment['rows'][number]) => ({
      streamId: r.streamId,
      revision: r.revision.toString(),
      position: positionText(r.position),
      eventId: r.eventId,
      type: r.type,
    });
    const at = (r: Segment['rows'][number]) => `${r.streamId}@${r.revision}`;
    this.storedLeaves ??= new Set(this.segments.flatMap((s) => splitLeaves(s.record.leaves)));
    const storedElsewhere = (leaf: string) => this.storedLeaves!.has(leaf);
    // The checkpointed event at i is missing here (the log goes on with what came after it).
    if (i < stored.length && (i >= found.length || found[i] === stored[i + 1])) {
      const moved = this.leafRows.get(stored[i]);
      if (moved)
        return {
          kind: 'reordered',
          by: 'checkpoint',
          ...name(moved),
          detail: `${where}: ${at(moved)} was checkpointed as event ${i + 1} of the segment and now stands at ${positionText(moved.position)}; ${counts}`,
        };
      const before = segment.rows[i - 1];
      return {
        kind: 'removed',
        by: 'checkpoint',
        position: before ? positionText(before.position) : segment.record.first,
        detail: `${where}: event ${i + 1} of the segment is missing${before ? ` (it came after ${at(before)})` : ''}; ${counts}`,
      };
    }
    const row = segment.rows[i];
    if (storedElsewhere(found[i]))
      return {
        kind: 'reordered',
        by: 'checkpoint',
        ...name(row),
        detail: `${where}: ${at(row)} was checkpointed at another place in the global order; ${counts}`,
      };
    if (i >= expected.length || found[i + 1] === stored[i])
      return {
        kind: 'inserted',
        by: 'checkpoint',
        ...name(row),
        detail: `${where}: ${at(row)} was not in the log when the segment was checkpointed; ${counts}`,
      };
    return {
      kind: 'altered',
      by: 'checkpoint',
      ...name(row),
      detail: `${where}: ${at(row)} differs from the event checkpointed there (its content, stream or revision changed); ${counts}`,
    };
  }
}

const byPosition = (a: Finding, b: Finding) => {
  if (!a.position || !b.position) return a.position ? -1 : b.position ? 1 : 0;
  return comparePositions(parsePosition(a.position), parsePosition(b.position));
};

/**
 * One stream in revision order. Rows before the first hashed one are the pre-chain prefix
 * (written before the chain existed); from then on every row must carry a hash that matches its
 * content and links to the previous hashed row. Only the first inconsistency is named: what
 * follows it in the same stream is usually its consequence.
 */
function verifyStream(streamId: string, rows: readonly Compact[], head: bigint | undefined): { chained: number; preChain: number; finding?: Finding } {
  const problems: Finding[] = [];
  const note = (kind: FindingKind, r: Compact, detail: string) =>
    problems.push({
      kind,
      by: 'stream-chain',
      streamId,
      revision: r.revision.toString(),
      position: positionText(r.position),
      eventId: r.eventId,
      type: r.type,
      detail,
    });
  const byHash = new Map<string, number>();
  rows.forEach((r, i) => r.hash !== null && byHash.set(r.hash, i));
  let expectRevision = 0n;
  let expectPrev = GENESIS_HEX;
  let started = false;
  let chained = 0;
  let preChain = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const at = `${streamId}@${r.revision}`;
    if (head !== undefined && r.revision > head)
      note('inserted', r, `${at} is beyond the stream's recorded head (revision ${head}): it was not appended by the store`);
    if (r.revision > expectRevision) {
      const missing = r.revision - 1n === expectRevision ? `revision ${expectRevision}` : `revisions ${expectRevision} to ${r.revision - 1n}`;
      note('removed', r, `${streamId}: ${missing} missing, before ${at}`);
    }
    expectRevision = r.revision + 1n;
    // Checked after the chain, which names a forged row better than its id does.
    const noted = problems.length;
    const checkId = () =>
      !r.idOk && problems.length === noted && note('altered', r, `${at}: its event_id column differs from the id its metadata (and hash) carry`);
    if (r.hash === null) {
      if (!started) {
        preChain++;
        checkId();
        continue;
      }
      note('inserted', r, `${at} has no hash after its stream's chain began: es_append writes one for every event, so this row was written around it`);
      continue;
    }
    const linked = r.prev === expectPrev || (!started && r.prev === GENESIS_HEX);
    if (r.selfOk && linked) {
      chained++;
    } else if (r.selfOk) {
      const j = byHash.get(r.prev ?? '');
      if (j !== undefined && j > i)
        note('reordered', r, `${at} follows ${streamId}@${rows[j].revision} in its chain, which now stands after it: revisions were swapped or moved`);
      else if (j !== undefined)
        note('inserted', rows[i - 1] ?? r, `${at} chains to ${streamId}@${rows[j].revision}: what stands between them was not in the chain`);
      else note('removed', r, `${at} follows an event (hash ${r.prev?.slice(0, 12)}...) that is no longer in the stream`);
    } else if (linked) {
      note('altered', r, `${at}: its content no longer matches its hash (data, metadata, type or stream changed)`);
    } else {
      const next = rows[i + 1];
      const healed = !next || next.prev === expectPrev;
      note(
        healed ? 'inserted' : 'altered',
        r,
        healed
          ? `${at} is not part of the chain (its hash matches neither its content nor its place): inserted`
          : `${at}: neither its content nor its link matches its hash`,
      );
      if (healed) continue;
    }
    checkId();
    expectPrev = r.hash;
    started = true;
  }
  const last = rows.at(-1);
  if (head !== undefined && last && last.revision < head) {
    problems.push({
      kind: 'removed',
      by: 'stream-chain',
      streamId,
      revision: `${last.revision + 1n}..${head}`,
      position: positionText(last.position),
      detail: `${streamId}: the stream's recorded head is revision ${head}, its last event is ${last.revision}: the tail was removed`,
    });
  }
  const [first, ...rest] = problems;
  if (!first) return { chained, preChain };
  return {
    chained,
    preChain,
    finding: rest.length
      ? { ...first, detail: `${first.detail} (and ${rest.length} more inconsistenc${rest.length === 1 ? 'y' : 'ies'} in this stream)` }
      : first,
  };
}
