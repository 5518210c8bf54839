/**
 * Failed sign-ins per source address in a sliding window, in this process's memory (each API
 * instance limits on its own; a shared limiter can come later). Bounded in size.
 */
export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 20,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 100_000,
  ) {}

  /** True when the address has used up its failures for the window. */
  isLimited(address: string | undefined, now = Date.now()): boolean {
    if (!address) return false;
    const recent = this.recent(address, now);
    return recent.length >= this.maxFailures;
  }

  recordFailure(address: string | undefined, now = Date.now()): void {
    if (!address) return;
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
    if (this.failures.size > this.maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
  }
}
