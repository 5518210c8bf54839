import type { GlobalPosition } from '../../event-store/event-store.port.js';
import { comparePositions, formatPosition, parsePosition } from '../../event-store/positions.js';
import { InvalidParameterError } from '../../shared/domain-error.js';

/**
 * The instant an as-of query looks at: a log position P (the log up to and including P, a cut
 * every reader agrees on) or a time T (each stream's events decided at or before T by the
 * service's clock, `metadata.occurredAt`). A time cut is exact as long as each stream's times do
 * not go backwards (one clock, or instances within clock skew of each other).
 */
export type Instant = { position: GlobalPosition } | { time: Date };

export function parseInstant(text: string): Instant {
  if (/^-?\d+\/-?\d+$/.test(text)) return { position: parsePosition(text) };
  // ISO 8601 with a date and a time (a bare date is ambiguous about its zone).
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? new Date(text) : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    throw new InvalidParameterError(`not an instant: ${JSON.stringify(text)} (a log position "<commit>/<prepare>", or an ISO 8601 time with its zone)`);
  }
  return { time };
}

export const describeInstant = (instant: Instant) =>
  'position' in instant ? { position: formatPosition(instant.position) } : { time: instant.time.toISOString() };

/** Whether an event is part of the log as of `instant`. */
export function includes(instant: Instant, event: { position: GlobalPosition; metadata: { occurredAt: string } }): boolean {
  return 'position' in instant ? comparePositions(event.position, instant.position) <= 0 : Date.parse(event.metadata.occurredAt) <= instant.time.getTime();
}

/**
 * SQL: the version of a row held at `instant` (`from` included, `to` excluded). `param(v)` adds
 * a parameter and returns its placeholder; `t` qualifies the columns.
 */
export function heldAt(instant: Instant, param: (value: unknown) => string, t = ''): string {
  if ('position' in instant) {
    const c = param(instant.position.commit.toString());
    const p = param(instant.position.prepare.toString());
    return `(${t}from_commit, ${t}from_prepare) <= (${c}::bigint, ${p}::bigint) AND (${t}to_commit IS NULL OR (${t}to_commit, ${t}to_prepare) > (${c}::bigint, ${p}::bigint))`;
  }
  const at = param(instant.time.toISOString());
  return `${t}from_at <= ${at}::timestamptz AND (${t}to_at IS NULL OR ${t}to_at > ${at}::timestamptz)`;
}
