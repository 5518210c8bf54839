import type { GlobalPosition, RecordedEvent, SubscribeOptions, Subscription } from './event-store.port.js';

export interface PollSource {
  readAll(options: { after?: GlobalPosition; maxCount?: number }): Promise<RecordedEvent[]>;
  /** Registers a wake-up callback for new appends; resolves with an unregister function. */
  onAppend(wake: () => void): Promise<() => Promise<void>>;
}

/** Fallback poll for wake-ups that never come (a rolled-back transaction sends no NOTIFY). */
const IDLE_POLL_MS = 200;

/**
 * Catch-up-then-live subscription over any store that can read all events after a position
 * and signal new appends. The handler sees each event once, in global order.
 */
export function pollingSubscription(source: PollSource, options: SubscribeOptions): Subscription {
  const batchSize = options.batchSize ?? 500;
  let after = options.after;
  let stopped = false;
  let woken = false;
  let wake: (() => void) | undefined;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  const nudge = (): void => {
    woken = true;
    wake?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    const unregister = await source.onAppend(nudge);
    try {
      while (!stopped) {
        woken = false;
        const events = await source.readAll({ after, maxCount: batchSize });
        if (stopped) break;
        if (events.length > 0) {
          await options.handler(events);
          after = events[events.length - 1].position;
          continue;
        }
        markCaughtUp();
        if (!woken) await sleep(IDLE_POLL_MS);
      }
    } finally {
      await unregister();
    }
  })();

  loop.catch((error: unknown) => {
    stopped = true;
    markCaughtUp();
    if (options.onError) options.onError(error);
  });

  return {
    caughtUp,
    stop: async () => {
      stopped = true;
      wake?.();
      await loop.catch(() => undefined);
    },
  };
}
