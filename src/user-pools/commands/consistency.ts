import type { GlobalPosition } from '../../event-store/event-store.port.js';
import type { Platform } from '../../platform/platform.js';

/**
 * Read-your-writes: before a write answers, wait (bounded) until the read models have
 * applied it, so the caller's next read sees it. A timeout is logged, not failed: the
 * write itself is durable.
 */
export async function waitForReadModels(platform: Platform, position: GlobalPosition | undefined): Promise<void> {
  if (!position || platform.config.CONSISTENCY_TIMEOUT_MS === 0) return;
  const ok = await platform.runner.waitFor('user_directory', position, platform.config.CONSISTENCY_TIMEOUT_MS);
  if (!ok) platform.logger.warn({ position: `${position.commit}/${position.prepare}` }, 'read models lag behind a write');
}
