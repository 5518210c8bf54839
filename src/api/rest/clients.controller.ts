import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '../../event-store/event-store.port.js';
import { STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand, UpdateUserPoolClientCommand } from '../../user-pools/clients/client.commands.js';
import { DescribeUserPoolClientQuery, ListUserPoolClientsQuery } from '../../user-pools/clients/client.queries.js';
import { clientStream } from '../../user-pools/clients/client.events.js';
import { AdminGuard } from './admin.guard.js';
import { IfMatch, conditionalWrite, streamRevision, withEtag } from './conditional.js';
import { Ctx } from './request-context.js';
import { createClientBody, pageQuery, updateClientBody } from './schemas.js';
import { parse } from './validation.js';

/**
 * App clients of a pool (admin). Update replaces the configuration, as UpdateUserPoolClient does.
 * A client is one stream: its revision is the ETag, and a replace with If-Match happens only at it.
 */
@Controller('v1/user-pools/:poolId/clients')
@UseGuards(AdminGuard)
export class ClientsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(STORE) private readonly store: EventStore,
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
  async get(@Param('poolId') poolId: string, @Param('clientId') clientId: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    // The version is taken before the read: an ETag never claims a state newer than the answer shows.
    const revision = await streamRevision(this.store, clientStream(clientId));
    return withEtag(reply, revision, await this.queries.execute(new DescribeUserPoolClientQuery({ poolId, clientId }, ctx)));
  }

  @Put(':clientId')
  async update(
    @Param('poolId') poolId: string,
    @Param('clientId') clientId: string,
    @Body() body: unknown,
    @IfMatch() expectedRevision: bigint | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const settings = parse(updateClientBody, body);
    const { result, revision } = await conditionalWrite(this.store, clientStream(clientId), expectedRevision, () =>
      this.commands.execute(new UpdateUserPoolClientCommand({ poolId, clientId, settings }, ctx)),
    );
    return withEtag(reply, revision, result);
  }

  @Delete(':clientId')
  @HttpCode(204)
  async delete(@Param('poolId') poolId: string, @Param('clientId') clientId: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new DeleteUserPoolClientCommand({ poolId, clientId }, ctx));
  }
}
