import type { GlobalPosition, RecordedEvent, SubscribeOptions, Subscription } from './event-store.port.js';

export interface PollSource {
  readAll(options: { after?: GlobalPosition; maxCount?: number }): Promise<RecordedEvent[]>;
  /**
   * Registers a wake-up callback for new appends (with the event types they wrote, when the
   * store knows them); resolves with an unregister function.
   */
  onAppend(wake: (types?: readonly string[]) => void): Promise<() => Promise<void>>;
}

/**
 * Fallback poll for wake-ups that never come (a rolled-back transaction sends no NOTIFY, a
 * transaction older than the snapshot horizon hides later ones) and for appends of types the
 * subscriber said it does not act on.
 */
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

  const interesting = options.eventTypes;
  const nudge = (types?: readonly string[]): void => {
    // Appends of only other types wait for the idle poll: they move the position, nothing else.
    if (interesting && types && types.length > 0 && !types.some((t) => interesting.has(t))) return;
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
          // A full batch: more are waiting. A short one reached the head: read again only
          // when woken (saves an empty read per wake-up).
          if (events.length >= batchSize || woken) continue;
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
