/**
 * Loaded into the service's process by the memory benchmark (`node --import
 * dist/bench/peers/memory-probe.js dist/src/main.js`, with an IPC channel): answers
 * `{ type: 'memory', gc }` with process.memoryUsage() and V8's heap spaces, after a full
 * garbage collection when asked, and `{ type: 'heap-snapshot', path }` by writing a heap
 * snapshot. It holds nothing and does no work between questions; without an IPC channel it
 * does nothing at all.
 */
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

interface Question {
  id: number;
  type: 'memory' | 'heap-snapshot';
  gc?: boolean;
  path?: string;
}

let gc: (() => void) | undefined;

function fullGc(): void {
  if (!gc) {
    // The documented way to reach gc() without starting the process with --expose-gc.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

if (process.send && process.channel) {
  process.on('message', (q: Question) => {
    try {
      if (q.type === 'memory') {
        if (q.gc) fullGc();
        const m = process.memoryUsage();
        const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
        process.send!({ id: q.id, result: { ...m, spaces } });
      } else if (q.type === 'heap-snapshot') {
        process.send!({ id: q.id, result: writeHeapSnapshot(q.path) });
      }
    } catch (error) {
      process.send!({ id: q.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  // After the listener (which refs it): the channel must not keep the service alive.
  process.channel.unref();
}
