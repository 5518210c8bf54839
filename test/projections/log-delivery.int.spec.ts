import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../../projections/checkpoints.js';
import { LOG_DELIVERY, LogDeliveryWorker } from '../../projections/log-delivery/log-delivery.worker.js';
import { PgDatabase } from '../../src/db/pg-database.js';
import { SqlEventStore } from '../../src/event-store/sql-event-store.js';
import { testEvent } from '../support/events.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/wait.js';

const TEST_MS = 60_000;
const POOL = 'eu-west-1_Delivered';
const OTHER = 'eu-west-1_Unconfigured';
const GROUP = 'auth-events';

interface Posted {
  logGroupName: string;
  logStreamName: string;
  logEvents: Array<{ timestamp: number; message: string }>;
}

/**
 * The log delivery worker as the projections process runs it (projections/main.ts), on real
 * PostgreSQL: single-active across processes, a failing destination retried without moving the
 * checkpoint, and a standby that takes over from the checkpoint when the leader stops.
 */
describe('log delivery worker (real PostgreSQL)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  let receiver: Server;
  let url: string;
  let dir: string;
  const posted: Posted[] = [];
  let failuresLeft = 2;
  let attempts = 0;

  beforeAll(async () => {
    const fresh = await freshDatabase('logdel');
    url = fresh.url;
    cleanups.push(fresh.drop);
    dir = await mkdtemp(join(tmpdir(), 'cairn-log-delivery-int-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        attempts++;
        if (failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(503).end();
          return;
        }
        posted.push(JSON.parse(body) as Posted);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => receiver.close(() => resolve())));
  }, TEST_MS);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }, TEST_MS);

  /** One projections process: its own pool, store and worker. */
  async function processWithWorker() {
    const db = new PgDatabase({ connectionString: url, max: 4 });
    const store = await SqlEventStore.open(db);
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/logs`;
    const worker = new LogDeliveryWorker(store, db, quiet, { dir, webhooks: { [GROUP]: webhook } });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await worker.stop();
      await store.close(); // and its database
    };
    cleanups.push(stop);
    return { store, db, worker, stop };
  }

  const signIn = (poolId: string, sub: string) =>
    testEvent('SignInSucceeded', { poolId, sub, clientId: 'client1', flow: 'USER_PASSWORD_AUTH', at: new Date().toISOString() });
  const records = () => posted.flatMap((p) => p.logEvents.map((e) => JSON.parse(e.message) as { userSub: string; eventId: string }));

  test(
    'one of two workers delivers; a failing webhook is retried; the standby resumes from the checkpoint',
    async () => {
      const a = await processWithWorker();
      const b = await processWithWorker();
      await a.store.append(
        `logdelivery-${POOL}`,
        [
          testEvent('LogDeliveryConfigurationSet', {
            poolId: POOL,
            configurations: [
              { logLevel: 'INFO', eventSource: 'userAuthEvents', cloudWatchLogGroupArn: `arn:aws:logs:eu-west-1:123456789012:log-group:${GROUP}` },
            ],
            at: new Date().toISOString(),
          }),
        ],
        { expectedRevision: 'no_stream' },
      );
      for (const sub of ['s1', 's2', 's3']) await a.store.append(`authlog-${POOL}-${sub}`, [signIn(POOL, sub)], { expectedRevision: 'any' });
      await a.store.append(`authlog-${OTHER}-x`, [signIn(OTHER, 'x')], { expectedRevision: 'any' });
      a.worker.start();
      b.worker.start();

      // Received, and the answer back at the worker (it counts a batch once the webhook answered).
      await eventually(() => records().length >= 3 && a.worker.delivered + b.worker.delivered >= 3, 20_000, 'the first three records');
      // Two refusals, then the same batch again: nothing lost, nothing twice.
      expect(attempts - posted.length).toBe(2);
      expect(records().map((r) => r.userSub)).toEqual(['s1', 's2', 's3']);
      expect(posted.every((p) => p.logGroupName === GROUP && p.logStreamName === POOL)).toBe(true);
      const leader = a.worker.delivered > 0 ? a : b;
      const standby = leader === a ? b : a;
      expect([leader.worker.delivered, standby.worker.delivered]).toEqual([3, 0]);
      const checkpoint = await eventually(() => readCheckpoint(a.db, LOG_DELIVERY), 5_000, 'the checkpoint');
      expect(checkpoint.position).toBeDefined();

      await leader.stop();
      for (const sub of ['s4', 's5']) await standby.store.append(`authlog-${POOL}-${sub}`, [signIn(POOL, sub)], { expectedRevision: 'any' });
      await eventually(() => records().length >= 5 && standby.worker.delivered >= 2, 20_000, 'the records after the hand-over');
      expect(records().map((r) => r.userSub)).toEqual(['s1', 's2', 's3', 's4', 's5']);
      expect(new Set(records().map((r) => r.eventId)).size).toBe(5);
      expect(standby.worker.delivered).toBe(2);
    },
    TEST_MS,
  );
});
