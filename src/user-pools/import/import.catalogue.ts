import type { CatalogueEntry } from '../../events/catalogue-entry.js';
import type { PasswordRehashed, UserImported } from '../user.events.js';
import type {
  UserImportFileUploaded,
  UserImportJobCreated,
  UserImportJobFinished,
  UserImportJobStarted,
  UserImportJobStopRequested,
  UserImportRowsProcessed,
} from './import-job.events.js';

const AT = '2026-01-01T00:00:00.000Z';
const JOB = 'import-0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4';
const POOL = 'us-east-1_AbCdEfGhI';

/** Catalogue entries of the user import events (spread into EVENT_CATALOGUE). */
export const IMPORT_CATALOGUE: {
  UserImported: CatalogueEntry<UserImported>;
  PasswordRehashed: CatalogueEntry<PasswordRehashed>;
  UserImportJobCreated: CatalogueEntry<UserImportJobCreated>;
  UserImportFileUploaded: CatalogueEntry<UserImportFileUploaded>;
  UserImportJobStarted: CatalogueEntry<UserImportJobStarted>;
  UserImportJobStopRequested: CatalogueEntry<UserImportJobStopRequested>;
  UserImportJobFinished: CatalogueEntry<UserImportJobFinished>;
  UserImportRowsProcessed: CatalogueEntry<UserImportRowsProcessed>;
} = {
  UserImported: {
    stream: 'user-<poolId>-<sub>',
    description:
      'A user import job created the user from a row of its file: CONFIRMED with the password hash of the system it came from (replaced by argon2id at the first sign-in), RESET_REQUIRED without one.',
    secretFields: ['passwordHash'],
    example: {
      poolId: POOL,
      sub: '5b0c2f1e-8d7a-4c7e-9a55-0f3b2d1c4e6a',
      username: 'alice',
      attributes: { email: 'alice@example.com', email_verified: 'true' },
      passwordHash: '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
      jobId: JOB,
      importedAt: AT,
    },
  },
  PasswordRehashed: {
    stream: 'user-<poolId>-<sub>',
    description: 'A password sign-in proved an imported (or weaker) hash right; the same password is now kept as argon2id, with its SRP verifier.',
    secretFields: ['passwordHash', 'srp'],
    example: { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', srp: { salt: '0a1b', verifier: '9f8e' }, at: AT },
  },
  UserImportJobCreated: {
    stream: 'importjobs-<poolId>',
    description: 'CreateUserImportJob: a job waiting for its file at its pre-signed URL (which works until uploadExpiresAt).',
    secretFields: [],
    example: {
      poolId: POOL,
      jobId: JOB,
      jobName: 'migration',
      cloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CognitoImport',
      uploadExpiresAt: '2026-01-02T00:00:00.000Z',
      createdAt: AT,
    },
  },
  UserImportFileUploaded: {
    stream: 'importjobs-<poolId>',
    description: "The job's file arrived at its pre-signed URL (the bytes are kept outside the log, deleted when the job ends).",
    secretFields: [],
    example: { jobId: JOB, bytes: 52_431, sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', format: 'csv', at: AT },
  },
  UserImportJobStarted: {
    stream: 'importjobs-<poolId>',
    description: 'StartUserImportJob: the job is Pending until a worker records its first rows.',
    secretFields: [],
    example: { jobId: JOB, at: AT },
  },
  UserImportJobStopRequested: {
    stream: 'importjobs-<poolId>',
    description: 'StopUserImportJob: the job is Stopping until its worker ends the batch at hand.',
    secretFields: [],
    example: { jobId: JOB, at: AT },
  },
  UserImportJobFinished: {
    stream: 'importjobs-<poolId>',
    description: 'The job ended (Succeeded, Failed or Stopped) with its totals and completion message.',
    secretFields: [],
    example: { jobId: JOB, status: 'Succeeded', message: 'Import Job Completed Successfully.', imported: 998, skipped: 1, failed: 1, at: AT },
  },
  UserImportRowsProcessed: {
    stream: 'importjob-<jobId>',
    description:
      "A batch of the job's rows: the lines imported (as runs), those skipped or failed with why (line numbers only, no user data), and the running totals.",
    secretFields: [],
    example: {
      jobId: JOB,
      throughLine: 501,
      succeeded: [
        [2, 40],
        [42, 501],
      ],
      rejected: [{ line: 41, status: 'FAILED', message: 'Invalid email address format.' }],
      imported: 499,
      skipped: 0,
      failed: 1,
      at: AT,
    },
  },
};
