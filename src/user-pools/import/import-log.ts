import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { STORE } from '../../shared/ports.js';
import { UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { type UserImportRowsProcessed, importJobStream } from './import-job.events.js';
import { loadJobs } from './import.use-cases.js';

/**
 * An import job's per-row results, as Cognito writes them to CloudWatch Logs: log group
 * `/aws/cognito/userpools/<poolId>/<poolName>`, log stream `<jobId>/<jobName>`, one line per row
 * (`[SUCCEEDED] Line Number 5 - The import succeeded.`, `[SKIPPED] ...`, `[FAILED] ...`), no user
 * data. This service answers CloudWatch Logs' GetLogEvents for those names over the job's
 * stream, so `@aws-sdk/client-cloudwatch-logs` (or the CLI) pointed at it reads them.
 */
export const LOG_GROUP = /^\/aws\/cognito\/userpools\/([\w-]+_[0-9a-zA-Z]+)(\/.*)?$/;
export const LOG_STREAM = /^(import-[0-9a-zA-Z-]+)(\/.*)?$/;

export interface ImportLogLine {
  timestamp: number;
  message: string;
}

/** The log lines of a job's recorded batches, in file order. */
export function logLines(batches: ReadonlyArray<UserImportRowsProcessed['data']>): ImportLogLine[] {
  const lines: ImportLogLine[] = [];
  for (const batch of batches) {
    const timestamp = Date.parse(batch.at);
    const rows: Array<[number, string]> = batch.rejected.map((r) => [r.line, `[${r.status}] Line Number ${r.line} - ${r.message}`]);
    for (const [first, last] of batch.succeeded)
      for (let line = first; line <= last; line++) rows.push([line, `[SUCCEEDED] Line Number ${line} - The import succeeded.`]);
    rows.sort((a, b) => a[0] - b[0]);
    for (const [, message] of rows) lines.push({ timestamp, message });
  }
  return lines;
}

export interface LogEventsPage {
  events: Array<ImportLogLine & { ingestionTime: number }>;
  nextForwardToken: string;
  nextBackwardToken: string;
}

/** GetLogEvents over an import job's log stream (tokens `f/<index>` and `b/<index>`, as CloudWatch pages). */
export class GetImportLogEventsQuery extends UseCaseQuery<
  { logGroupName: string; logStreamName: string; startFromHead?: boolean; nextToken?: string; limit?: number; startTime?: number; endTime?: number },
  LogEventsPage
> {}

@QueryHandler(GetImportLogEventsQuery)
export class GetImportLogEventsHandler implements IQueryHandler<GetImportLogEventsQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: GetImportLogEventsQuery): Promise<LogEventsPage> {
    const group = LOG_GROUP.exec(input.logGroupName);
    const pool = group ? await this.pools.load(group[1]).catch(() => undefined) : undefined;
    if (!pool) throw new ResourceNotFoundError('The specified log group does not exist.');
    const stream = LOG_STREAM.exec(input.logStreamName);
    const job = stream ? (await loadJobs(this.store, pool.poolId)).get(stream[1]) : undefined;
    if (!job) throw new ResourceNotFoundError('The specified log stream does not exist.');
    const events = (await this.store.readStream(importJobStream(job.jobId))) as never as UserImportRowsProcessed[];
    const all = logLines(events.map((e) => e.data)).filter(
      (l) => (input.startTime === undefined || l.timestamp >= input.startTime) && (input.endTime === undefined || l.timestamp < input.endTime),
    );
    return page(all, input);
  }
}

function page(all: ImportLogLine[], input: { startFromHead?: boolean; nextToken?: string; limit?: number }): LogEventsPage {
  const limit = input.limit ?? 10_000;
  const token = input.nextToken === undefined ? undefined : /^([fb])\/(\d+)$/.exec(input.nextToken);
  if (input.nextToken !== undefined && !token) throw new InvalidParameterError('The specified nextToken is invalid.');
  const at = token ? Math.min(Number(token[2]), all.length) : undefined;
  const forward = token ? token[1] === 'f' : (input.startFromHead ?? false);
  const [from, to] = forward ? [at ?? 0, Math.min((at ?? 0) + limit, all.length)] : [Math.max(0, (at ?? all.length) - limit), at ?? all.length];
  return {
    events: all.slice(from, to).map((l) => ({ ...l, ingestionTime: l.timestamp })),
    nextForwardToken: `f/${to}`,
    nextBackwardToken: `b/${from}`,
  };
}
