import type { SqlDatabase } from '../../../src/db/sql.js';
import type { EventStore, GlobalPosition, Subscription } from '../../../src/event-store/event-store.port.js';
import { comparePositions } from '../../../src/event-store/positions.js';
import type { ReadModels } from '../../../src/shared/ports.js';
import type { Projection } from '../../../projections/projection.js';
import { historyAsOfProjection } from '../../../projections/history/as-of.projection.js';
import { logCheckpointsProjection } from '../../../projections/history/log-checkpoints.projection.js';
import { advanceCheckpoint, CHECKPOINT_SCHEMA, resetCheckpoint } from '../../../projections/checkpoints.js';

export const HISTORY_PROJECTIONS = [historyAsOfProjection, logCheckpointsProjection];

/**
 * Runs the history projections over a store until stopped, the way the platform's runner will
 * once they are in its list (its leader lock is held by the app's own runner, so a second
 * runner would only stand by). Each batch is applied in one transaction; `readModels.waitFor`
 * resolves once a position is applied, as the platform's does.
 */
export async function followProjections(store: EventStore, db: SqlDatabase, projections: readonly Projection[] = HISTORY_PROJECTIONS) {
  await db.exec(CHECKPOINT_SCHEMA);
  for (const p of projections) await db.transaction(async (tx) => (await p.setup(tx), await resetCheckpoint(tx, p.name, p.version)));
  let applied: GlobalPosition | undefined;
  const waiters = new Set<() => void>();
  let failure: unknown;
  const subscription: Subscription = store.subscribeToAll({
    handler: async (events) => {
      const next = events[events.length - 1].position;
      await db.transaction(async (tx) => {
        // Checkpoints too, as the runner keeps them: other processes (the CLI) wait on those.
        for (const p of projections) await advanceCheckpoint(tx, p.name, applied, next);
        for (const p of projections) {
          const relevant = p.handles ? events.filter((e) => p.handles!.has(e.type)) : events;
          if (relevant.length > 0) await p.apply(tx, relevant);
        }
      });
      applied = next;
      for (const w of waiters) w();
    },
    onError: (error) => {
      failure = error;
      for (const w of waiters) w();
    },
  });
  const reached = (p: GlobalPosition) => applied !== undefined && comparePositions(applied, p) >= 0;
  const readModels: ReadModels = {
    waitFor: (_name, position) =>
      new Promise<void>((resolve, reject) => {
        if (!position || reached(position)) return resolve();
        const check = () => {
          if (failure) reject(failure);
          else if (reached(position)) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
      }),
  };
  return {
    readModels,
    /** Waits until everything appended so far is applied. */
    caughtUp: async () => readModels.waitFor('all', await store.headPosition()),
    stop: () => subscription.stop(),
  };
}
