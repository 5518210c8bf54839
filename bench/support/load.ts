import { cpuMeter, type CpuUse } from './cpu.js';

export interface ClosedLoopResult {
  /** Operations that completed inside the measured window. */
  ops: number;
  perSecond: number;
  /** Per-operation latency (ms) of those operations. */
  latencies: number[];
  /** Failures inside the measured window, by error name. */
  failures: Map<string, number>;
  cpu: CpuUse;
}

/**
 * Closed-loop load: `workers` loops each run `op` back to back. Operations that finish during
 * the warm-up (connection set-up, JIT, cold caches) are not counted; the window then runs
 * for `durationMs` and only completions inside it count.
 *
 * The window is driven by the clock each worker reads, not by timers: PGlite resolves its
 * queries with microtasks only, so while it has queued work no timer callback ever runs
 * (a `setTimeout` "end of window" would never fire).
 */
export async function closedLoop(options: {
  workers: number;
  warmupMs: number;
  durationMs: number;
  op: (worker: number) => Promise<void>;
  /** Called when the measured window opens (e.g. to snapshot counters). */
  onMeasureStart?: () => void;
}): Promise<ClosedLoopResult> {
  const windowStart = performance.now() + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let meter: ReturnType<typeof cpuMeter> | undefined;
  let cpu: CpuUse | undefined;

  // Open and close the window from whichever worker first sees the clock pass its edges.
  const tick = (now: number) => {
    if (!meter && now >= windowStart) {
      options.onMeasureStart?.();
      meter = cpuMeter();
    }
    if (meter && !cpu && now >= windowEnd) cpu = meter.stop();
  };
  const inWindow = (t: number) => t >= windowStart && t <= windowEnd;

  const loops = Array.from({ length: options.workers }, async (_, w) => {
    for (;;) {
      const t0 = performance.now();
      tick(t0);
      if (t0 >= windowEnd) return;
      try {
        await options.op(w);
        const t1 = performance.now();
        if (inWindow(t1)) latencies.push(t1 - t0);
      } catch (error) {
        if (inWindow(performance.now())) {
          const name = error instanceof Error ? error.name : 'Error';
          failures.set(name, (failures.get(name) ?? 0) + 1);
        }
      }
    }
  });
  await Promise.all(loops);
  cpu ??= (meter ?? cpuMeter()).stop();
  const seconds = options.durationMs / 1000;
  return { ops: latencies.length, perSecond: latencies.length / seconds, latencies, failures, cpu };
}

/**
 * Merges the rounds of an interleaved measurement (A, B, A, B, ...). On a shared, noisy machine
 * alternating the measured operation with its reference spreads neighbours' load over both,
 * so their ratio stays meaningful even when the absolute rates wander.
 */
export function mergeRounds(rounds: readonly ClosedLoopResult[]): ClosedLoopResult {
  const failures = new Map<string, number>();
  for (const r of rounds) for (const [k, v] of r.failures) failures.set(k, (failures.get(k) ?? 0) + v);
  const mean = (f: (r: ClosedLoopResult) => number) => rounds.reduce((a, r) => a + f(r), 0) / rounds.length;
  const ops = rounds.reduce((a, r) => a + r.ops, 0);
  return {
    ops,
    // Equal-length rounds: the mean of the rates is the rate over all of them.
    perSecond: mean((r) => r.perSecond),
    latencies: rounds.flatMap((r) => r.latencies),
    failures,
    cpu: { processPct: mean((r) => r.cpu.processPct), machinePct: mean((r) => r.cpu.machinePct) },
  };
}
