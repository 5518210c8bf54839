import { Inject, Injectable } from '@nestjs/common';
import type { Secrets } from '../crypto/secrets.js';
import type { SqlDatabase } from '../db/sql.js';
import { READ_DB, SECRETS } from '../shared/ports.js';
import { FREE_ATTEMPTS, LOCKOUT_BASE_MS, MAX_LOCKOUT_MS } from './lockout.js';
import { GUARD_SCHEMA, GUARD_TABLE } from './sign-in-guard.sql.js';

/** Failed sign-ins (and guesses in flight) allowed per source address and window. */
export const ADDRESS_LIMIT = 20;
export const ADDRESS_WINDOW_MS = 60_000;
/** A reservation older than this no longer counts (its process died before settling it). */
const STALE_MS = 30_000;
/** Rows of names and addresses not seen for this long are deleted. */
const FORGET_AFTER_MS = 3_600_000;
/**
 * Most rows kept for names that match no user and for addresses, whatever a flood of invented
 * names from many addresses adds within the hour: past it the least recently touched go first.
 * Users' rows are bounded by the users and never dropped for room (their lockout stands).
 */
export const MAX_UNKNOWN_ROWS = 100_000;

/** Who a guess is about: a user (by sub), a name that matches no user, and where it comes from. */
export interface GuessKeys {
  subject?: string;
  address?: string;
}

export type Reservation = { ok: true } | { ok: false; refused: 'address' | 'subject' };

export type GuessOutcome = 'success' | 'wrong_password' | 'other_failure' | 'not_attempted';

/**
 * Counts a password guess before it is checked: `reserve` admits it atomically (the lockout and
 * the per-address limit see guesses in flight, so a burst cannot check more than the limit), and
 * `settle` records its outcome. State lives in the database, shared by every API instance; keys
 * are keyed hashes (no names or addresses in the table). The progression (free attempts, then a
 * lock from 1 s doubling to 15 min) is lockout.ts's, evaluated in one statement.
 */
@Injectable()
export class SignInGuard {
  constructor(
    @Inject(READ_DB) private readonly db: SqlDatabase,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  /** Creates the table and functions (idempotent), at start, on every instance. */
  static async setup(db: SqlDatabase): Promise<void> {
    await db.exec(GUARD_SCHEMA);
  }

  userKey(poolId: string, sub: string): string {
    return `u:${this.secrets.uniqueValue('sign-in-guard:user', `${poolId}\u0000${sub}`)}`;
  }

  /** A name no user holds (PreventUserExistenceErrors: it must lock like a real user would). */
  nameKey(poolId: string, normalizedName: string): string {
    return `n:${this.secrets.uniqueValue('sign-in-guard:name', `${poolId}\u0000${normalizedName}`)}`;
  }

  addressKey(address: string | undefined): string | undefined {
    return address ? `a:${this.secrets.uniqueValue('sign-in-guard:address', address)}` : undefined;
  }

  async reserve(keys: GuessKeys, now: Date): Promise<Reservation> {
    const r = await this.db.query<{ subject_ok: boolean; address_ok: boolean }>(
      'SELECT subject_ok, address_ok FROM auth_guard_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [
        keys.subject ?? null,
        keys.address ?? null,
        now.toISOString(),
        FREE_ATTEMPTS,
        LOCKOUT_BASE_MS,
        MAX_LOCKOUT_MS,
        ADDRESS_LIMIT,
        ADDRESS_WINDOW_MS,
        STALE_MS,
      ],
    );
    const row = r.rows[0];
    if (!row.address_ok) return { ok: false, refused: 'address' };
    if (!row.subject_ok) return { ok: false, refused: 'subject' };
    return { ok: true };
  }

  async settle(keys: GuessKeys, outcome: GuessOutcome, now: Date): Promise<void> {
    await this.db.query('SELECT auth_guard_settle($1, $2, $3, $4, $5)', [
      keys.subject ?? null,
      keys.address ?? null,
      now.toISOString(),
      outcome,
      ADDRESS_WINDOW_MS,
    ]);
    // Now and then, forget what is long quiet and keep the rest within its bound.
    if (Math.random() < 0.01) await this.prune(now);
  }

  /**
   * Deletes rows not touched for FORGET_AFTER_MS (users' too), then, past `maxUnknownRows` rows
   * of names and addresses, the least recently touched of those. Rows with a guess in flight stay.
   */
  async prune(now: Date, maxUnknownRows = MAX_UNKNOWN_ROWS): Promise<void> {
    await this.db.query(`DELETE FROM ${GUARD_TABLE} WHERE touched_at < $1 AND inflight = 0`, [new Date(now.getTime() - FORGET_AFTER_MS).toISOString()]);
    await this.db.query(
      `DELETE FROM ${GUARD_TABLE} WHERE key IN (
         SELECT key FROM ${GUARD_TABLE} WHERE key NOT LIKE 'u:%' AND inflight = 0 ORDER BY touched_at
         LIMIT GREATEST((SELECT count(*) FROM ${GUARD_TABLE} WHERE key NOT LIKE 'u:%') - $1, 0))`,
      [maxUnknownRows],
    );
  }
}
