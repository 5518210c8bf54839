/**
 * User import: 100,000 users from a Cognito-format CSV (no password hashes to check) through the
 * real app on PostgreSQL: CreateUserImportJob, the upload to its pre-signed URL, StartUserImportJob,
 * then DescribeUserImportJob until Succeeded (the worker also waits for the user directory to
 * have applied the last batch). Reference, same run and database: plain appends of the same
 * events (one UserImported per new user stream, with its username claim, 500 streams per
 * appendMany, then the same wait for the user directory) with no file, validation or progress events.
 *
 *   npm run build && DATABASE_URL=... node dist/bench/import.js
 */
import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  CreateUserImportJobCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  StartUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { withMetadata } from '../src/shared/command-handler.js';
import { systemContext } from '../src/shared/request-context.js';
import type { StreamWrite } from '../src/event-store/event-store.port.js';
import { userStream } from '../src/user-pools/user.events.js';
import { usernameScope } from '../src/user-pools/username.js';
import { USER_DIRECTORY } from '../src/shared/ports.js';
import { startBenchApp } from './support/cognito-app.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { markdownTable, num, ratio, sleep } from './support/stats.js';

const USERS = scaled(100_000);
const BATCH = 500;
const TARGET = 2_000;

export async function benchImport(): Promise<void> {
  const app = await startBenchApp('postgres');
  try {
    const machine = await machineInfo(process.env.DATABASE_URL);
    const admin = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'eu-west-1', credentials: app.admin, maxAttempts: 1 });
    const pool = (await admin.send(new CreateUserPoolCommand({ PoolName: 'bench-import', AutoVerifiedAttributes: ['email'] }))).UserPool!;
    const rows = Array.from({ length: USERS }, (_, i) => `user${i},false,user${i}@example.com,true,Given${i}`);
    const csv = ['cognito:username,cognito:mfa_enabled,email,email_verified,given_name', ...rows].join('\n');

    // 1. The import through the app.
    const job = (
      await admin.send(
        new CreateUserImportJobCommand({ UserPoolId: pool.Id, JobName: 'bench', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/Import' }),
      )
    ).UserImportJob!;
    const uploaded = await fetch(job.PreSignedUrl!, { method: 'PUT', body: csv });
    if (uploaded.status !== 200) throw new Error(`upload failed: ${uploaded.status}`);
    const t0 = performance.now();
    await admin.send(new StartUserImportJobCommand({ UserPoolId: pool.Id, JobId: job.JobId }));
    let done;
    for (;;) {
      done = (await admin.send(new DescribeUserImportJobCommand({ UserPoolId: pool.Id, JobId: job.JobId }))).UserImportJob!;
      if (['Succeeded', 'Failed', 'Stopped'].includes(done.Status!)) break;
      await sleep(50);
    }
    const importSeconds = (performance.now() - t0) / 1000;
    if (done.Status !== 'Succeeded' || done.ImportedUsers !== USERS) throw new Error(`import ended ${done.Status} with ${done.ImportedUsers} users`);

    // 2. The reference: the same events appended directly, in the same batches, in another pool.
    const store = app.platform.store;
    const poolId = `${pool.Id!.split('_')[0]}_ReferenceBench`;
    const context = systemContext('bench-import');
    const now = new Date();
    const t1 = performance.now();
    let last;
    for (let from = 0; from < USERS; from += BATCH) {
      const writes: StreamWrite[] = [];
      for (let i = from; i < Math.min(from + BATCH, USERS); i++) {
        const sub = randomUUID();
        const event = {
          type: 'UserImported',
          data: {
            poolId,
            sub,
            username: `user${i}`,
            attributes: { email: `user${i}@example.com`, email_verified: 'true', given_name: `Given${i}` },
            jobId: 'import-reference',
            importedAt: now.toISOString(),
          },
        };
        const unique = [{ scope: usernameScope(poolId), value: app.platform.secrets.uniqueValue(usernameScope(poolId), `user${i}`), change: 'claim' as const }];
        writes.push({ streamId: userStream(poolId, sub), events: withMetadata([event], context, now), options: { expectedRevision: 'no_stream', unique } });
      }
      last = (await store.appendMany(writes)).at(-1);
    }
    // As the job does before it records its end: the user directory has applied the last write.
    if (last && !(await app.platform.runner.waitFor(USER_DIRECTORY, last.position, 600_000))) throw new Error('the user directory did not catch up');
    const referenceSeconds = (performance.now() - t1) / 1000;

    const rate = USERS / importSeconds;
    const reference = USERS / referenceSeconds;
    writeSection(
      'import',
      `## User import (bench/import.ts)

${formatMachine(machine, 'node dist/bench/import.js')}
- ${num(USERS)} users in a Cognito-format CSV (no password hashes to check), one job through the real app on PostgreSQL: from StartUserImportJob to DescribeUserImportJob answering Succeeded (the worker reads the file as a stream, checks each row against the pool's schema, writes ${BATCH} users and the job's progress event per transaction, and waits for the user directory before it records the end).
- Reference, same run and database: the same UserImported events with their username claims, appended directly, ${BATCH} new streams per appendMany, until the user directory has applied the last of them.${scaleNote()}

${markdownTable(
  ['run', 'seconds', 'users/s', 'vs reference'],
  [
    ['import job', num(importSeconds, 1), num(rate), ratio(rate, reference)],
    ['reference: plain appends', num(referenceSeconds, 1), num(reference), '1.00×'],
  ],
)}

Target: at least ${num(TARGET)} users/s without hashes to verify: ${rate >= TARGET ? 'met' : 'not met'} on this machine.`,
    );
  } finally {
    await app.destroy();
  }
}

if (isMain(import.meta.url)) runAlone(benchImport);
