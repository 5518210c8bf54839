import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  CreateUserImportJobCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  GetCSVHeaderCommand,
  InitiateAuthCommand,
  ListUserImportJobsCommand,
  ListUsersCommand,
  StartUserImportJobCommand,
  StopUserImportJobCommand,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { userStream } from '../../src/user-pools/user.events.js';
import { FIXTURE_FORMATS, legacyHash } from '../import/hash-fixtures.js';
import { ADMIN, type RunningApp, startApp } from '../support/app.js';
import { rejection, sdkClient } from './support.js';

const ROLE = 'arn:aws:iam::123456789012:role/CognitoImportRole';

/**
 * Issue 12, point 1: user import jobs through the SDK, the file uploaded to the pre-signed URL
 * this service serves, the per-row results read with the CloudWatch Logs SDK; beyond Cognito,
 * password hashes of other systems that users then sign in with (and are re-hashed).
 */
describe('user import jobs', () => {
  let app: RunningApp;
  let admin: CognitoIdentityProviderClient;
  let logs: CloudWatchLogsClient;

  const failure = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    return { name: error.name as string, message: error.message as string };
  };

  async function pool(options: { autoVerified?: Array<'email' | 'phone_number'>; custom?: boolean } = {}) {
    const created = await admin.send(
      new CreateUserPoolCommand({
        PoolName: 'import',
        AutoVerifiedAttributes: options.autoVerified ?? ['email'],
        ...(options.custom ? { Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }] } : {}),
      }),
    );
    const poolId = created.UserPool!.Id!;
    const client = await admin.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    return { poolId, clientId: client.UserPoolClient!.ClientId! };
  }

  const upload = (url: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'PUT', headers: { 'content-type': 'text/csv', 'x-amz-server-side-encryption': 'aws:kms', ...headers }, body });

  async function createJob(poolId: string, name = 'migration') {
    return (await admin.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: name, CloudWatchLogsRoleArn: ROLE }))).UserImportJob!;
  }

  /** Polls DescribeUserImportJob (bounded) until the job has ended. */
  async function finished(poolId: string, jobId: string, timeoutMs = 120_000): Promise<UserImportJobType> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = (await admin.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: jobId }))).UserImportJob!;
      if (['Succeeded', 'Failed', 'Stopped'].includes(job.Status!)) return job;
      if (Date.now() > deadline) throw new Error(`import job still ${job.Status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function runJob(poolId: string, content: string) {
    const job = await createJob(poolId);
    expect((await upload(job.PreSignedUrl!, content)).status).toBe(200);
    const started = (await admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }))).UserImportJob!;
    expect(['Pending', 'InProgress', 'Succeeded']).toContain(started.Status);
    return finished(poolId, job.JobId!);
  }

  async function logLines(poolId: string, job: UserImportJobType): Promise<string[]> {
    const out: string[] = [];
    let nextToken: string | undefined;
    for (;;) {
      const page = await logs.send(
        new GetLogEventsCommand({
          logGroupName: `/aws/cognito/userpools/${poolId}/import`,
          logStreamName: `${job.JobId}/${job.JobName}`,
          startFromHead: true,
          nextToken,
          limit: 400,
        }),
      );
      out.push(...page.events!.map((e) => e.message!));
      if (page.events!.length === 0) return out;
      nextToken = page.nextForwardToken;
    }
  }

  const signIn = (clientId: string, username: string, password: string) =>
    admin.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));

  beforeAll(async () => {
    app = await startApp('pglite');
    admin = sdkClient(app.url);
    logs = new CloudWatchLogsClient({
      endpoint: app.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: ADMIN.id, secretAccessKey: ADMIN.secret },
      maxAttempts: 1,
    });
  });
  afterAll(async () => app.destroy());

  test("GetCSVHeader lists the pool's attributes, its custom ones, then cognito:mfa_enabled and cognito:username", async () => {
    const { poolId } = await pool({ custom: true });
    const { CSVHeader, UserPoolId } = await admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }));
    expect(UserPoolId).toBe(poolId);
    expect(CSVHeader).toEqual([
      'name',
      'given_name',
      'family_name',
      'middle_name',
      'nickname',
      'preferred_username',
      'profile',
      'picture',
      'website',
      'email',
      'email_verified',
      'gender',
      'birthdate',
      'zoneinfo',
      'locale',
      'phone_number',
      'phone_number_verified',
      'address',
      'updated_at',
      'custom:tier',
      'cognito:mfa_enabled',
      'cognito:username',
    ]);
    expect(await failure(admin.send(new GetCSVHeaderCommand({ UserPoolId: 'eu-west-1_nothere' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('1,000 users with bcrypt, scrypt, PBKDF2 and argon2 hashes: malformed rows are reported, the rest imports, each kind signs in and is re-hashed', async () => {
    const { poolId, clientId } = await pool();
    const users = Array.from({ length: 1000 }, (_, i) => ({
      name: `legacy${i}`,
      password: `Old-Pass-${i}!`,
      format: FIXTURE_FORMATS[i % FIXTURE_FORMATS.length],
    }));
    const hashes = await Promise.all(users.map((u) => legacyHash(u.format, u.password)));
    const rows = users.map((u, i) => `${u.name},false,${u.name}@example.com,true,"${hashes[i]}"`);
    // Line 2 is the first user; the malformed rows sit in between and are reported by line.
    rows.splice(500, 0, 'broken,false,not-an-email,true,"$2b$04$abcdefghijklmnopqrstuv"');
    rows.splice(700, 0, 'short-row,false');
    rows.splice(800, 0, 'unknownhash,false,u@example.com,true,md5$abc$def');
    const csv = ['cognito:username,cognito:mfa_enabled,email,email_verified,password_hash', ...rows].join('\n') + '\n';

    const job = await runJob(poolId, csv);
    expect(job).toMatchObject({
      Status: 'Succeeded',
      ImportedUsers: 1000,
      SkippedUsers: 0,
      FailedUsers: 3,
      CompletionMessage: 'Import Job Completed Successfully.',
    });

    // The per-row log, as Cognito writes it to CloudWatch: one line per row, by line number.
    const lines = await logLines(poolId, job);
    expect(lines).toHaveLength(1003);
    expect(lines[0]).toBe('[SUCCEEDED] Line Number 2 - The import succeeded.');
    expect(lines[500]).toBe('[FAILED] Line Number 502 - Invalid email address format.');
    expect(lines[700]).toBe('[FAILED] Line Number 702 - The row has 2 values; the header has 5 columns.');
    expect(lines[800]).toBe('[FAILED] Line Number 802 - The password hash is not in a supported format (bcrypt, scrypt, PBKDF2 or argon2).');

    const listed = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 60 }));
    expect(listed.Users!.every((u) => u.UserStatus === 'CONFIRMED')).toBe(true);

    // A sample of each kind signs in with its old password; the stored hash becomes argon2id.
    const sample = FIXTURE_FORMATS.map((format) => users.find((u) => u.format === format)!);
    for (const user of sample) {
      expect(await failure(signIn(clientId, user.name, 'Not-The-Password-1'))).toMatchObject({ name: 'NotAuthorizedException' });
      const result = await signIn(clientId, user.name, user.password);
      expect(result.AuthenticationResult?.AccessToken).toBeDefined();
      const sub = (await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: user.name }))).UserAttributes!.find(
        (a) => a.Name === 'sub',
      )!.Value!;
      const events = await app.platform.store.readStream(userStream(poolId, sub));
      expect(events.map((e) => e.type)).toEqual(['UserImported', 'PasswordRehashed']);
      expect((events[1].data as { passwordHash: string }).passwordHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      // The second sign-in verifies the new hash and writes nothing more to the user's stream.
      expect((await signIn(clientId, user.name, user.password)).AuthenticationResult?.AccessToken).toBeDefined();
      expect(await app.platform.store.readStream(userStream(poolId, sub))).toHaveLength(2);
    }
  }, 180_000);

  test("Cognito's CSV without hashes: users are RESET_REQUIRED, an existing user is skipped, a row without a verified contact fails", async () => {
    const { poolId, clientId } = await pool();
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'taken', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-Pass-123!' }));
    const { CSVHeader } = await admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }));
    const row = (values: Record<string, string>) => CSVHeader!.map((c) => values[c] ?? '').join(',');
    const csv = [
      CSVHeader!.join(','),
      row({ 'cognito:username': 'carol', 'cognito:mfa_enabled': 'false', email: 'carol@example.com', email_verified: 'true', given_name: 'Carol' }),
      row({ 'cognito:username': 'taken', 'cognito:mfa_enabled': 'false', email: 'taken@example.com', email_verified: 'true' }),
      row({ 'cognito:username': 'dave', 'cognito:mfa_enabled': 'false', email: 'dave@example.com', email_verified: 'false' }),
      row({ 'cognito:username': 'erin', 'cognito:mfa_enabled': 'FALSE', email: 'erin@example.com', email_verified: 'TRUE', phone_number: '+15555550100' }),
    ].join('\r\n');
    const job = await runJob(poolId, csv);
    expect(job).toMatchObject({ Status: 'Succeeded', ImportedUsers: 2, SkippedUsers: 1, FailedUsers: 1 });
    expect(await logLines(poolId, job)).toEqual([
      '[SUCCEEDED] Line Number 2 - The import succeeded.',
      '[SKIPPED] Line Number 3 - The user already exists.',
      '[FAILED] Line Number 4 - The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true).',
      '[SUCCEEDED] Line Number 5 - The import succeeded.',
    ]);
    const carol = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }));
    expect(carol.UserStatus).toBe('RESET_REQUIRED');
    expect(carol.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'given_name', Value: 'Carol' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    );
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'erin' }))).UserStatus).toBe('RESET_REQUIRED');
    // No password was imported: any guess gets Cognito's answer for a reset-required user.
    expect(await failure(signIn(clientId, 'carol', 'Whatever-123!'))).toEqual({
      name: 'PasswordResetRequiredException',
      message: 'Password reset required for the user',
    });
    // The user that existed is untouched.
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'taken' }))).UserStatus).toBe('FORCE_CHANGE_PASSWORD');
  });

  test('a JSON-lines file imports the same way, with hashes', async () => {
    const { poolId, clientId } = await pool();
    const hash = await legacyHash('django-pbkdf2', 'Json-Pass-1!');
    const file = [
      JSON.stringify({ 'cognito:username': 'jo', 'cognito:mfa_enabled': false, email: 'jo@example.com', email_verified: true, password_hash: hash }),
      'not json',
      JSON.stringify({ 'cognito:username': 'kim', 'cognito:mfa_enabled': false, email: 'kim@example.com', email_verified: true }),
    ].join('\n');
    const job = await runJob(poolId, file);
    expect(job).toMatchObject({ Status: 'Succeeded', ImportedUsers: 2, FailedUsers: 1 });
    expect((await logLines(poolId, job))[1]).toBe('[FAILED] Line Number 2 - The line is not a JSON object.');
    expect((await signIn(clientId, 'jo', 'Json-Pass-1!')).AuthenticationResult).toBeDefined();
  });

  test("the job's lifecycle and its errors: upload URL, start, stop, describe, list", async () => {
    const { poolId } = await pool();
    const job = await createJob(poolId, 'lifecycle');
    expect(job).toMatchObject({
      Status: 'Created',
      UserPoolId: poolId,
      JobName: 'lifecycle',
      CloudWatchLogsRoleArn: ROLE,
      ImportedUsers: 0,
      SkippedUsers: 0,
      FailedUsers: 0,
    });
    expect(job.JobId).toMatch(/^import-[0-9a-zA-Z-]+$/);
    expect(job.CreationDate).toBeInstanceOf(Date);

    // Not started without a file; not stoppable before it starts.
    expect(await failure(admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId })))).toEqual({
      name: 'PreconditionNotMetException',
      message: 'No user import file has been uploaded to the pre-signed URL of this job.',
    });
    expect(await failure(admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId })))).toMatchObject({
      name: 'PreconditionNotMetException',
    });

    // The URL is this job's: a changed signature or job is refused, as S3 refuses it.
    const url = new URL(job.PreSignedUrl!);
    const forged = new URL(url);
    forged.searchParams.set('signature', 'x'.repeat(43));
    const refused = await upload(forged.toString(), 'a');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');
    const otherJob = await createJob(poolId, 'other');
    expect((await upload(job.PreSignedUrl!.replace(job.JobId!, otherJob.JobId!), 'a')).status).toBe(403);
    expect((await upload(job.PreSignedUrl!, '')).status).toBe(400);

    // Uploaded (twice: the last file counts), started, then no more uploads.
    expect((await upload(job.PreSignedUrl!, 'cognito:username,cognito:mfa_enabled\nnobody,false\n')).status).toBe(200);
    expect((await upload(job.PreSignedUrl!, 'cognito:username,cognito:mfa_enabled,email,email_verified\nzed,false,zed@example.com,true\n')).status).toBe(200);
    await admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }));
    expect((await upload(job.PreSignedUrl!, 'late')).status).toBe(412);
    expect(await failure(admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId })))).toMatchObject({
      name: 'PreconditionNotMetException',
    });
    const done = await finished(poolId, job.JobId!);
    expect(done).toMatchObject({ Status: 'Succeeded', ImportedUsers: 1 });
    expect(done.StartDate).toBeInstanceOf(Date);
    expect(done.CompletionDate).toBeInstanceOf(Date);
    expect(await failure(admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId })))).toMatchObject({
      name: 'PreconditionNotMetException',
    });

    expect(await failure(admin.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: 'import-nothere' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Import job import-nothere does not exist.',
    });
    // Newest first, MaxResults per page.
    const first = await admin.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 1 }));
    expect(first.UserImportJobs!.map((j) => j.JobId)).toEqual([otherJob.JobId]);
    const second = await admin.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 1, PaginationToken: first.PaginationToken }));
    expect(second.UserImportJobs!.map((j) => [j.JobId, j.Status])).toEqual([[job.JobId, 'Succeeded']]);
    expect(second.PaginationToken).toBeUndefined();
    expect(await failure(admin.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 61 })))).toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  test('a CSV header the pool cannot read fails the job; a pool without auto-verified attributes does not start a file without hashes', async () => {
    const { poolId } = await pool();
    const bad = await runJob(poolId, 'cognito:username,cognito:mfa_enabled,shoe_size\nann,false,42\n');
    expect(bad).toMatchObject({
      Status: 'Failed',
      ImportedUsers: 0,
      CompletionMessage: 'The CSV header names attributes the user pool does not have: shoe_size',
    });

    const unverified = await pool({ autoVerified: [] });
    const job = await createJob(unverified.poolId);
    await upload(job.PreSignedUrl!, 'cognito:username,cognito:mfa_enabled,email,email_verified\nbo,false,bo@example.com,true\n');
    expect(await failure(admin.send(new StartUserImportJobCommand({ UserPoolId: unverified.poolId, JobId: job.JobId })))).toMatchObject({
      name: 'PreconditionNotMetException',
    });
  });

  test('a job stopped while it runs ends Stopped with the users of the batches it wrote', async () => {
    const { poolId } = await pool();
    const rows = Array.from({ length: 20_000 }, (_, i) => `bulk${i},false,bulk${i}@example.com,true`);
    const job = await createJob(poolId);
    await upload(job.PreSignedUrl!, ['cognito:username,cognito:mfa_enabled,email,email_verified', ...rows].join('\n'));
    await admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }));
    const stopping = (await admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId }))).UserImportJob!;
    expect(stopping.Status).toBe('Stopping');
    const stopped = await finished(poolId, job.JobId!);
    expect(stopped).toMatchObject({ Status: 'Stopped', CompletionMessage: 'The user import job was stopped.' });
    expect(stopped.ImportedUsers).toBeLessThan(20_000);
    expect(stopped.ImportedUsers! % 500).toBe(0);
  }, 120_000);
});
