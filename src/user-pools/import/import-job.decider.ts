import { type Decider, unreachable } from '../../shared/decider.js';
import { DomainError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { ImportJobFinalStatus, ImportJobsEvent } from './import-job.events.js';

/** Cognito's answer when a job is not in a state the call can act on. */
export class PreconditionNotMetError extends DomainError {
  readonly code = 'PreconditionNotMetException';
  readonly status = 412;
}

/** Cognito: a job not started within 24-48 hours expires (and its file is deleted). */
export const IMPORT_JOB_EXPIRY_MS = 24 * 3_600_000;

export type ImportJobStatus = 'Created' | 'Pending' | 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Failed' | 'Expired';

export interface ImportJob {
  poolId: string;
  jobId: string;
  jobName: string;
  cloudWatchLogsRoleArn: string;
  createdAt: string;
  uploadExpiresAt: string;
  upload?: { bytes: number; sha256: string; format: 'csv' | 'jsonl'; at: string };
  startedAt?: string;
  stopRequestedAt?: string;
  finished?: { status: ImportJobFinalStatus; message: string; imported: number; skipped: number; failed: number; at: string };
}

export interface ImportJobsState {
  /** In creation order (ListUserImportJobs pages through them). */
  jobs: Map<string, ImportJob>;
}

type Now = { now: string };
export type ImportJobsCommand =
  | ({ type: 'CreateJob'; poolId: string; jobId: string; jobName: string; cloudWatchLogsRoleArn: string; uploadExpiresAt: string } & Now)
  | ({ type: 'RecordUpload'; jobId: string; bytes: number; sha256: string; format: 'csv' | 'jsonl' } & Now)
  | ({ type: 'StartJob'; jobId: string } & Now)
  | ({ type: 'StopJob'; jobId: string } & Now)
  | ({ type: 'FinishJob'; jobId: string; status: ImportJobFinalStatus; message: string; imported: number; skipped: number; failed: number } & Now);

/** A job's status at `now`, given whether the worker has recorded any rows yet. */
export function jobStatus(job: ImportJob, now: string, rowsRecorded: boolean): ImportJobStatus {
  if (job.finished) return job.finished.status;
  if (job.stopRequestedAt) return 'Stopping';
  if (job.startedAt) return rowsRecorded ? 'InProgress' : 'Pending';
  return Date.parse(now) - Date.parse(job.createdAt) >= IMPORT_JOB_EXPIRY_MS ? 'Expired' : 'Created';
}

export const importJobsDecider: Decider<ImportJobsCommand, ImportJobsEvent, ImportJobsState> = {
  initialState: () => ({ jobs: new Map() }),

  evolve(state, event) {
    const jobs = new Map(state.jobs);
    if (event.type === 'UserImportJobCreated') {
      const { poolId, jobId, jobName, cloudWatchLogsRoleArn, uploadExpiresAt, createdAt } = event.data;
      jobs.set(jobId, { poolId, jobId, jobName, cloudWatchLogsRoleArn, uploadExpiresAt, createdAt });
      return { jobs };
    }
    const job = jobs.get(event.data.jobId);
    if (!job) return state;
    switch (event.type) {
      case 'UserImportFileUploaded': {
        const { bytes, sha256, format, at } = event.data;
        jobs.set(job.jobId, { ...job, upload: { bytes, sha256, format, at } });
        break;
      }
      case 'UserImportJobStarted':
        jobs.set(job.jobId, { ...job, startedAt: event.data.at });
        break;
      case 'UserImportJobStopRequested':
        jobs.set(job.jobId, { ...job, stopRequestedAt: event.data.at });
        break;
      case 'UserImportJobFinished': {
        const { status, message, imported, skipped, failed, at } = event.data;
        jobs.set(job.jobId, { ...job, finished: { status, message, imported, skipped, failed, at } });
        break;
      }
      default:
        return state;
    }
    return { jobs };
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateJob': {
        const { poolId, jobId, jobName, cloudWatchLogsRoleArn, uploadExpiresAt, now } = command;
        return [{ type: 'UserImportJobCreated', data: { poolId, jobId, jobName, cloudWatchLogsRoleArn, uploadExpiresAt, createdAt: now } }];
      }
      case 'RecordUpload': {
        const job = requireJob(state, command.jobId);
        if (job.startedAt || jobStatus(job, command.now, false) !== 'Created')
          throw new PreconditionNotMetError('The import job is no longer accepting a file.');
        if (command.now >= job.uploadExpiresAt) throw new PreconditionNotMetError('The pre-signed URL has expired.');
        const { jobId, bytes, sha256, format, now } = command;
        return [{ type: 'UserImportFileUploaded', data: { jobId, bytes, sha256, format, at: now } }];
      }
      case 'StartJob': {
        const job = requireJob(state, command.jobId);
        const status = jobStatus(job, command.now, false);
        if (status === 'Expired') throw new PreconditionNotMetError('The import job has expired and cannot be started.');
        if (status !== 'Created') throw new PreconditionNotMetError(`The import job cannot be started: its status is ${status}.`);
        if (!job.upload) throw new PreconditionNotMetError('No user import file has been uploaded to the pre-signed URL of this job.');
        return [{ type: 'UserImportJobStarted', data: { jobId: job.jobId, at: command.now } }];
      }
      case 'StopJob': {
        const job = requireJob(state, command.jobId);
        if (!job.startedAt || job.finished)
          throw new PreconditionNotMetError(`The import job cannot be stopped: its status is ${jobStatus(job, command.now, true)}.`);
        // A second stop while stopping changes nothing.
        return job.stopRequestedAt ? [] : [{ type: 'UserImportJobStopRequested', data: { jobId: job.jobId, at: command.now } }];
      }
      case 'FinishJob': {
        const job = requireJob(state, command.jobId);
        if (job.finished) return [];
        const { jobId, status, message, imported, skipped, failed, now } = command;
        return [{ type: 'UserImportJobFinished', data: { jobId, status, message, imported, skipped, failed, at: now } }];
      }
      default:
        return unreachable(command);
    }
  },
};

function requireJob(state: ImportJobsState, jobId: string): ImportJob {
  const job = state.jobs.get(jobId);
  if (!job) throw new ResourceNotFoundError(`Import job ${jobId} does not exist.`);
  return job;
}
