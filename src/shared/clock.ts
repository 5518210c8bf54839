/**
 * The one source of "now" for use cases, deciders' commands, token lifetimes, lockouts and
 * key rotation. Production uses the system clock; tests move a ManualClock instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to (tests, benchmarks, replays). */
export class ManualClock implements Clock {
  private at: number;

  constructor(start: Date | string | number = Date.now()) {
    this.at = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(to: Date | string | number): void {
    this.at = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
