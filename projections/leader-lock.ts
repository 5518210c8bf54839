import { createHash } from 'node:crypto';
import type { AdvisoryLock, SqlDatabase } from '../src/db/sql.js';

/** A stable 63-bit advisory-lock key for a role name ("projections", "kafka-forwarder"). */
export function lockKey(role: string): bigint {
  return BigInt.asIntN(64, createHash('sha256').update(`cairn:${role}`).digest().readBigInt64BE(0));
}

export interface Leadership {
  /** Resolves when this process became leader. */
  readonly acquired: Promise<AdvisoryLock>;
  stop(): Promise<void>;
}

/**
 * Single-active failover: keep trying to take the role's advisory lock; the session that
 * holds it is the leader, and the lock vanishes with its connection when the process dies.
 */
export function campaign(db: SqlDatabase, role: string, retryMs = 500): Leadership {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let held: AdvisoryLock | undefined;
  const acquired = new Promise<AdvisoryLock>((resolve, reject) => {
    const attempt = async () => {
      if (stopped) return;
      try {
        const lock = await db.tryAdvisoryLock(lockKey(role));
        if (stopped) {
          await lock?.release();
          return;
        }
        if (lock) {
          held = lock;
          resolve(lock);
          return;
        }
      } catch (error) {
        if (stopped) return reject(error);
      }
      timer = setTimeout(() => void attempt(), retryMs);
    };
    void attempt();
  });
  acquired.catch(() => undefined);
  return {
    acquired,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await held?.release();
    },
  };
}
