import pino from 'pino';

/** What the tracker logs through; a pino Logger fits as it is. */
export interface HealthLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface DatabaseHealthSnapshot {
  available: boolean;
  /** Operations that failed because the database was unreachable, since the process started. */
  failures: number;
  /** Times the database became unavailable. */
  outages: number;
  /** Set while unavailable. */
  unavailableSince?: string;
  lastError?: string;
}

/**
 * Whether this process can reach its database, as the adapter sees it: the first operation that
 * fails on a lost or refused connection marks it unavailable (logged once, without a stack: an
 * outage is expected, not a bug), the next one the server answers marks it back (logged once it
 * has stayed back for `settleMs`, with how long it was away and how many operations failed).
 * Every such failure counts in `failures`, a plain counter a metrics endpoint can export.
 *
 * Operations still in flight when the database came back can fail late (their connection died
 * before); they count, but do not mark it unavailable again: each operation passes the `epoch`
 * it started in, and only failures of the current epoch change the state.
 */
export class DatabaseHealth {
  private down: Outage | undefined;
  /** Back, but not for long enough yet to say so (see `settleMs`). */
  private settling: { outage: Outage; timer: NodeJS.Timeout } | undefined;
  private failureCount = 0;
  private outageCount = 0;
  private lastError: string | undefined;
  private currentEpoch = 0;
  private backAt = 0;
  private readonly settleMs: number;
  private readonly listeners = new Set<(available: boolean) => void>();

  /**
   * `settleMs` (default 1 s): a relapse this soon after a recovery is the same outage going on
   * (sessions ended one by one, a server still starting), so it is logged once, not per flap.
   */
  constructor(
    private readonly logger: HealthLogger = defaultLogger(),
    options: { settleMs?: number } = {},
  ) {
    this.settleMs = options.settleMs ?? 1000;
  }

  get available(): boolean {
    return this.down === undefined;
  }

  get failures(): number {
    return this.failureCount;
  }

  get outages(): number {
    return this.outageCount;
  }

  /** Moves on each recovery; an operation notes it when it starts. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** When the database last came back (ms since the epoch), 0 when it never went away. */
  get recoveredAt(): number {
    return this.backAt;
  }

  snapshot(): DatabaseHealthSnapshot {
    return {
      available: this.available,
      failures: this.failureCount,
      outages: this.outageCount,
      ...(this.down ? { unavailableSince: new Date(this.down.since).toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** An operation started in `epoch` failed because the database could not be reached (`error`: the driver's). */
  failed(error: unknown, epoch = this.currentEpoch): void {
    this.failureCount++;
    this.lastError = describe(error);
    if (this.down) {
      this.down.failures++;
      return;
    }
    if (epoch !== this.currentEpoch) return; // from before the last recovery
    if (this.settling) {
      // A relapse: the outage that just ended goes on, already logged.
      clearTimeout(this.settling.timer);
      this.down = this.settling.outage;
      this.settling = undefined;
      this.down.failures++;
    } else {
      this.down = { since: Date.now(), failures: 1 };
      this.outageCount++;
      this.logger.warn({ err: this.lastError }, 'database unavailable: operations fail with ServiceUnavailable until it is back');
    }
    this.emit(false);
  }

  /** The server answered (a result or an SQL error): it is reachable. */
  succeeded(): void {
    const outage = this.down;
    if (!outage) return;
    this.down = undefined;
    this.currentEpoch++;
    this.backAt = Date.now();
    const timer = setTimeout(() => {
      this.settling = undefined;
      this.logger.info({ downMs: this.backAt - outage.since, failures: outage.failures }, 'database back');
    }, this.settleMs);
    timer.unref();
    this.settling = { outage, timer };
    this.emit(true);
  }

  /** Calls `listener` on every change; returns an unsubscribe function. */
  onChange(listener: (available: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(available: boolean): void {
    for (const listener of [...this.listeners]) listener(available);
  }
}

interface Outage {
  since: number;
  failures: number;
}

let fallback: HealthLogger | undefined;

/** Until the platform passes its own logger: pino at LOG_LEVEL, like the service's (one for all trackers). */
function defaultLogger(): HealthLogger {
  return (fallback ??= pino({ level: process.env.LOG_LEVEL ?? 'info' }));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.message || error.name}${typeof code === 'string' ? ` (${code})` : ''}`;
}
