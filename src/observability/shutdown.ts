import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Requests the HTTP server is answering now, counted on the raw server (below Fastify and
 * Nest), so a shutdown knows when the last one is done. Attach before the server listens, and
 * after anything that replaces the server's request listeners (traceRequests).
 */
export class InFlightRequests {
  private count = 0;
  private waiters: (() => void)[] = [];

  constructor(server: Server) {
    server.on('request', (_req, res) => {
      this.count++;
      res.once('close', () => {
        this.count--;
        if (this.count === 0) this.waiters.splice(0).forEach((wake) => wake());
      });
    });
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface DrainResult {
  /** Every in-flight request finished within the bound. */
  drained: boolean;
  /** Requests cut off at the bound. */
  abandoned: number;
}

/**
 * Stops accepting connections at once, lets the requests in flight finish (at most `boundMs`),
 * then closes what is left: idle keep-alive connections (which would otherwise hold the close
 * for the keep-alive timeout) and, past the bound, the stragglers. `close` is the framework's
 * own close (Fastify's: it also answers 503 to requests arriving on open connections).
 */
export async function drainHttp(server: Server, inFlight: InFlightRequests, close: () => Promise<void>, boundMs: number): Promise<DrainResult> {
  const timer = new AbortController();
  const closing = close();
  // Node's close() stops the listener synchronously; the framework's may wait for hooks first.
  if (server.listening) server.close(() => undefined);
  const drained = await Promise.race([inFlight.idle().then(() => true), delay(boundMs, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  const abandoned = inFlight.size;
  server.closeAllConnections();
  await closing;
  return { drained, abandoned };
}
