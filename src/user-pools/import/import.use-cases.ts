import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import { safeEqual } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError, NotAuthorizedError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, IDS, SECRETS, SETTINGS, type ServiceSettings, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { ImportFiles } from './import-files.js';
import { csvHeader, fileFormat } from './import-file.js';
import { type ImportJob, type ImportJobStatus, importJobsDecider, type ImportJobsCommand, jobStatus, PreconditionNotMetError } from './import-job.decider.js';
import { type ImportJobsEvent, importJobsStream, importJobStream, type UserImportRowsProcessed } from './import-job.events.js';
import { csvHeaderOf, PASSWORD_HASH_COLUMN } from './import-rows.js';
import { ImportWorker } from './import-worker.js';

/** How long the pre-signed upload URL works (Cognito's jobs expire when not started within a day). */
export const UPLOAD_URL_VALIDITY_MS = 24 * 3_600_000;
/** Largest file accepted at the upload URL. */
export const MAX_IMPORT_FILE_BYTES = 100 * 1024 * 1024;

/** UserImportJobType, as Cognito answers it. */
export interface UserImportJobView {
  jobName: string;
  jobId: string;
  poolId: string;
  preSignedUrl: string;
  creationDate: string;
  startDate?: string;
  completionDate?: string;
  status: ImportJobStatus;
  cloudWatchLogsRoleArn: string;
  importedUsers: number;
  skippedUsers: number;
  failedUsers: number;
  completionMessage?: string;
}

/** The pre-signed URL's signature: bound to the job and its expiry, under a key derived from the master key. */
const uploadSignature = (secrets: Secrets, job: Pick<ImportJob, 'poolId' | 'jobId' | 'uploadExpiresAt'>) =>
  secrets.hashCode(`${job.poolId}/${job.jobId}`, 'user-import-upload', job.uploadExpiresAt);

export function uploadUrl(settings: ServiceSettings, secrets: Secrets, job: ImportJob): string {
  const expires = Math.floor(Date.parse(job.uploadExpiresAt) / 1000);
  return `${settings.publicBaseUrl}/user-import-uploads/${job.poolId}/${job.jobId}?expires=${expires}&signature=${uploadSignature(secrets, job)}`;
}

async function loadJobs(store: EventStore, poolId: string): Promise<Map<string, ImportJob>> {
  return fold(importJobsDecider, (await store.readStream(importJobsStream(poolId))) as never as ImportJobsEvent[]).jobs;
}

/** The jobs' views, with the running totals of those still at work (the last event of each job's stream). */
async function views(store: EventStore, settings: ServiceSettings, secrets: Secrets, jobs: ImportJob[], now: Date): Promise<UserImportJobView[]> {
  const running = jobs.filter((j) => j.startedAt && !j.finished);
  const tails = running.length ? await store.readStreams(running.map((j) => ({ streamId: importJobStream(j.jobId), last: 1 }))) : [];
  const progress = new Map(running.map((j, i) => [j.jobId, tails[i][0] as never as UserImportRowsProcessed | undefined]));
  return jobs.map((job) => {
    const last = progress.get(job.jobId)?.data;
    const totals = job.finished ?? last ?? { imported: 0, skipped: 0, failed: 0 };
    return {
      jobName: job.jobName,
      jobId: job.jobId,
      poolId: job.poolId,
      preSignedUrl: uploadUrl(settings, secrets, job),
      creationDate: job.createdAt,
      ...(job.startedAt ? { startDate: job.startedAt } : {}),
      ...(job.finished ? { completionDate: job.finished.at, completionMessage: job.finished.message } : {}),
      status: jobStatus(job, now.toISOString(), last !== undefined),
      cloudWatchLogsRoleArn: job.cloudWatchLogsRoleArn,
      importedUsers: totals.imported,
      skippedUsers: totals.skipped,
      failedUsers: totals.failed,
    };
  });
}

/** Runs a command on a pool's job stream (safe to retry: decided again on the fresh state). */
async function runJobs(store: EventStore, poolId: string, context: RequestContext, now: Date, command: ImportJobsCommand) {
  return handleCommand({ store, streamId: importJobsStream(poolId), decider: importJobsDecider, context, now, retries: 3, command: () => command });
}

/** GetCSVHeader: the columns of the pool's import file. */
export class GetCsvHeaderQuery extends UseCaseQuery<{ poolId: string }, { poolId: string; header: string[] }> {}

@QueryHandler(GetCsvHeaderQuery)
export class GetCsvHeaderHandler implements IQueryHandler<GetCsvHeaderQuery> {
  constructor(private readonly pools: Pools) {}

  async execute({ input }: GetCsvHeaderQuery) {
    const pool = await this.pools.load(input.poolId);
    return { poolId: pool.poolId, header: csvHeaderOf(pool) };
  }
}

/** CreateUserImportJob: a job in Created with its pre-signed upload URL. */
export class CreateUserImportJobCommand extends UseCaseCommand<{ poolId: string; jobName: string; cloudWatchLogsRoleArn: string }, UserImportJobView> {}

@CommandHandler(CreateUserImportJobCommand)
export class CreateUserImportJobHandler implements ICommandHandler<CreateUserImportJobCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
  ) {}

  async execute({ input, context }: CreateUserImportJobCommand): Promise<UserImportJobView> {
    const pool = await this.pools.load(input.poolId);
    const now = this.clock.now();
    const jobId = `import-${this.ids.uuid().replace(/-/g, '')}`;
    // Whole seconds: the URL carries the expiry as epoch seconds, and the signature covers it.
    const uploadExpiresAt = new Date(Math.floor((now.getTime() + UPLOAD_URL_VALIDITY_MS) / 1000) * 1000).toISOString();
    const { state } = await runJobs(this.store, pool.poolId, context, now, {
      type: 'CreateJob',
      poolId: pool.poolId,
      jobId,
      jobName: input.jobName,
      cloudWatchLogsRoleArn: input.cloudWatchLogsRoleArn,
      uploadExpiresAt,
      now: now.toISOString(),
    });
    const job = state.jobs.get(jobId);
    if (!job) throw new Error('import job not created');
    return (await views(this.store, this.settings, this.secrets, [job], now))[0];
  }
}

/** The PUT to a job's pre-signed URL: the file is kept and its arrival recorded. */
export class UploadUserImportFileCommand extends UseCaseCommand<{ poolId: string; jobId: string; expires: string; signature: string; content: Buffer }, void> {}

@CommandHandler(UploadUserImportFileCommand)
export class UploadUserImportFileHandler implements ICommandHandler<UploadUserImportFileCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    private readonly files: ImportFiles,
  ) {}

  async execute({ input, context }: UploadUserImportFileCommand): Promise<void> {
    // 1. The URL is this job's and has not run out (the signature covers the job and its expiry).
    const expiresAt = /^\d{1,12}$/.test(input.expires) ? new Date(Number(input.expires) * 1000).toISOString() : '';
    const signed =
      expiresAt && safeEqual(input.signature, uploadSignature(this.secrets, { poolId: input.poolId, jobId: input.jobId, uploadExpiresAt: expiresAt }));
    if (!signed) throw new NotAuthorizedError('The request signature does not match this upload URL.');
    const now = this.clock.now();
    if (now.toISOString() >= expiresAt) throw new NotAuthorizedError('The pre-signed URL has expired.');
    if (input.content.length === 0) throw new InvalidParameterError('The user import file is empty.');
    const poolId = input.poolId;
    // 2. The bytes first, then the event that makes them count (the worker checks the digest).
    const sha256 = createHash('sha256').update(input.content).digest('hex');
    await this.files.store(poolId, input.jobId, input.content, sha256, now);
    await runJobs(this.store, poolId, context, now, {
      type: 'RecordUpload',
      jobId: input.jobId,
      bytes: input.content.length,
      sha256,
      format: fileFormat(input.content),
      now: now.toISOString(),
    });
  }
}

/** StartUserImportJob: Pending, then the worker takes it (this process at once, or any other within its poll). */
export class StartUserImportJobCommand extends UseCaseCommand<{ poolId: string; jobId: string }, UserImportJobView> {}

@CommandHandler(StartUserImportJobCommand)
export class StartUserImportJobHandler implements ICommandHandler<StartUserImportJobCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
    private readonly files: ImportFiles,
    private readonly worker: ImportWorker,
  ) {}

  async execute({ input, context }: StartUserImportJobCommand): Promise<UserImportJobView> {
    const pool = await this.pools.load(input.poolId);
    const now = this.clock.now();
    const job = (await loadJobs(this.store, pool.poolId)).get(input.jobId);
    if (!job) throw new ResourceNotFoundError(`Import job ${input.jobId} does not exist.`);
    // Cognito does not start a job of a pool without auto-verified attributes: its users could
    // never reset their passwords. A file that carries password hashes does not need them.
    if (pool.settings.autoVerifiedAttributes.length === 0 && job.upload) {
      const file = await this.files.read(job.jobId);
      const hashes = job.upload.format === 'jsonl' || (file !== undefined && (await csvHeader(file.content)).includes(PASSWORD_HASH_COLUMN));
      if (!hashes)
        throw new PreconditionNotMetError(
          'The user pool has no auto-verified attributes (email or phone_number): imported users could not reset their passwords.',
        );
    }
    // The queue row first: a start recorded without one could never be picked up.
    await this.files.enqueue(pool.poolId, job.jobId);
    const { state } = await runJobs(this.store, pool.poolId, context, now, { type: 'StartJob', jobId: job.jobId, now: now.toISOString() });
    this.worker.wake();
    return (await views(this.store, this.settings, this.secrets, [state.jobs.get(job.jobId) as ImportJob], now))[0];
  }
}

/** StopUserImportJob: Stopping, then Stopped once the worker has finished its batch. */
export class StopUserImportJobCommand extends UseCaseCommand<{ poolId: string; jobId: string }, UserImportJobView> {}

@CommandHandler(StopUserImportJobCommand)
export class StopUserImportJobHandler implements ICommandHandler<StopUserImportJobCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
    private readonly worker: ImportWorker,
  ) {}

  async execute({ input, context }: StopUserImportJobCommand): Promise<UserImportJobView> {
    const pool = await this.pools.load(input.poolId);
    const now = this.clock.now();
    const { state } = await runJobs(this.store, pool.poolId, context, now, { type: 'StopJob', jobId: input.jobId, now: now.toISOString() });
    this.worker.wake();
    return (await views(this.store, this.settings, this.secrets, [state.jobs.get(input.jobId) as ImportJob], now))[0];
  }
}

/** DescribeUserImportJob. */
export class DescribeUserImportJobQuery extends UseCaseQuery<{ poolId: string; jobId: string }, UserImportJobView> {}

@QueryHandler(DescribeUserImportJobQuery)
export class DescribeUserImportJobHandler implements IQueryHandler<DescribeUserImportJobQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: DescribeUserImportJobQuery): Promise<UserImportJobView> {
    const pool = await this.pools.load(input.poolId);
    const job = (await loadJobs(this.store, pool.poolId)).get(input.jobId);
    if (!job) throw new ResourceNotFoundError(`Import job ${input.jobId} does not exist.`);
    return (await views(this.store, this.settings, this.secrets, [job], this.clock.now()))[0];
  }
}

/** ListUserImportJobs: newest first, MaxResults per page, the token naming the next job. */
export class ListUserImportJobsQuery extends UseCaseQuery<
  { poolId: string; maxResults: number; paginationToken?: string },
  { jobs: UserImportJobView[]; paginationToken?: string }
> {}

@QueryHandler(ListUserImportJobsQuery)
export class ListUserImportJobsHandler implements IQueryHandler<ListUserImportJobsQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: ListUserImportJobsQuery) {
    const pool = await this.pools.load(input.poolId);
    const all = [...(await loadJobs(this.store, pool.poolId)).values()].reverse();
    const from = input.paginationToken === undefined ? 0 : all.findIndex((j) => j.jobId === input.paginationToken);
    if (from < 0) throw new InvalidParameterError('Invalid pagination token.');
    const page = all.slice(from, from + input.maxResults);
    const next = all[from + input.maxResults];
    return { jobs: await views(this.store, this.settings, this.secrets, page, this.clock.now()), ...(next ? { paginationToken: next.jobId } : {}) };
  }
}

export { loadJobs, views };
