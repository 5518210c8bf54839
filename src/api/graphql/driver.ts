import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyInstance } from 'fastify';
import mercurius from 'mercurius';

/**
 * The Mercurius driver, registered without awaiting it. The stock driver awaits
 * `app.register(mercurius)` in the GraphQL module's init hook, which makes Fastify build every
 * route declared so far right then — before Nest installs its exception layer (that happens after
 * the init hooks) — so the REST routes' body-parser errors (invalid UTF-8, NUL, bad JSON) would skip
 * the problem-details filter and get Fastify's default error body. Left to Fastify's own boot, the
 * plugin loads at `ready`, after Nest's error handler is in place. The stock driver's plugins,
 * hooks and request-hook wiring are not used by this service.
 */
export class DeferredMercuriusDriver extends MercuriusDriver {
  override async start(options: MercuriusDriverConfig): Promise<void> {
    const { plugins: _plugins, hooks: _hooks, ...rest } = options as MercuriusDriverConfig & { plugins?: unknown; hooks?: unknown };
    const app = this.httpAdapterHost.httpAdapter.getInstance<FastifyInstance>();
    void app.register(mercurius, rest as never);
  }
}
