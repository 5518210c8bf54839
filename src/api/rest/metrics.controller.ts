import { type CanActivate, Controller, type ExecutionContext, Get, Inject, Injectable, NotFoundException, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metrics } from '../../observability/metrics.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { AdminGuard } from './admin.guard.js';

/**
 * Who may scrape, per METRICS: `public` (the default: Prometheus scrapes without credentials,
 * as it usually does; the numbers carry no user data, but keep the port off the internet or
 * block /metrics at the proxy), `admin` (an admin access key as HTTP Basic, like the admin
 * routes), `off` (404).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly admin: AdminGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    switch (this.platform.config.METRICS) {
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
