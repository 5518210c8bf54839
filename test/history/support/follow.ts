import type { Platform } from '../../../src/platform/platform.js';
import { PROJECTIONS } from '../../../src/platform/platform.js';

/**
 * Waits until every projection of the platform's runner (the history ones among them) has
 * applied everything appended so far.
 */
export async function caughtUp(platform: Platform, timeoutMs = 20_000): Promise<void> {
  const head = await platform.store.headPosition();
  if (!head) return;
  for (const p of PROJECTIONS) {
    if (!(await platform.runner.waitFor(p.name, head, timeoutMs))) throw new Error(`projection ${p.name} did not catch up`);
  }
}
