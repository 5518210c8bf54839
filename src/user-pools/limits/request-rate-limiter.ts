import { Inject, Injectable } from '@nestjs/common';
import { type SqlDatabase, sqlErrorCode } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { fold } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import { READ_DB, STORE } from '../../shared/ports.js';
import { categoryOf } from './api-categories.js';
import { limitsDecider, type LimitsState } from './limits.decider.js';
import { LIMITS_STREAM, type LimitsEvent } from './limits.events.js';

/** Cognito's answer to a request over its category's rate. */
export class TooManyRequestsError extends DomainError {
  readonly code = 'TooManyRequestsException';
  readonly status = 429;
}

const TABLE = 'api_rate_v1';
/** unique_violation / duplicate_table: a concurrent CREATE TABLE IF NOT EXISTS won. */
const CREATED_CONCURRENTLY = new Set(['23505', '42P07']);
/** How long an instance goes on with the limits it read (a change reaches every instance within this). */
const LIMITS_TTL_MS = 1000;

/**
 * Per-category request rates (GetProvisionedLimit / UpdateProvisionedLimit), shared by every
 * instance through the database: each category has a row per one-second window counting the
 * requests admitted in it. An instance does not go to the database for every request: it takes
 * a share of the window's allowance at a time (a tenth of the limit) and admits requests from it
 * until the share runs out; the allowance taken across instances never exceeds the limit, so
 * the rate does not either (a share left unused in one instance can refuse requests in another
 * a little early, within the same second). Categories are limited once UpdateProvisionedLimit has
 * set them; until then (Cognito's default quotas, shown as FreeLimitValue) nothing is counted: a
 * self-hosted deployment has no shared fleet to protect, and its own sizing decides.
 */
@Injectable()
export class RequestRateLimiter {
  private limits: { state: LimitsState; readAt: number } | undefined;
  private reading: Promise<LimitsState> | undefined;
  private ready: Promise<void> | undefined;
  private readonly local = new Map<string, { window: number; tokens: number; exhausted: boolean }>();
  private readonly pending = new Map<string, Promise<void>>();
  private lastCleanup = 0;

  constructor(
    @Inject(READ_DB) private readonly db: SqlDatabase,
    @Inject(STORE) private readonly store: EventStore,
  ) {}

  /** Admits one call of `operation`, or refuses it with TooManyRequestsException. */
  async admit(operation: string): Promise<void> {
    const category = categoryOf(operation);
    if (!category) return;
    const limit = (await this.current()).provisioned[category];
    if (limit === undefined) return;
    for (;;) {
      const window = Math.floor(Date.now() / 1000);
      const held = this.local.get(category);
      if (held && held.window === window && held.tokens > 0) {
        held.tokens--;
        return;
      }
      if (held && held.window === window && held.exhausted) throw new TooManyRequestsError('Rate exceeded');
      // One reservation at a time per category: concurrent requests share what it brings.
      const pending = this.pending.get(category);
      if (pending) {
        await pending;
        continue;
      }
      const reservation = this.reserve(category, window, Math.max(1, Math.ceil(limit / 10)), limit).then((granted) => {
        this.local.set(category, { window, tokens: granted, exhausted: granted === 0 });
      });
      this.pending.set(category, reservation);
      try {
        await reservation;
      } finally {
        this.pending.delete(category);
      }
    }
  }

  /** Forgets the cached limits (a local UpdateProvisionedLimit applies at once here). */
  invalidate(): void {
    this.limits = undefined;
  }

  private async current(): Promise<LimitsState> {
    if (this.limits && Date.now() - this.limits.readAt < LIMITS_TTL_MS) return this.limits.state;
    this.reading ??= this.store
      .readStream(LIMITS_STREAM)
      .then((events) => {
        const state = fold(limitsDecider, events as never as LimitsEvent[]);
        this.limits = { state, readAt: Date.now() };
        return state;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Takes up to `chunk` of the window's allowance; returns how much was left to take. */
  private async reserve(category: string, window: number, chunk: number, limit: number): Promise<number> {
    this.ready ??= this.db
      .query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (category text NOT NULL, window_start bigint NOT NULL, used integer NOT NULL, PRIMARY KEY (category, window_start))`,
      )
      .then(() => undefined)
      .catch((error: unknown) => {
        // Another instance created it at the same moment.
        if (CREATED_CONCURRENTLY.has(sqlErrorCode(error) ?? '')) return;
        this.ready = undefined;
        throw error;
      });
    await this.ready;
    const r = await this.db.query<{ used: number }>(
      `INSERT INTO ${TABLE} AS r (category, window_start, used) VALUES ($1, $2, $3)
       ON CONFLICT (category, window_start) DO UPDATE SET used = r.used + $3 RETURNING used`,
      [category, window, chunk],
    );
    const used = Number(r.rows[0].used);
    if (window - this.lastCleanup > 60) {
      this.lastCleanup = window;
      void this.db.query(`DELETE FROM ${TABLE} WHERE window_start < $1`, [window - 60]).catch(() => undefined);
    }
    // What was there before this reservation, and how much of the chunk still fitted under the limit.
    return Math.max(0, Math.min(chunk, limit - (used - chunk)));
  }
}
