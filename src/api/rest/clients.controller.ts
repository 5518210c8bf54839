import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { RequestContext } from '../../shared/request-context.js';
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand, UpdateUserPoolClientCommand } from '../../user-pools/clients/client.commands.js';
import { DescribeUserPoolClientQuery, ListUserPoolClientsQuery } from '../../user-pools/clients/client.queries.js';
import { AdminGuard } from './admin.guard.js';
import { Ctx } from './request-context.js';
import { createClientBody, pageQuery, updateClientBody } from './schemas.js';
import { parse } from './validation.js';

/** App clients of a pool (admin). Update replaces the configuration, as UpdateUserPoolClient does. */
@Controller('v1/user-pools/:poolId/clients')
@UseGuards(AdminGuard)
export class ClientsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  create(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { generateSecret, ...settings } = parse(createClientBody, body);
    return this.commands.execute(new CreateUserPoolClientCommand({ poolId, generateSecret: generateSecret ?? false, settings }, ctx));
  }

  @Get()
  async list(@Param('poolId') poolId: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(pageQuery, query);
    const page = await this.queries.execute(new ListUserPoolClientsQuery({ poolId, maxResults: q.limit, ...(q.cursor ? { nextToken: q.cursor } : {}) }, ctx));
    return { clients: page.clients, ...(page.nextToken ? { nextCursor: page.nextToken } : {}) };
  }

  @Get(':clientId')
  get(@Param('poolId') poolId: string, @Param('clientId') clientId: string, @Ctx() ctx: RequestContext) {
    return this.queries.execute(new DescribeUserPoolClientQuery({ poolId, clientId }, ctx));
  }

  @Put(':clientId')
  update(@Param('poolId') poolId: string, @Param('clientId') clientId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    return this.commands.execute(new UpdateUserPoolClientCommand({ poolId, clientId, settings: parse(updateClientBody, body) }, ctx));
  }

  @Delete(':clientId')
  @HttpCode(204)
  async delete(@Param('poolId') poolId: string, @Param('clientId') clientId: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new DeleteUserPoolClientCommand({ poolId, clientId }, ctx));
  }
}
