import type { SqlDatabase } from '../db/sql.js';
import { lifecycle as processLifecycle, type Lifecycle } from './lifecycle.js';

/**
 * Readiness: may this instance take traffic? Unlike liveness (the process answers HTTP) it
 * asks, in order: not shutting down; the database answers; the schema is in place (event log,
 * checkpoints, each projection at the version this code expects); every projection within
 * `maxLagMs` of the log head. A check that cannot run because an earlier one failed is
 * reported as skipped, and only the failed ones are named in `failed`.
 */
export type CheckName = 'shutdown' | 'database' | 'schema' | 'projections';

export interface CheckResult {
  ok: boolean;
  skipped?: true;
  ms?: number;
  error?: string;
  details?: unknown;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  failed: CheckName[];
  checks: Partial<Record<CheckName, CheckResult>>;
}

interface LagRow {
  name: string;
  version: number;
  eventsBehind: number;
  msBehind: number;
}

export interface ReadinessParts {
  db: SqlDatabase;
  store: { readonly kind: string };
  runner: { lag(): Promise<readonly LagRow[]> };
}

export interface ReadinessOptions {
  /** Most a projection may trail the log (age of its oldest unapplied event). */
  maxLagMs: number;
  /** Bound on each check, so a hung database makes the probe fail instead of hang. */
  checkTimeoutMs?: number;
  lifecycle?: Lifecycle;
}

export class CheckTimeoutError extends Error {
  readonly code = 'CheckTimeout';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'CheckTimeoutError';
  }
}

/** The lag bound from the configuration: a write waits CONSISTENCY_TIMEOUT_MS for the read models; an instance trailing further would answer writes late. At least 1 s, so ordinary write bursts don't flap it. */
export function readinessMaxLagMs(config: { CONSISTENCY_TIMEOUT_MS: number }): number {
  return Math.max(config.CONSISTENCY_TIMEOUT_MS, 1000);
}

export class Readiness {
  private readonly checkTimeoutMs: number;
  private readonly lifecycle: Lifecycle;

  constructor(
    private readonly parts: ReadinessParts,
    private readonly options: ReadinessOptions,
  ) {
    this.checkTimeoutMs = options.checkTimeoutMs ?? 2000;
    this.lifecycle = options.lifecycle ?? processLifecycle;
  }

  async check(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {};
    const failed: CheckName[] = [];
    if (this.lifecycle.shuttingDown) {
      checks.shutdown = { ok: false, error: 'shutting down', details: { forMs: this.lifecycle.shuttingDownFor } };
      failed.push('shutdown');
    }
    let versions: Map<string, number> | undefined;
    // Each step resolves with the details to show, or undefined.
    const steps: [CheckName, () => Promise<unknown>][] = [
      ['database', async () => void (await this.parts.db.query('SELECT 1'))],
      ['schema', async () => void (versions = await this.schema())],
      ['projections', () => this.projections(versions ?? new Map())],
    ];
    let blocked: CheckName | undefined;
    for (const [name, run] of steps) {
      if (blocked) {
        checks[name] = { ok: false, skipped: true, error: `not checked: ${blocked} failed` };
        continue;
      }
      checks[name] = await this.timed(run);
      if (!checks[name].ok) {
        failed.push(name);
        blocked = name;
      }
    }
    return { status: failed.length ? 'not_ready' : 'ready', failed, checks };
  }

  /** The tables every query needs, and each projection's stored version. */
  private async schema(): Promise<Map<string, number>> {
    const needsLog = this.parts.store.kind !== 'eventstoredb';
    const r = await this.parts.db.query<{ checkpoints: boolean; events: boolean }>(
      `SELECT to_regclass('consumer_checkpoints') IS NOT NULL AS checkpoints, to_regclass('es_events') IS NOT NULL AS events`,
    );
    const missing = [...(r.rows[0]?.checkpoints ? [] : ['consumer_checkpoints']), ...(needsLog && !r.rows[0]?.events ? ['es_events'] : [])];
    if (missing.length) throw new SchemaMissingError(missing);
    const rows = await this.parts.db.query<{ name: string; version: number }>('SELECT name, version FROM consumer_checkpoints');
    return new Map(rows.rows.map((row) => [row.name, Number(row.version)]));
  }

  private async projections(stored: Map<string, number>): Promise<unknown> {
    const lag = await this.parts.runner.lag();
    const rows = lag.map((p) => ({ name: p.name, eventsBehind: p.eventsBehind, msBehind: p.msBehind, version: p.version, storedVersion: stored.get(p.name) }));
    const stale = rows.filter((p) => p.storedVersion !== undefined && p.storedVersion !== p.version);
    const behind = rows.filter((p) => p.msBehind > this.options.maxLagMs);
    if (stale.length || behind.length)
      throw new ProjectionsBehindError(
        rows,
        this.options.maxLagMs,
        stale.map((p) => p.name),
        behind.map((p) => p.name),
      );
    return { maxLagMs: this.options.maxLagMs, projections: rows };
  }

  private async timed(run: () => Promise<unknown>): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeoutError(this.checkTimeoutMs)), this.checkTimeoutMs);
      });
      const details = await Promise.race([run(), timeout]);
      const ms = Math.round(performance.now() - started);
      return details === undefined ? { ok: true, ms } : { ok: true, ms, details };
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const details = error instanceof ProjectionsBehindError ? error.details : undefined;
      return { ok: false, ms, error: error instanceof Error ? error.message : String(error), ...(details ? { details } : {}) };
    } finally {
      clearTimeout(timer);
    }
  }
}

export class SchemaMissingError extends Error {
  readonly code = 'SchemaMissing';
  constructor(readonly tables: string[]) {
    super(`missing tables: ${tables.join(', ')}`);
    this.name = 'SchemaMissingError';
  }
}

export class ProjectionsBehindError extends Error {
  readonly code = 'ProjectionsBehind';
  readonly details: unknown;
  constructor(rows: unknown[], maxLagMs: number, stale: string[], behind: string[]) {
    const parts = [
      ...(behind.length ? [`${behind.join(', ')} more than ${maxLagMs} ms behind`] : []),
      ...(stale.length ? [`${stale.join(', ')} at an older version (rebuild pending)`] : []),
    ];
    super(parts.join('; '));
    this.name = 'ProjectionsBehindError';
    this.details = { maxLagMs, projections: rows };
  }
}
