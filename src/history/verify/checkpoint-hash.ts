import { createHash } from 'node:crypto';
import { GENESIS_HEX } from '../../event-store/event-hash.js';

/**
 * Checkpoints over the committed global order (docs/history.md): the log is cut into segments
 * of consecutive events; each event gives a *leaf* (its place in the global order, its stream
 * and revision, its digest), a segment keeps its leaves, and a sealed segment's hash chains it
 * to the segment before. A checkpoint is written only over events every reader already sees in
 * their final order (below the PostgreSQL visibility horizon), so concurrent appends cannot
 * reorder what it covers, unlike a global chain computed at append time.
 */
export const LEAF_BYTES = 32;

/** Events per sealed segment. */
export const SEGMENT_EVENTS = 1000;

/**
 * A leaf names the event (stream, revision, digest), not its position: the segment's order of
 * leaves is what the checkpoint fixes, so an event moved elsewhere in the global order is found
 * again by its leaf and named as moved.
 */
export interface LeafInput {
  streamId: string;
  revision: bigint;
  /** eventDigest() of the event (hex). */
  digest: string;
}

export const positionText = (p: { commit: bigint; prepare: bigint }) => `${p.commit}/${p.prepare}`;

export function leafHash(leaf: LeafInput): string {
  return createHash('sha256').update(`cairn-leaf-v1\n${leaf.streamId}\n${leaf.revision}\n${leaf.digest}`).digest('hex');
}

/** A segment as stored (log_checkpoints_v1) and exported. Positions are inclusive; `hash` is null while the segment is open. */
export interface CheckpointRecord {
  seq: number;
  first: string;
  last: string;
  count: number;
  /** Concatenated leaves, hex. */
  leaves: string;
  prevHash: string;
  hash: string | null;
  sealedAt?: string | null;
}

export function checkpointHash(c: Omit<CheckpointRecord, 'hash' | 'sealedAt'>): string {
  const leavesDigest = createHash('sha256').update(Buffer.from(c.leaves, 'hex')).digest('hex');
  return createHash('sha256').update(`cairn-checkpoint-v1\n${c.seq}\n${c.first}\n${c.last}\n${c.count}\n${c.prevHash}\n${leavesDigest}`).digest('hex');
}

export const FIRST_CHECKPOINT_PREV = GENESIS_HEX;

/** The leaves of a record, one hex string each. */
export function splitLeaves(leaves: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < leaves.length; i += LEAF_BYTES * 2) out.push(leaves.slice(i, i + LEAF_BYTES * 2));
  return out;
}
