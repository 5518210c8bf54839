import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  CreateAdminKeyCommand,
  ListAdminKeysQuery,
  ListOutboxQuery,
  ProjectionStatusQuery,
  RebuildProjectionCommand,
  RevokeAdminKeyCommand,
} from '../../admin/admin.use-cases.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AdminGuard } from './admin.guard.js';
import { Ctx } from './request-context.js';
import { createKeyBody, outboxQuery } from './schemas.js';
import { parse } from './validation.js';

/** Operator routes: the dev outbox (not in production), admin keys, projection lag and rebuilds. */
@Controller('v1/admin')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('outbox')
  outbox(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    return this.queries.execute(new ListOutboxQuery(parse(outboxQuery, query), ctx));
  }

  @Get('keys')
  async keys(@Ctx() ctx: RequestContext) {
    return { keys: await this.queries.execute(new ListAdminKeysQuery({}, ctx)) };
  }

  /** A new admin key; its secret is in this answer only. */
  @Post('keys')
  createKey(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { label } = parse(createKeyBody, body);
    return this.commands.execute(new CreateAdminKeyCommand({ label: label ?? 'rest' }, ctx));
  }

  @Delete('keys/:accessKeyId')
  @HttpCode(204)
  async revokeKey(@Param('accessKeyId') accessKeyId: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new RevokeAdminKeyCommand({ accessKeyId }, ctx));
  }

  @Get('projections')
  projections(@Ctx() ctx: RequestContext) {
    return this.queries.execute(new ProjectionStatusQuery({}, ctx));
  }

  @Post('projections/:name/rebuild')
  @HttpCode(202)
  rebuild(@Param('name') name: string, @Ctx() ctx: RequestContext) {
    return this.commands.execute(new RebuildProjectionCommand({ name }, ctx));
  }
}
