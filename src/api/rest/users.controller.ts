import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { ListUserAuthEventsQuery } from '../../auth/queries/auth-events.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AdminCreateUserCommand } from '../../user-pools/commands/admin-create-user.js';
import { AdminResetUserPasswordCommand, AdminSetUserPasswordCommand } from '../../user-pools/commands/admin-passwords.js';
import { DeleteUserAttributesCommand, UpdateUserAttributesCommand } from '../../user-pools/commands/user-attributes.js';
import { type LifecycleAction, UserLifecycleCommand } from '../../user-pools/commands/user-lifecycle.js';
import { ListGroupsForUserQuery } from '../../user-pools/groups/group.queries.js';
import { GetUserQuery } from '../../user-pools/queries/get-user.js';
import { ListUsersQuery } from '../../user-pools/queries/list-users.js';
import type { UserFilter } from '../../user-pools/queries/list-users-filter.js';
import { parseCondition } from '../../user-pools/queries/user-search.js';
import { AdminGuard } from './admin.guard.js';
import { IfMatch, withEtag } from './conditional.js';
import { authEventOut, deliveryOut, directoryUserOut, groupOut, userOut } from './presenters.js';
import { Ctx } from './request-context.js';
import { attributeNamesQuery, createUserBody, lifecycleBody, listUsersQuery, pageQuery, setPasswordBody, updateAttributesBody } from './schemas.js';
import { parse } from './validation.js';

/** A pool's users (admin). */
@Controller('v1/user-pools/:poolId/users')
@UseGuards(AdminGuard)
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  async create(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(createUserBody, body);
    return userOut(await this.commands.execute(new AdminCreateUserCommand({ ...input, poolId, attributes: input.attributes ?? {} }, ctx)));
  }

  /** The user search: `filter` (repeatable) on any attribute, status, enabled, group, creation time, order; paginated. */
  @Get()
  async list(@Param('poolId') poolId: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(listUsersQuery, query);
    const filters: UserFilter[] = [];
    if (q.usernamePrefix) filters.push({ attribute: 'username', match: 'prefix', value: q.usernamePrefix });
    if (q.emailPrefix) filters.push({ attribute: 'email', match: 'prefix', value: q.emailPrefix });
    const conditions = (q.filter === undefined ? [] : Array.isArray(q.filter) ? q.filter : [q.filter]).map(parseCondition);
    const search = {
      conditions,
      sort: q.sort,
      ...(q.status ? { status: q.status } : {}),
      ...(q.enabled ? { enabled: q.enabled === 'true' } : {}),
      ...(q.group ? { group: q.group } : {}),
      ...(q.createdAfter ? { createdAfter: q.createdAfter } : {}),
      ...(q.createdBefore ? { createdBefore: q.createdBefore } : {}),
    };
    const page = await this.queries.execute(
      new ListUsersQuery({ poolId, filters, search, limit: q.limit, ...(q.cursor ? { paginationToken: q.cursor } : {}) }, ctx),
    );
    return { users: page.users.map(directoryUserOut), ...(page.paginationToken ? { nextCursor: page.paginationToken } : {}) };
  }

  @Get(':username')
  async get(@Param('poolId') poolId: string, @Param('username') username: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queries.execute(new GetUserQuery({ target: { poolId, username } }, ctx));
    return withEtag(reply, view.revision, userOut(view.user, view.attributes));
  }

  /** Sets attributes (AdminUpdateUserAttributes); If-Match makes it conditional on the user's revision. */
  @Patch(':username')
  async updateAttributes(
    @Param('poolId') poolId: string,
    @Param('username') username: string,
    @Body() body: unknown,
    @IfMatch() expectedRevision: bigint | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    const input = parse(updateAttributesBody, body);
    const sent = await this.commands.execute(
      new UpdateUserAttributesCommand(
        {
          target: { poolId, username },
          attributes: input.attributes,
          clientMetadata: input.clientMetadata,
          ...(expectedRevision !== undefined ? { expectedRevision } : {}),
        },
        ctx,
      ),
    );
    return { codeDeliveryDetails: sent.map(deliveryOut) };
  }

  @Delete(':username/attributes')
  @HttpCode(204)
  async deleteAttributes(@Param('poolId') poolId: string, @Param('username') username: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const names = parse(attributeNamesQuery, query)
      .names.split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    await this.commands.execute(new DeleteUserAttributesCommand({ target: { poolId, username }, names }, ctx));
  }

  @Delete(':username')
  @HttpCode(204)
  async delete(@Param('poolId') poolId: string, @Param('username') username: string, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new UserLifecycleCommand({ target: { poolId, username }, action: 'DeleteUser' }, ctx));
  }

  @Post(':username/disable')
  @HttpCode(204)
  disable(@Param('poolId') poolId: string, @Param('username') username: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    return this.lifecycle('DisableUser', poolId, username, body, ctx);
  }

  @Post(':username/enable')
  @HttpCode(204)
  enable(@Param('poolId') poolId: string, @Param('username') username: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    return this.lifecycle('EnableUser', poolId, username, body, ctx);
  }

  /** AdminConfirmSignUp. */
  @Post(':username/confirm')
  @HttpCode(204)
  confirm(@Param('poolId') poolId: string, @Param('username') username: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    return this.lifecycle('AdminConfirmSignUp', poolId, username, body, ctx);
  }

  /** Global sign-out: every token issued before now stops working. */
  @Post(':username/sign-out')
  @HttpCode(204)
  signOut(@Param('poolId') poolId: string, @Param('username') username: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    return this.lifecycle('SignOutGlobally', poolId, username, body, ctx);
  }

  private async lifecycle(action: LifecycleAction, poolId: string, username: string, body: unknown, ctx: RequestContext): Promise<void> {
    const { clientMetadata } = parse(lifecycleBody, body);
    await this.commands.execute(new UserLifecycleCommand({ target: { poolId, username }, action, clientMetadata }, ctx));
  }

  @Post(':username/reset-password')
  @HttpCode(204)
  async resetPassword(@Param('poolId') poolId: string, @Param('username') username: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { clientMetadata } = parse(lifecycleBody, body);
    await this.commands.execute(new AdminResetUserPasswordCommand({ poolId, username, clientMetadata }, ctx));
  }

  @Put(':username/password')
  @HttpCode(204)
  async setPassword(@Param('poolId') poolId: string, @Param('username') username: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(setPasswordBody, body);
    await this.commands.execute(new AdminSetUserPasswordCommand({ poolId, username, password: input.password, permanent: input.permanent ?? false }, ctx));
  }

  /** Sign-in attempts, newest first. Poll the first page and stop at an eventId already seen. */
  @Get(':username/auth-events')
  async authEvents(@Param('poolId') poolId: string, @Param('username') username: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(pageQuery, query);
    const page = await this.queries.execute(new ListUserAuthEventsQuery({ poolId, username, maxResults: q.limit, nextToken: q.cursor }, ctx));
    return { events: page.events.map(authEventOut), ...(page.nextToken ? { nextCursor: page.nextToken } : {}) };
  }

  @Get(':username/groups')
  async groups(@Param('poolId') poolId: string, @Param('username') username: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(pageQuery, query);
    const page = await this.queries.execute(
      new ListGroupsForUserQuery({ poolId, username, page: { limit: q.limit, ...(q.cursor ? { nextToken: q.cursor } : {}) } }, ctx),
    );
    return { groups: page.groups.map(groupOut), ...(page.nextToken ? { nextCursor: page.nextToken } : {}) };
  }
}
