import type { ImportJobsEvent } from './import-job.events.js';
import { type ImportJobsCommand, importJobsDecider, jobStatus } from './import-job.decider.js';

const T0 = '2026-01-01T00:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const JOB = 'import-abc';

const given = (...events: ImportJobsEvent[]) => events.reduce(importJobsDecider.evolve, importJobsDecider.initialState());
const when = (state: ReturnType<typeof given>, command: ImportJobsCommand) => () => importJobsDecider.decide(command, state);

const created: ImportJobsEvent = {
  type: 'UserImportJobCreated',
  data: { poolId: 'p', jobId: JOB, jobName: 'n', cloudWatchLogsRoleArn: 'arn', uploadExpiresAt: later(86_400_000), createdAt: T0 },
};
const uploaded: ImportJobsEvent = { type: 'UserImportFileUploaded', data: { jobId: JOB, bytes: 10, sha256: 'h', format: 'csv', at: later(1000) } };
const started: ImportJobsEvent = { type: 'UserImportJobStarted', data: { jobId: JOB, at: later(2000) } };

describe('import jobs decider', () => {
  test('a job starts only once, with a file, before it expires', () => {
    expect(when(given(created), { type: 'StartJob', jobId: JOB, now: later(1) })).toThrow('No user import file has been uploaded');
    expect(when(given(created, uploaded), { type: 'StartJob', jobId: JOB, now: later(3000) })()).toEqual([
      { type: 'UserImportJobStarted', data: { jobId: JOB, at: later(3000) } },
    ]);
    expect(when(given(created, uploaded, started), { type: 'StartJob', jobId: JOB, now: later(3000) })).toThrow('its status is Pending');
    expect(when(given(created, uploaded), { type: 'StartJob', jobId: JOB, now: later(86_400_000) })).toThrow('expired');
    expect(jobStatus(given(created).jobs.get(JOB)!, later(86_400_000), false)).toBe('Expired');
  });

  test('uploads are refused once started or past the URL expiry; an unknown job is not found', () => {
    expect(when(given(created, uploaded, started), { type: 'RecordUpload', jobId: JOB, bytes: 1, sha256: 'x', format: 'csv', now: later(5000) })).toThrow(
      'no longer accepting',
    );
    expect(when(given(created), { type: 'RecordUpload', jobId: JOB, bytes: 1, sha256: 'x', format: 'csv', now: later(86_400_000) })).toThrow();
    expect(when(given(), { type: 'StartJob', jobId: JOB, now: T0 })).toThrow('does not exist');
  });

  test('stop: only a started job, once; status Stopping, then Stopped when finished; a finished job is not finished again', () => {
    expect(when(given(created, uploaded), { type: 'StopJob', jobId: JOB, now: later(1) })).toThrow('cannot be stopped');
    const stop: ImportJobsEvent = { type: 'UserImportJobStopRequested', data: { jobId: JOB, at: later(3000) } };
    expect(when(given(created, uploaded, started), { type: 'StopJob', jobId: JOB, now: later(3000) })()).toEqual([stop]);
    expect(when(given(created, uploaded, started, stop), { type: 'StopJob', jobId: JOB, now: later(4000) })()).toEqual([]);
    expect(jobStatus(given(created, uploaded, started, stop).jobs.get(JOB)!, later(4000), true)).toBe('Stopping');
    const finish = { type: 'FinishJob', jobId: JOB, status: 'Stopped', message: 'm', imported: 500, skipped: 0, failed: 0, now: later(5000) } as const;
    const [finished] = when(given(created, uploaded, started, stop), finish)();
    const after = given(created, uploaded, started, stop, finished);
    expect(jobStatus(after.jobs.get(JOB)!, later(6000), true)).toBe('Stopped');
    expect(when(after, finish)()).toEqual([]);
  });

  test('Pending until rows are recorded, then InProgress', () => {
    const job = given(created, uploaded, started).jobs.get(JOB)!;
    expect(jobStatus(job, later(3000), false)).toBe('Pending');
    expect(jobStatus(job, later(3000), true)).toBe('InProgress');
  });
});
