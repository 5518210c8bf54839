import { applyCheckpoints, LOG_CHECKPOINTS, setupCheckpoints } from '../../src/history/log-checkpoints.js';
import type { Projection } from '../projection.js';

/**
 * Checkpoints over the committed global order (src/history/log-checkpoints.ts): every event, in
 * the order every reader sees once it is final, folded into segments whose hashes chain. The
 * runner hands batches only from below the visibility horizon, so a checkpoint never covers a
 * place a late commit could still take.
 *
 * `drop` keeps the table: the checkpoints are evidence about the log, and a rebuild that
 * recomputed them from the log would erase exactly what they are there to catch. A replay skips
 * what is covered.
 */
export const logCheckpointsProjection: Projection = {
  name: LOG_CHECKPOINTS,
  version: 1,
  // It reads every event but seals on the poll: no append needs to wake it.
  wakesOn: new Set(),
  async setup(db) {
    await setupCheckpoints(db);
  },
  async drop() {
    // Never: see above.
  },
  async apply(tx, events) {
    await applyCheckpoints(tx, events);
  },
};
