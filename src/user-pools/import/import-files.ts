import { Inject, Injectable } from '@nestjs/common';
import { type SqlDatabase, sqlErrorCode } from '../../db/sql.js';
import { READ_DB } from '../../shared/ports.js';

/** The uploaded files, by job: this service's stand-in for the S3 object behind Cognito's pre-signed URL. */
const FILES = 'import_files_v1';
/** Jobs started and not yet finished, with the lease of the process working on each. */
const WORK = 'import_work_v1';
/** unique_violation / duplicate_table: a concurrent CREATE TABLE IF NOT EXISTS won. */
const CREATED_CONCURRENTLY = new Set(['23505', '42P07']);

/** How long a worker holds a job without renewing its lease (a process that died gives the job up after this). */
export const LEASE_SECONDS = 30;

/**
 * Operational state of the import jobs, not a read model: the uploaded bytes (which the log
 * only records the size and digest of) and the queue of started jobs with their leases, so that
 * any instance picks up a job whose worker died. Neither is rebuilt from the log; both are
 * created on first use. A lease only keeps two workers from doing the same work twice: what a
 * batch writes is guarded by the job stream's expected revision.
 */
@Injectable()
export class ImportFiles {
  private ready: Promise<void> | undefined;

  constructor(@Inject(READ_DB) private readonly db: SqlDatabase) {}

  private ensure(): Promise<void> {
    // Another instance may create them at the same moment: its CREATE wins, ours finds them.
    const create = (sql: string) =>
      this.db.query(sql).catch((error: unknown) => {
        if (!CREATED_CONCURRENTLY.has(sqlErrorCode(error) ?? '')) throw error;
      });
    this.ready ??= (async () => {
      await create(`CREATE TABLE IF NOT EXISTS ${FILES} (
        job_id text PRIMARY KEY, pool_id text NOT NULL, content bytea NOT NULL, sha256 text NOT NULL, uploaded_at timestamptz NOT NULL)`);
      await create(`CREATE TABLE IF NOT EXISTS ${WORK} (
        job_id text PRIMARY KEY, pool_id text NOT NULL, queued_at timestamptz NOT NULL DEFAULT now(), lease_owner text, lease_until timestamptz)`);
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** Keeps (or replaces) a job's file. */
  async store(poolId: string, jobId: string, content: Buffer, sha256: string, at: Date): Promise<void> {
    await this.ensure();
    await this.db.query(
      `INSERT INTO ${FILES} (job_id, pool_id, content, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (job_id) DO UPDATE SET content = EXCLUDED.content, sha256 = EXCLUDED.sha256, uploaded_at = EXCLUDED.uploaded_at`,
      [jobId, poolId, content, sha256, at.toISOString()],
    );
  }

  async read(jobId: string): Promise<{ content: Buffer; sha256: string } | undefined> {
    await this.ensure();
    const r = await this.db.query<{ content: Uint8Array; sha256: string }>(`SELECT content, sha256 FROM ${FILES} WHERE job_id = $1`, [jobId]);
    const row = r.rows[0];
    return row ? { content: Buffer.from(row.content), sha256: row.sha256 } : undefined;
  }

  /** Queues a job before its start is recorded: a queued job whose start never got recorded is dropped by the worker. */
  async enqueue(poolId: string, jobId: string): Promise<void> {
    await this.ensure();
    await this.db.query(`INSERT INTO ${WORK} (job_id, pool_id) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING`, [jobId, poolId]);
  }

  /** Takes the oldest job no live worker holds (or renews `owner`'s lease on it). */
  async claim(owner: string): Promise<{ jobId: string; poolId: string; queuedAt: string } | undefined> {
    await this.ensure();
    const r = await this.db.query<{ job_id: string; pool_id: string; queued_at: string }>(
      `UPDATE ${WORK} SET lease_owner = $1, lease_until = now() + make_interval(secs => $2)
        WHERE job_id = (SELECT job_id FROM ${WORK} WHERE lease_until IS NULL OR lease_until < now() OR lease_owner = $1
                         ORDER BY queued_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING job_id, pool_id, to_json(queued_at) #>> '{}' AS queued_at`,
      [owner, LEASE_SECONDS],
    );
    const row = r.rows[0];
    return row ? { jobId: row.job_id, poolId: row.pool_id, queuedAt: row.queued_at } : undefined;
  }

  /** Renews a lease; false when another worker took the job meanwhile. */
  async renew(owner: string, jobId: string): Promise<boolean> {
    const r = await this.db.query(`UPDATE ${WORK} SET lease_until = now() + make_interval(secs => $3) WHERE job_id = $1 AND lease_owner = $2`, [
      jobId,
      owner,
      LEASE_SECONDS,
    ]);
    return r.rowCount > 0;
  }

  /** A finished (or abandoned) job leaves the queue and its file is deleted. */
  async finish(jobId: string): Promise<void> {
    await this.ensure();
    await this.db.query(`DELETE FROM ${WORK} WHERE job_id = $1`, [jobId]);
    await this.db.query(`DELETE FROM ${FILES} WHERE job_id = $1`, [jobId]);
  }

  /** Files of jobs never started, past their expiry (Cognito deletes an expired job's data). */
  async deleteExpired(olderThan: Date): Promise<void> {
    await this.ensure();
    await this.db.query(`DELETE FROM ${FILES} f WHERE uploaded_at < $1 AND NOT EXISTS (SELECT 1 FROM ${WORK} w WHERE w.job_id = f.job_id)`, [
      olderThan.toISOString(),
    ]);
  }
}
