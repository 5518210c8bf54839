import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '../event-store/event-store.port.js';
import { handleCommand } from '../shared/command-handler.js';
import { CLOCK, READ_MODELS, type ReadModels, STORE, USER_DIRECTORY } from '../shared/ports.js';
import type { Clock } from '../shared/clock.js';
import type { RequestContext } from '../shared/request-context.js';
import { userPoolDecider, type UserPoolCommand, type UserPoolState } from './user-pool.decider.js';
import { userPoolStream } from './user-pool.events.js';
import { type ActivePool, loadPool, loadPoolRevision } from './user-pool.repository.js';

export type { ActivePool };

/** User pools from their own streams (always current), and the runner of pool commands. */
@Injectable()
export class Pools {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  /** An existing pool, or ResourceNotFoundException. */
  load(poolId: string): Promise<ActivePool> {
    return loadPool(this.store, poolId);
  }

  /** An existing pool with its stream's last revision (REST's ETag), from one read. */
  loadWithRevision(poolId: string): Promise<{ pool: ActivePool; revision: bigint }> {
    return loadPoolRevision(this.store, poolId);
  }

  /**
   * Runs one command on an existing pool's stream: the pool must exist, the command is built
   * and decided again on the fresh state after a conflict, and the answer waits for the read
   * models (read-your-writes).
   */
  async run(
    poolId: string,
    command: (state: UserPoolState, pool: ActivePool, now: string) => UserPoolCommand,
    context: RequestContext,
    /** A conditional write: decided only while the pool's stream is at `expectedRevision`, else PreconditionFailed (412). */
    options: { expectedRevision?: bigint } = {},
  ): Promise<UserPoolState> {
    const pool = await this.load(poolId);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: userPoolStream(pool.poolId),
      decider: userPoolDecider,
      context,
      now,
      retries: 3,
      command: (state) => command(state, pool, now.toISOString()),
      expectedRevision: options.expectedRevision,
    });
    await this.readModels.waitFor(USER_DIRECTORY, result.append?.position);
    return result.state;
  }
}
