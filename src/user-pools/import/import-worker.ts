import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { isDatabaseUnavailable } from '../../db/database-errors.js';
import { UniqueConstraintError, WrongExpectedRevisionError } from '../../event-store/errors.js';
import type { AppendResult, EventStore, StreamWrite, UniqueChange } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand, withMetadata } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { ResourceNotFoundError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, IDS, LOG, type Log, READ_MODELS, type ReadModels, STORE, USER_DIRECTORY } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { claimConflict } from '../aliases.js';
import { Pools, type ActivePool } from '../pools.js';
import { userDecider } from '../user.decider.js';
import { userStream } from '../user.events.js';
import { usernameScope } from '../username.js';
import { Users } from '../users.js';
import { ImportFiles } from './import-files.js';
import { csvHeader, type ImportRow, readImportFile } from './import-file.js';
import { type ImportJob, importJobsDecider } from './import-job.decider.js';
import {
  type ImportJobFinalStatus,
  type ImportJobsEvent,
  type ImportRowOutcome,
  importJobsStream,
  importJobStream,
  type UserImportRowsProcessed,
} from './import-job.events.js';
import { importableUser, MFA_COLUMN, unknownColumns, USERNAME_COLUMN } from './import-rows.js';

/** Rows written per append (one transaction on SQL stores, with the batch's progress event). */
export const IMPORT_BATCH_ROWS = 500;
/** How often an idle worker looks for jobs started on other instances (a local start wakes it at once). */
const POLL_MS = 1000;
/** A queued job whose start was never recorded (its process died in between) is dropped after this. */
const ORPHAN_MS = 60_000;

export const SUCCEEDED_MESSAGE = 'Import Job Completed Successfully.';
export const STOPPED_MESSAGE = 'The user import job was stopped.';

interface Totals {
  imported: number;
  skipped: number;
  failed: number;
}

interface PreparedRow {
  line: number;
  write: StreamWrite;
  claims: readonly UniqueChange[];
}

interface PreparedBatch {
  pool: ActivePool;
  rows: ImportRow[];
  rejected: ImportRowOutcome[];
  prepared: PreparedRow[];
  now: Date;
}

/**
 * The background side of user import jobs, in every API instance: takes a started job from the
 * queue (ImportFiles' lease), reads its file as a stream and imports its rows in batches. Each
 * batch is one write: the users' new streams (each claiming its username and aliases, so an
 * existing user is refused by the store itself) and, last, the job's progress event with the job
 * stream's expected revision, so two workers can never both record a batch and a worker that
 * dies leaves either the whole batch or nothing. A resumed job goes on after the last recorded
 * line. Between batches it renews its lease and looks for a stop request.
 */
@Injectable()
export class ImportWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly owner = `import-worker-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
    @Inject(LOG) private readonly log: Log,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly pools: Pools,
    private readonly users: Users,
    private readonly files: ImportFiles,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.loop;
  }

  /** Looks for work now (after a local start or stop). */
  wake(): void {
    if (this.loop) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.loop = this.drain().finally(() => {
        this.loop = undefined;
        this.schedule(this.again ? 0 : POLL_MS);
        this.again = false;
      });
    }, ms);
    this.timer.unref();
  }

  /** Works on claimed jobs until none is left that this worker can move on. */
  private async drain(): Promise<void> {
    try {
      await this.files.deleteExpired(new Date(this.clock.now().getTime() - 48 * 3_600_000));
      const seen = new Set<string>();
      while (!this.stopped) {
        const claim = await this.files.claim(this.owner);
        if (!claim || seen.has(claim.jobId)) return;
        seen.add(claim.jobId);
        await this.work(claim.poolId, claim.jobId, claim.queuedAt);
      }
    } catch (error) {
      // An outage is the database's to report (once, with its recovery); the next poll retries.
      if (isDatabaseUnavailable(error)) return;
      this.log.error({ err: error }, 'user import worker: a job could not be worked on; it is retried');
    }
  }

  private async work(poolId: string, jobId: string, queuedAt: string): Promise<void> {
    const context: RequestContext = { correlationId: jobId, actor: { kind: 'system', id: 'user-import' } };
    const job = (await this.jobs(poolId)).get(jobId);
    if (!job?.startedAt) {
      if (Date.now() - Date.parse(queuedAt) > ORPHAN_MS) await this.files.finish(jobId);
      return;
    }
    if (job.finished) return this.files.finish(jobId);
    const progress = await this.progress(jobId);
    if (job.stopRequestedAt) return this.finish(job, context, 'Stopped', STOPPED_MESSAGE, progress.totals);
    let pool: ActivePool;
    try {
      pool = await this.pools.load(poolId);
    } catch (error) {
      if (error instanceof ResourceNotFoundError) return this.finish(job, context, 'Failed', 'The user pool has been deleted.', progress.totals);
      throw error;
    }
    const file = await this.files.read(jobId);
    if (!file || !job.upload || file.sha256 !== job.upload.sha256) {
      return this.finish(job, context, 'Failed', 'The user import file could not be read.', progress.totals);
    }
    await this.importRows(pool, job, context, file.content, progress);
  }

  private async importRows(
    pool: ActivePool,
    job: ImportJob,
    context: RequestContext,
    content: Buffer,
    progress: { throughLine: number; totals: Totals; revision: bigint | undefined },
  ): Promise<void> {
    let { revision } = progress;
    const totals = { ...progress.totals };
    let last: AppendResult | undefined;
    let batch: ImportRow[] = [];
    // One batch is written while the next is read and prepared (parsing and deciding are this
    // thread's work, the write is the database's): writes stay one after the other, in order.
    let inFlight: Promise<boolean> | undefined;
    const commit = async (prepared: PreparedBatch): Promise<boolean> => {
      const written = await this.writeBatch(job.jobId, context, prepared, totals, revision);
      if (!written) return false;
      ({ revision } = written);
      last = written.append;
      // Between batches: let the requests that queued meanwhile run (an embedded database
      // works on this thread), then check it is still this worker's job and not asked to stop.
      await new Promise((resolve) => setImmediate(resolve));
      const [renewed, jobs] = await Promise.all([this.files.renew(this.owner, job.jobId), this.jobs(pool.poolId)]);
      if (!renewed) return false;
      if (jobs.get(job.jobId)?.stopRequestedAt) {
        await this.finish(job, context, 'Stopped', STOPPED_MESSAGE, totals);
        return false;
      }
      return true;
    };
    const flush = async (): Promise<boolean> => {
      const prepared = this.prepareBatch(pool, job.jobId, context, batch);
      batch = [];
      if (inFlight && !(await inFlight)) return false;
      inFlight = commit(prepared);
      return true;
    };
    try {
      const reader = readImportFile(content);
      const problem = reader.format === 'csv' ? await headerProblem(pool, content) : undefined;
      if (problem) return this.finish(job, context, 'Failed', problem, totals);
      for await (const row of reader.rows) {
        if (row.line <= progress.throughLine) continue;
        batch.push(row);
        if (batch.length >= IMPORT_BATCH_ROWS && !(await flush())) return;
      }
      if (batch.length > 0 && !(await flush())) return;
      if (inFlight && !(await inFlight)) return;
    } catch (error) {
      // A batch still being written settles before the job's end is recorded.
      await inFlight?.catch(() => undefined);
      if (isParseError(error))
        return this.finish(job, context, 'Failed', `Amazon Cognito is unable to parse the .csv file: ${(error as Error).message}`.slice(0, 128), totals);
      throw error;
    }
    // Read-your-writes for the job's outcome: ListUsers shows the users once the job says Succeeded.
    await this.readModels.waitFor(USER_DIRECTORY, last?.position);
    await this.finish(job, context, 'Succeeded', SUCCEEDED_MESSAGE, totals);
  }

  /**
   * Prepares one batch: its importable rows as new users (each claiming its username and
   * aliases) and the rows refused before any write (unreadable, invalid, or a name claimed twice
   * in the batch: the later row meets the earlier one, as it would across batches).
   */
  private prepareBatch(pool: ActivePool, jobId: string, context: RequestContext, rows: ImportRow[]): PreparedBatch {
    const now = this.clock.now();
    const rejected: ImportRowOutcome[] = [];
    const prepared: PreparedRow[] = [];
    const claimed = new Map<string, number>();
    const claims = this.users.claimsFor(pool);
    for (const row of rows) {
      if (row.unreadable) {
        rejected.push({ line: row.line, status: 'FAILED', message: row.unreadable });
        continue;
      }
      const sub = this.ids.uuid();
      const user = importableUser(pool, row.values, sub);
      if ('failure' in user) {
        rejected.push({ line: row.line, status: 'FAILED', message: user.failure });
        continue;
      }
      const events = userDecider.decide({ type: 'ImportUser', poolId: pool.poolId, sub, jobId, ...user, now: now.toISOString() }, { exists: false });
      const unique = claims(events, { exists: false });
      const clash = unique.find((c) => claimed.has(`${c.scope}\0${c.value}`));
      if (clash) {
        rejected.push(conflictOutcome(row.line, new UniqueConstraintError(clash.scope, clash.value), pool));
        continue;
      }
      for (const c of unique) claimed.set(`${c.scope}\0${c.value}`, row.line);
      const streamId = userStream(pool.poolId, sub);
      prepared.push({
        line: row.line,
        claims: unique,
        write: { streamId, events: withMetadata(events, context, now), options: { expectedRevision: 'no_stream', unique } },
      });
    }
    return { pool, rows, rejected, prepared, now };
  }

  /**
   * Writes one prepared batch and its progress event, in one write. A username or alias another
   * user holds refuses the write; the row that claimed it is counted as skipped (the username)
   * or failed (an alias) and the rest is written again. Returns undefined when another worker
   * recorded this job's progress meanwhile.
   */
  private async writeBatch(
    jobId: string,
    context: RequestContext,
    batch: PreparedBatch,
    totals: Totals,
    revision: bigint | undefined,
  ): Promise<{ revision: bigint; append: AppendResult } | undefined> {
    const { pool, rows, rejected, prepared, now } = batch;
    const throughLine = rows[rows.length - 1].line;
    for (;;) {
      const outcome = [...rejected].sort((a, b) => a.line - b.line);
      const after = {
        imported: totals.imported + prepared.length,
        skipped: totals.skipped + outcome.filter((r) => r.status === 'SKIPPED').length,
        failed: totals.failed + outcome.filter((r) => r.status === 'FAILED').length,
      };
      const processed: UserImportRowsProcessed = {
        type: 'UserImportRowsProcessed',
        data: { jobId, throughLine, succeeded: runs(prepared.map((p) => p.line)), rejected: outcome, ...after, at: now.toISOString() },
      };
      // The progress event last: on a store that writes streams one by one, a written prefix is
      // users the resumed job meets again as "already exists", never a batch counted but not written.
      const progress: StreamWrite = {
        streamId: importJobStream(jobId),
        events: withMetadata([processed], context, now),
        options: { expectedRevision: revision ?? 'no_stream' },
      };
      try {
        const results = await this.store.appendMany([...prepared.map((p) => p.write), progress]);
        Object.assign(totals, after);
        const append = results[results.length - 1];
        return { revision: append.nextRevision, append };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && error.streamId === progress.streamId) return undefined;
        if (!(error instanceof UniqueConstraintError)) throw error;
        const at = prepared.findIndex((p) => p.claims.some((c) => c.scope === error.scope && c.value === error.value && c.change === 'claim'));
        if (at < 0) throw error;
        rejected.push(conflictOutcome(prepared[at].line, error, pool));
        prepared.splice(at, 1);
      }
    }
  }

  private async jobs(poolId: string): Promise<Map<string, ImportJob>> {
    return fold(importJobsDecider, (await this.store.readStream(importJobsStream(poolId))) as never as ImportJobsEvent[]).jobs;
  }

  /** Where a job stands: the last line recorded and the running totals, from its stream's last event. */
  private async progress(jobId: string): Promise<{ throughLine: number; totals: Totals; revision: bigint | undefined }> {
    const [lastEvent] = (await this.store.readStream(importJobStream(jobId), { last: 1 })) as never as Array<{
      data: UserImportRowsProcessed['data'];
      revision: bigint;
    }>;
    if (!lastEvent) return { throughLine: 0, totals: { imported: 0, skipped: 0, failed: 0 }, revision: undefined };
    const { throughLine, imported, skipped, failed } = lastEvent.data;
    return { throughLine, totals: { imported, skipped, failed }, revision: lastEvent.revision };
  }

  private async finish(job: ImportJob, context: RequestContext, status: ImportJobFinalStatus, message: string, totals: Totals): Promise<void> {
    const now = this.clock.now();
    await handleCommand({
      store: this.store,
      streamId: importJobsStream(job.poolId),
      decider: importJobsDecider,
      context,
      now,
      retries: 5,
      command: () => ({ type: 'FinishJob' as const, jobId: job.jobId, status, message, ...totals, now: now.toISOString() }),
    });
    await this.files.finish(job.jobId);
  }
}

/** Skipped when the username is taken (Cognito's "The user already exists."), failed when an alias is. */
function conflictOutcome(line: number, error: UniqueConstraintError, pool: ActivePool): ImportRowOutcome {
  if (error.scope === usernameScope(pool.poolId)) return { line, status: 'SKIPPED', message: 'The user already exists.' };
  const mapped = claimConflict(error, pool);
  return { line, status: 'FAILED', message: mapped instanceof Error && mapped !== error ? mapped.message : 'A unique attribute of the user is taken.' };
}

/** Ascending line numbers as [first, last] runs. */
function runs(lines: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const line of lines) {
    const run = out[out.length - 1];
    if (run && line === run[1] + 1) run[1] = line;
    else out.push([line, line]);
  }
  return out;
}

/** A CSV header without the required columns or with a column the pool does not have fails the job. */
async function headerProblem(pool: ActivePool, content: Buffer): Promise<string | undefined> {
  const header = await csvHeader(content);
  const missing = [USERNAME_COLUMN, MFA_COLUMN].filter((c) => !header.includes(c));
  if (missing.length) return `The CSV header is missing the ${missing.join(' and ')} column.`.slice(0, 128);
  const unknown = unknownColumns(pool, header);
  if (unknown.length) return `The CSV header names attributes the user pool does not have: ${unknown.join(', ')}`.slice(0, 128);
  return undefined;
}

function isParseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('CSV_');
}
