import type { GlobalPosition } from './event-store.port.js';

/** Before the first event of any log. */
export const LOG_START: GlobalPosition = Object.freeze({ commit: -1n, prepare: -1n });

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function isAfter(a: GlobalPosition, b: GlobalPosition): boolean {
  return comparePositions(a, b) > 0;
}

/** Text form used in Kafka headers, checkpoints shown to users and pagination: `commit/prepare`. */
export function formatPosition(p: GlobalPosition): string {
  return `${p.commit}/${p.prepare}`;
}

export function parsePosition(text: string): GlobalPosition {
  const match = /^(-?\d+)\/(-?\d+)$/.exec(text);
  if (!match) throw new RangeError(`not a log position: ${JSON.stringify(text)}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
