/**
 * User import jobs (CreateUserImportJob ... StopUserImportJob). A pool's jobs and their
 * lifecycle are on `importjobs-<poolId>` (short: a few events per job, read by Describe and
 * List); the rows a job processed are on the job's own stream `importjob-<jobId>`, one event per
 * batch with the running totals, so the pool's stream does not grow with the file.
 */
export type ImportJobFinalStatus = 'Succeeded' | 'Failed' | 'Stopped';

export type UserImportJobCreated = {
  type: 'UserImportJobCreated';
  data: { poolId: string; jobId: string; jobName: string; cloudWatchLogsRoleArn: string; uploadExpiresAt: string; createdAt: string };
};

/** The file arrived at the job's pre-signed URL (its bytes are kept apart, see import-files.ts). */
export type UserImportFileUploaded = {
  type: 'UserImportFileUploaded';
  data: { jobId: string; bytes: number; sha256: string; format: 'csv' | 'jsonl'; at: string };
};

export type UserImportJobStarted = { type: 'UserImportJobStarted'; data: { jobId: string; at: string } };
export type UserImportJobStopRequested = { type: 'UserImportJobStopRequested'; data: { jobId: string; at: string } };

export type UserImportJobFinished = {
  type: 'UserImportJobFinished';
  data: { jobId: string; status: ImportJobFinalStatus; message: string; imported: number; skipped: number; failed: number; at: string };
};

/** A row that was not imported, by its line in the file (no user data: Cognito's log names lines only). */
export interface ImportRowOutcome {
  line: number;
  status: 'SKIPPED' | 'FAILED';
  message: string;
}

/**
 * One batch of rows: the lines it covered (`succeeded` as [first, last] runs of line numbers),
 * the rows skipped or failed, and the job's running totals after it.
 */
export type UserImportRowsProcessed = {
  type: 'UserImportRowsProcessed';
  data: {
    jobId: string;
    /** Every line up to this one has been processed (a resumed job goes on after it). */
    throughLine: number;
    succeeded: Array<[number, number]>;
    rejected: ImportRowOutcome[];
    imported: number;
    skipped: number;
    failed: number;
    at: string;
  };
};

export type ImportJobsEvent = UserImportJobCreated | UserImportFileUploaded | UserImportJobStarted | UserImportJobStopRequested | UserImportJobFinished;
export type ImportRowsEvent = UserImportRowsProcessed;

export const importJobsStream = (poolId: string) => `importjobs-${poolId}`;
export const importJobStream = (jobId: string) => `importjob-${jobId}`;
