import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '../../shared/request-context.js';
import { ChangeMembershipCommand, CreateGroupCommand, DeleteGroupCommand, UpdateGroupCommand } from '../../user-pools/groups/group.commands.js';
import { GetGroupQuery, ListGroupsQuery, ListUsersInGroupQuery } from '../../user-pools/groups/group.queries.js';
import { AdminGuard } from './admin.guard.js';
import { IfMatch, withEtag } from './conditional.js';
import { directoryUserOut, groupOut } from './presenters.js';
import { Ctx } from './request-context.js';
import { createGroupBody, pageQuery, updateGroupBody } from './schemas.js';
import { parse } from './validation.js';

/** Groups of a pool and their members (admin). */
@Controller('v1/user-pools/:poolId/groups')
@UseGuards(AdminGuard)
export class GroupsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  async create(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { groupName, ...settings } = parse(createGroupBody, body);
    return groupOut(await this.commands.execute(new CreateGroupCommand({ poolId, groupName, settings }, ctx)));
  }

  @Get()
  async list(@Param('poolId') poolId: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(pageQuery, query);
    const page = await this.queries.execute(new ListGroupsQuery({ poolId, page: { limit: q.limit, ...(q.cursor ? { nextToken: q.cursor } : {}) } }, ctx));
    return { groups: page.groups.map(groupOut), ...(page.nextToken ? { nextCursor: page.nextToken } : {}) };
  }

  @Get(':groupName')
  async get(
    @Param('poolId') poolId: string,
    @Param('groupName') groupName: string,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const group = await this.queries.execute(new GetGroupQuery({ poolId, groupName }, ctx));
    return withEtag(reply, group.revision, groupOut(group));
  }

  /** Settings left out keep their values (UpdateGroup); If-Match makes it conditional on the group's revision. */
  @Patch(':groupName')
  async update(
    @Param('poolId') poolId: string,
    @Param('groupName') groupName: string,
    @Body() body: unknown,
    @IfMatch() expectedRevision: bigint | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    const settings = parse(updateGroupBody, body);
    return groupOut(
      await this.commands.execute(
        new UpdateGroupCommand({ poolId, groupName, settings, ...(expectedRevision !== undefined ? { expectedRevision } : {}) }, ctx),
      ),
    );
  }

  @Delete(':groupName')
  @HttpCode(204)
  async delete(@Param('poolId') poolId: string, @Param('groupName') groupName: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new DeleteGroupCommand({ poolId, groupName }, ctx));
  }

  @Get(':groupName/members')
  async members(@Param('poolId') poolId: string, @Param('groupName') groupName: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(pageQuery, query);
    const page = await this.queries.execute(
      new ListUsersInGroupQuery({ poolId, groupName, page: { limit: q.limit, ...(q.cursor ? { nextToken: q.cursor } : {}) } }, ctx),
    );
    return { users: page.users.map(directoryUserOut), ...(page.nextToken ? { nextCursor: page.nextToken } : {}) };
  }

  /** Adds the user (idempotent). */
  @Put(':groupName/members/:username')
  @HttpCode(204)
  async add(@Param('poolId') poolId: string, @Param('groupName') groupName: string, @Param('username') username: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new ChangeMembershipCommand({ poolId, groupName, username, action: 'AddUserToGroup' }, ctx));
  }

  /** Removes the user (idempotent). */
  @Delete(':groupName/members/:username')
  @HttpCode(204)
  async remove(@Param('poolId') poolId: string, @Param('groupName') groupName: string, @Param('username') username: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new ChangeMembershipCommand({ poolId, groupName, username, action: 'RemoveUserFromGroup' }, ctx));
  }
}
