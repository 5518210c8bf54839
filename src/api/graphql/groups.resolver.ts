import { UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ChangeMembershipCommand, CreateGroupCommand, DeleteGroupCommand, UpdateGroupCommand } from '../../user-pools/groups/group.commands.js';
import { GetGroupQuery, ListGroupsQuery, ListUsersInGroupQuery } from '../../user-pools/groups/group.queries.js';
import { directoryUserOut, groupOut } from '../rest/presenters.js';
import type { AuthenticatedRequest } from '../rest/request-context.js';
import { createGroupBody, updateGroupBody } from '../rest/schemas.js';
import { parse } from '../rest/validation.js';
import { GraphqlCallers, GraphqlErrorFilter, defined, pageSize, revisionIn, revisionOut, toList } from './support.js';
import { Group, GroupInput, GroupPage, UserConnection } from './types.js';

/** Groups and memberships (admin key). */
@Resolver()
@UseFilters(GraphqlErrorFilter)
export class GroupsResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly callers: GraphqlCallers,
  ) {}

  @Query(() => GroupPage)
  async groups(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const page = await this.queries.execute(new ListGroupsQuery({ poolId, page: { limit: pageSize(first), ...(after ? { nextToken: after } : {}) } }, ctx));
    return { nodes: page.groups.map(groupOut), endCursor: page.nextToken };
  }

  @Query(() => Group)
  async group(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('groupName') groupName: string) {
    const group = await this.queries.execute(new GetGroupQuery({ poolId, groupName }, await this.callers.admin(req)));
    return { ...groupOut(group), revision: revisionOut(group.revision) };
  }

  @Query(() => UserConnection)
  async groupMembers(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('groupName') groupName: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const page = await this.queries.execute(
      new ListUsersInGroupQuery({ poolId, groupName, page: { limit: pageSize(first), ...(after ? { nextToken: after } : {}) } }, ctx),
    );
    return {
      nodes: page.users.map((u) => ({ ...directoryUserOut(u), attributes: toList(u.attributes) })),
      endCursor: page.nextToken,
      hasNextPage: page.nextToken !== undefined,
    };
  }

  @Mutation(() => Group)
  async createGroup(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('groupName') groupName: string,
    @Args('input', { nullable: true }) input?: GroupInput,
  ) {
    const ctx = await this.callers.admin(req);
    const { groupName: name, ...settings } = parse(createGroupBody, defined({ groupName, ...input }));
    return groupOut(await this.commands.execute(new CreateGroupCommand({ poolId, groupName: name, settings }, ctx)));
  }

  @Mutation(() => Group, { description: 'Settings left out keep their values; with expectedRevision only at that revision' })
  async updateGroup(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('groupName') groupName: string,
    @Args('input') input: GroupInput,
    @Args('expectedRevision', { nullable: true }) expectedRevision?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const revision = revisionIn(expectedRevision);
    const settings = parse(updateGroupBody, defined(input));
    return groupOut(
      await this.commands.execute(
        new UpdateGroupCommand({ poolId, groupName, settings, ...(revision !== undefined ? { expectedRevision: revision } : {}) }, ctx),
      ),
    );
  }

  @Mutation(() => Boolean)
  async deleteGroup(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('groupName') groupName: string) {
    await this.commands.execute(new DeleteGroupCommand({ poolId, groupName }, await this.callers.admin(req)));
    return true;
  }

  @Mutation(() => Boolean, { description: 'Idempotent' })
  async addUserToGroup(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('groupName') groupName: string,
    @Args('username') username: string,
  ) {
    await this.commands.execute(new ChangeMembershipCommand({ poolId, groupName, username, action: 'AddUserToGroup' }, await this.callers.admin(req)));
    return true;
  }

  @Mutation(() => Boolean, { description: 'Idempotent' })
  async removeUserFromGroup(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('groupName') groupName: string,
    @Args('username') username: string,
  ) {
    await this.commands.execute(new ChangeMembershipCommand({ poolId, groupName, username, action: 'RemoveUserFromGroup' }, await this.callers.admin(req)));
    return true;
  }
}
