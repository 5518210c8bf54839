import { Controller, Get, Header, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PROJECTION_CONTROL, type ProjectionControl } from '../../admin/admin.use-cases.js';
import type { SqlDatabase } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { DEFAULT_OPS_SETTINGS, OPS_SETTINGS, type OpsSettings } from '../../observability/ports.js';
import { Readiness, type ReadinessParts, type ReadinessReport } from '../../observability/readiness.js';
import { READ_DB, SETTINGS, STORE, type ServiceSettings } from '../../shared/ports.js';
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
  private readonly ops: OpsSettings;

  constructor(
    @Inject(READ_DB) db: SqlDatabase,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(PROJECTION_CONTROL) projections: ProjectionControl,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    @Optional() @Inject(OPS_SETTINGS) ops?: OpsSettings,
  ) {
    this.ops = ops ?? DEFAULT_OPS_SETTINGS;
    const runner = { lag: () => projections.lag() as ReturnType<ReadinessParts['runner']['lag']> };
    this.readiness = new Readiness({ db, store, runner }, { maxLagMs: this.ops.maxProjectionLagMs });
  }

  /** The original probe, kept for existing checks: the same meaning as `live`. */
  @Get('health')
  @Header('cache-control', 'no-store')
  health() {
    return { status: 'ok', eventStore: this.store.kind, production: this.ops.production };
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
    return openApiDocument(this.settings.publicBaseUrl);
  }
}
