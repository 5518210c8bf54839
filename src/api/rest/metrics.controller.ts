import { type CanActivate, Controller, type ExecutionContext, Get, Inject, Injectable, NotFoundException, Optional, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metrics } from '../../observability/metrics.js';
import { DEFAULT_OPS_SETTINGS, OPS_SETTINGS, type OpsSettings } from '../../observability/ports.js';
import { AdminGuard } from './admin.guard.js';

/**
 * Who may scrape, per METRICS: `public` (the default: Prometheus scrapes without credentials,
 * as it usually does; the numbers carry no user data, but keep the port off the internet or
 * block /metrics at the proxy), `admin` (an admin access key as HTTP Basic, like the admin
 * routes), `off` (404).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly access: OpsSettings['metrics'];

  constructor(
    private readonly admin: AdminGuard,
    @Optional() @Inject(OPS_SETTINGS) ops?: OpsSettings,
  ) {
    this.access = (ops ?? DEFAULT_OPS_SETTINGS).metrics;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    switch (this.access) {
      case 'off':
        throw new NotFoundException('metrics are off (METRICS=off)');
      case 'admin':
        return this.admin.canActivate(context);
      default:
        return true;
    }
  }
}

/** GET /metrics: the process's registry in Prometheus' text format. */
@Controller()
export class MetricsController {
  @Get('metrics')
  @UseGuards(MetricsAccessGuard)
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', metrics.contentType).header('cache-control', 'no-store');
    return metrics.render();
  }
}
