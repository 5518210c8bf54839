import type { StreamWrite } from './event-store.port.js';

/** `appendMany` takes each stream once, with at least one event each. */
export function assertDistinctStreams(writes: readonly StreamWrite[]): void {
  if (writes.length === 0) throw new RangeError('appendMany needs at least one write');
  const seen = new Set<string>();
  for (const w of writes) {
    if (w.events.length === 0) throw new RangeError(`append to ${w.streamId} needs at least one event`);
    if (seen.has(w.streamId)) throw new RangeError(`appendMany names stream ${w.streamId} twice`);
    seen.add(w.streamId);
  }
}
