/**
 * The process's place in its life, shared by main.ts (which starts the shutdown) and the
 * readiness probe (which turns 503 at once, so load balancers stop sending new requests while
 * the in-flight ones drain).
 */
export class Lifecycle {
  private since: number | undefined;

  beginShutdown(): void {
    this.since ??= Date.now();
  }

  get shuttingDown(): boolean {
    return this.since !== undefined;
  }

  /** Milliseconds since the shutdown began; undefined while serving. */
  get shuttingDownFor(): number | undefined {
    return this.since === undefined ? undefined : Date.now() - this.since;
  }
}

export const lifecycle = new Lifecycle();
