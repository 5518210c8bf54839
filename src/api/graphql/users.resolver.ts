import { UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ListUserAuthEventsQuery } from '../../auth/queries/auth-events.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AdminCreateUserCommand } from '../../user-pools/commands/admin-create-user.js';
import { AdminResetUserPasswordCommand, AdminSetUserPasswordCommand } from '../../user-pools/commands/admin-passwords.js';
import { UpdateUserAttributesCommand } from '../../user-pools/commands/user-attributes.js';
import { type LifecycleAction, UserLifecycleCommand } from '../../user-pools/commands/user-lifecycle.js';
import { ListGroupsForUserQuery } from '../../user-pools/groups/group.queries.js';
import { GetUserQuery } from '../../user-pools/queries/get-user.js';
import { ListUsersQuery } from '../../user-pools/queries/list-users.js';
import { authEventOut, deliveryOut, directoryUserOut, groupOut, userOut } from '../rest/presenters.js';
import type { AuthenticatedRequest } from '../rest/request-context.js';
import { attributeMap, createUserBody, setPasswordBody } from '../rest/schemas.js';
import { parse } from '../rest/validation.js';
import { GraphqlCallers, GraphqlErrorFilter, defined, pageSize, revisionIn, revisionOut, toList, toMap } from './support.js';
import { AttributeInput, AuthEventPage, CodeDelivery, GroupPage, User, UserConnection, UserFilterInput, UserSortOrder } from './types.js';

const asUser = (u: ReturnType<typeof directoryUserOut>, revision?: bigint) => ({ ...u, attributes: toList(u.attributes), revision: revisionOut(revision) });

/** A pool's users (admin key): the search, one user, lifecycle, passwords, auth events. */
@Resolver()
@UseFilters(GraphqlErrorFilter)
export class UsersResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly callers: GraphqlCallers,
  ) {}

  @Query(() => UserConnection, {
    description: 'The user search: any standard or custom attribute (exact or prefix), status, enabled, group, created between; ordered; cursor-paginated',
  })
  async users(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('filter', { type: () => UserFilterInput, nullable: true }) filter?: UserFilterInput,
    @Args('sort', { type: () => UserSortOrder, nullable: true }) sort?: UserSortOrder,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const f = defined(filter ?? {});
    const search = {
      conditions: (f.attributes ?? []).map((c) => ({ attribute: c.attribute, match: c.match, value: c.value })),
      sort: sort ?? UserSortOrder.USERNAME,
      ...(f.status !== undefined ? { status: f.status } : {}),
      ...(f.enabled !== undefined ? { enabled: f.enabled } : {}),
      ...(f.group !== undefined ? { group: f.group } : {}),
      ...(f.createdAfter !== undefined ? { createdAfter: f.createdAfter } : {}),
      ...(f.createdBefore !== undefined ? { createdBefore: f.createdBefore } : {}),
    };
    const page = await this.queries.execute(new ListUsersQuery({ poolId, search, limit: pageSize(first), ...(after ? { paginationToken: after } : {}) }, ctx));
    return { nodes: page.users.map((u) => asUser(directoryUserOut(u))), endCursor: page.paginationToken, hasNextPage: page.paginationToken !== undefined };
  }

  @Query(() => User)
  async user(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    const view = await this.queries.execute(new GetUserQuery({ target: { poolId, username } }, await this.callers.admin(req)));
    return asUser(userOut(view.user, view.attributes), view.revision);
  }

  @Mutation(() => User, { description: 'Creates a user in FORCE_CHANGE_PASSWORD (invited unless messageAction is SUPPRESS)' })
  async createUser(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('attributes', { type: () => [AttributeInput], nullable: true }) attributes?: AttributeInput[],
    @Args('temporaryPassword', { nullable: true }) temporaryPassword?: string,
    @Args('messageAction', { nullable: true, description: 'RESEND or SUPPRESS' }) messageAction?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const input = parse(createUserBody, defined({ username, attributes: toMap(attributes), temporaryPassword, messageAction }));
    return asUser(userOut(await this.commands.execute(new AdminCreateUserCommand({ ...input, poolId, attributes: input.attributes ?? {} }, ctx))));
  }

  @Mutation(() => [CodeDelivery], { description: 'Sets attributes; with expectedRevision only at that revision (else PreconditionFailedException)' })
  async updateUserAttributes(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('attributes', { type: () => [AttributeInput] }) attributes: AttributeInput[],
    @Args('expectedRevision', { nullable: true }) expectedRevision?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const revision = revisionIn(expectedRevision);
    const sent = await this.commands.execute(
      new UpdateUserAttributesCommand(
        { target: { poolId, username }, attributes: parse(attributeMap, toMap(attributes)), ...(revision !== undefined ? { expectedRevision: revision } : {}) },
        ctx,
      ),
    );
    return sent.map(deliveryOut);
  }

  @Mutation(() => Boolean)
  async disableUser(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    return this.lifecycle('DisableUser', poolId, username, await this.callers.admin(req));
  }

  @Mutation(() => Boolean)
  async enableUser(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    return this.lifecycle('EnableUser', poolId, username, await this.callers.admin(req));
  }

  @Mutation(() => Boolean, { description: 'AdminConfirmSignUp' })
  async confirmUser(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    return this.lifecycle('AdminConfirmSignUp', poolId, username, await this.callers.admin(req));
  }

  @Mutation(() => Boolean, { description: 'Global sign-out' })
  async signOutUser(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    return this.lifecycle('SignOutGlobally', poolId, username, await this.callers.admin(req));
  }

  @Mutation(() => Boolean)
  async deleteUser(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    return this.lifecycle('DeleteUser', poolId, username, await this.callers.admin(req));
  }

  @Mutation(() => Boolean)
  async resetUserPassword(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string) {
    await this.commands.execute(new AdminResetUserPasswordCommand({ poolId, username }, await this.callers.admin(req)));
    return true;
  }

  @Mutation(() => Boolean)
  async setUserPassword(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('password') password: string,
    @Args('permanent', { nullable: true }) permanent?: boolean,
  ) {
    const ctx = await this.callers.admin(req);
    const input = parse(setPasswordBody, defined({ password, permanent }));
    await this.commands.execute(new AdminSetUserPasswordCommand({ poolId, username, password: input.password, permanent: input.permanent ?? false }, ctx));
    return true;
  }

  @Query(() => AuthEventPage, { description: "A user's recent sign-in attempts, newest first: poll the first page and stop at an eventId already seen" })
  async userAuthEvents(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const page = await this.queries.execute(
      new ListUserAuthEventsQuery({ poolId, username, maxResults: pageSize(first), ...(after ? { nextToken: after } : {}) }, ctx),
    );
    return { nodes: page.events.map(authEventOut), endCursor: page.nextToken };
  }

  @Query(() => GroupPage)
  async userGroups(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username') username: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const page = await this.queries.execute(
      new ListGroupsForUserQuery({ poolId, username, page: { limit: pageSize(first), ...(after ? { nextToken: after } : {}) } }, ctx),
    );
    return { nodes: page.groups.map(groupOut), endCursor: page.nextToken };
  }

  private async lifecycle(action: LifecycleAction, poolId: string, username: string, ctx: RequestContext): Promise<boolean> {
    await this.commands.execute(new UserLifecycleCommand({ target: { poolId, username }, action }, ctx));
    return true;
  }
}
