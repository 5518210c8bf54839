import type { SqlExecutor } from '../src/db/sql.js';
import type { RecordedEvent } from '../src/event-store/event-store.port.js';

/**
 * A read-model builder. The runner calls `apply` with batches in global order, inside the
 * transaction that also moves the projection's checkpoint; `apply` must be idempotent
 * (upserts keyed by ids from the events), so a replay leaves the same rows.
 */
export interface Projection {
  /** Stable name; also the checkpoint name. */
  readonly name: string;
  /** Bump when the table shape or the meaning of rows changes: the runner then rebuilds. */
  readonly version: number;
  /**
   * The event types `apply` reads. Batches without any of them write nothing (the checkpoint
   * catches up a little later); omit to receive every event.
   */
  readonly handles?: ReadonlySet<string>;
  /**
   * The types whose appends must wake the projection at once (a NOTIFY; default: `handles`, or
   * every event when that is omitted too). Types left out reach it on the runner's 200 ms poll:
   * for read models whose readers can wait that long, so the appends only they read (a sign-in's
   * refresh token) cost no notification.
   */
  readonly wakesOn?: ReadonlySet<string>;
  /** Creates the read-model tables (idempotent). */
  setup(db: SqlExecutor): Promise<void>;
  /** Drops the read-model tables (before a rebuild). */
  drop(db: SqlExecutor): Promise<void>;
  apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
}
