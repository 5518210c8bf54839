import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Readiness, readinessMaxLagMs, type ReadinessReport } from '../../observability/readiness.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { openApiDocument } from './openapi.js';

/**
 * Probes. Liveness and readiness mean different things: `live` is 200 whenever the process
 * answers HTTP (restart it only when this fails); `ready` is 200 only when it can serve
 * correctly now (database, schema, projections caught up, not shutting down), else 503 naming
 * the failed checks (take it out of the load balancer; don't restart it).
 */
@Controller()
export class HealthController {
  private readonly readiness: Readiness;

  constructor(@Inject(PLATFORM) private readonly platform: Platform) {
    this.readiness = new Readiness(platform, { maxLagMs: readinessMaxLagMs(platform.config) });
  }

  /** The original probe, kept for existing checks: the same meaning as `live`. */
  @Get('health')
  @Header('cache-control', 'no-store')
  health() {
    return { status: 'ok', eventStore: this.platform.store.kind, production: this.platform.config.PRODUCTION };
  }

  @Get('health/live')
  @Header('cache-control', 'no-store')
  live() {
    return { status: 'live' };
  }

  @Get('health/ready')
  @Header('cache-control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.readiness.check();
    void reply.status(report.status === 'ready' ? 200 : 503);
    return report;
  }

  @Get('openapi.json')
  @Header('cache-control', 'no-cache')
  openapi() {
    return openApiDocument(this.platform.config.PUBLIC_BASE_URL);
  }
}
