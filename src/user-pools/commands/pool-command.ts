import type { Platform } from '../../platform/platform.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { userPoolDecider, type UserPoolCommand, type UserPoolState } from '../user-pool.decider.js';
import { userPoolStream } from '../user-pool.events.js';
import { type ActivePool, loadPool } from '../user-pool.repository.js';
import { waitForReadModels } from './consistency.js';

/**
 * Runs one command on an existing pool's stream: the pool must exist (ResourceNotFound
 * otherwise), the command is re-decided on the fresh state after a conflict, and the answer
 * waits for the read models (read-your-writes).
 */
export async function runPoolCommand(
  platform: Platform,
  poolId: string,
  command: (state: UserPoolState, pool: ActivePool) => UserPoolCommand,
  context: RequestContext,
): Promise<UserPoolState> {
  const pool = await loadPool(platform.store, poolId);
  const result = await handleCommand({
    store: platform.store,
    streamId: userPoolStream(pool.poolId),
    decider: userPoolDecider,
    context,
    now: new Date(),
    retries: 3,
    command: (state) => command(state, pool),
  });
  await waitForReadModels(platform, result.append?.position);
  return result.state;
}
