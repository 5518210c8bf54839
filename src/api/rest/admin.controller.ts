import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { requestRebuild } from '../../../projections/checkpoints.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { AdminGuard } from './admin.guard.js';
import { outboxQuery } from './schemas.js';
import { parse } from './validation.js';

/** Operator routes: the dev outbox (not in production), projection lag and rebuilds. */
@Controller('v1/admin')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  @Get('outbox')
  outbox(@Query() query: unknown) {
    const outbox = this.platform.delivery.outbox;
    if (!outbox) throw new NotFoundError('the dev outbox is off in production mode');
    return { messages: outbox.list(parse(outboxQuery, query)) };
  }

  @Get('projections')
  async projections() {
    return { projections: await this.platform.runner.lag(), forwarder: this.platform.forwarder?.status() ?? null };
  }

  @Post('projections/:name/rebuild')
  @HttpCode(202)
  async rebuild(@Param('name') name: string) {
    const known = (await this.platform.runner.lag()).some((p) => p.name === name);
    if (!known) throw new NotFoundError(`unknown projection ${name}`);
    if (this.platform.runner.isLeader) {
      await this.platform.runner.rebuild(name);
    } else {
      await requestRebuild(this.platform.db, name);
    }
    return { rebuilding: name };
  }
}
