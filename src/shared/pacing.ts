import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Makes a simulated answer take about as long as the real one it stands in for (an unknown user
 * must not answer ForgotPassword in 5 ms when a real one takes 200): the real path reports its
 * durations, the simulated path waits until it has taken a duration drawn around their moving
 * average. Wall time on purpose: this is about what a caller can measure.
 */
export class Pacer {
  private average: number;

  constructor(
    initialMs = 25,
    private readonly weight = 0.2,
  ) {
    this.average = initialMs;
  }

  /** The real path took `ms`. */
  observe(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.average += this.weight * (ms - this.average);
  }

  /** A start mark for `observe` / `padFrom`. */
  static start(): number {
    return performance.now();
  }

  static since(start: number): number {
    return performance.now() - start;
  }

  /** Waits until `start` is as far back as a real answer would take (±25 %). */
  async padFrom(start: number): Promise<void> {
    const target = this.average * (0.75 + Math.random() * 0.5);
    const wait = target - Pacer.since(start);
    if (wait > 0) await sleep(wait);
  }
}
