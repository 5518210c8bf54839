import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { RequestContext } from '../../shared/request-context.js';
import { Ctx } from './request-context.js';
import { requestRebuild } from '../../../projections/checkpoints.js';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { AdminGuard } from './admin.guard.js';
import { createKeyBody, outboxQuery } from './schemas.js';
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

  @Get('keys')
  async keys() {
    return { keys: await this.platform.adminKeys.list() };
  }

  /** A new admin key; its secret is in this answer only. */
  @Post('keys')
  async createKey(@Body() body: unknown) {
    const { label } = parse(createKeyBody, body);
    return this.platform.adminKeys.create(label ?? 'rest');
  }

  @Delete('keys/:accessKeyId')
  @HttpCode(204)
  async revokeKey(@Param('accessKeyId') accessKeyId: string, @Ctx() ctx: RequestContext) {
    await this.platform.adminKeys.revoke(accessKeyId, ctx);
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
