import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '../../shared/request-context.js';
import { AddCustomAttributesCommand } from '../../user-pools/commands/add-custom-attributes.js';
import { CreateUserPoolCommand } from '../../user-pools/commands/create-user-pool.js';
import { DeleteUserPoolCommand } from '../../user-pools/commands/delete-user-pool.js';
import { UpdateUserPoolCommand } from '../../user-pools/commands/update-user-pool.js';
import { GetUserPoolQuery } from '../../user-pools/queries/get-user-pool.js';
import { ListUserPoolsQuery } from '../../user-pools/queries/list-user-pools.js';
import { AdminGuard } from './admin.guard.js';
import { IfMatch, withEtag } from './conditional.js';
import { poolOut } from './presenters.js';
import { Ctx } from './request-context.js';
import { addCustomAttributesBody, createUserPoolBody, pageQuery, updateUserPoolBody } from './schemas.js';
import { parse } from './validation.js';

/** User pools (admin): thin, as every REST controller: parse, build one command or query, map its result. */
@Controller('v1/user-pools')
@UseGuards(AdminGuard)
export class UserPoolsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  async create(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { customAttributes, ...input } = parse(createUserPoolBody, body);
    return poolOut(await this.commands.execute(new CreateUserPoolCommand({ ...input, ...(customAttributes ? { schema: customAttributes } : {}) }, ctx)));
  }

  /** Every region's pools (Cognito's ListUserPools lists the region of the call's scope). */
  @Get()
  async list(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(pageQuery, query);
    const page = await this.queries.execute(new ListUserPoolsQuery({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }, ctx));
    return { pools: page.pools, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  @Get(':poolId')
  async get(@Param('poolId') poolId: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const pool = await this.queries.execute(new GetUserPoolQuery({ poolId }, ctx));
    return withEtag(reply, pool.revision, poolOut(pool));
  }

  /** Replaces the mutable settings (members left out take their defaults, as UpdateUserPool); If-Match makes it conditional. */
  @Put(':poolId')
  async update(@Param('poolId') poolId: string, @Body() body: unknown, @IfMatch() expectedRevision: bigint | undefined, @Ctx() ctx: RequestContext) {
    const input = parse(updateUserPoolBody, body);
    return poolOut(
      await this.commands.execute(new UpdateUserPoolCommand({ ...input, poolId, ...(expectedRevision !== undefined ? { expectedRevision } : {}) }, ctx)),
    );
  }

  @Delete(':poolId')
  @HttpCode(204)
  async delete(@Param('poolId') poolId: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new DeleteUserPoolCommand({ poolId }, ctx));
  }

  @Post(':poolId/custom-attributes')
  @HttpCode(204)
  async addCustomAttributes(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new AddCustomAttributesCommand({ poolId, attributes: parse(addCustomAttributesBody, body).customAttributes }, ctx));
  }
}
