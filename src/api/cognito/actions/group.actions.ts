import { z } from 'zod';
import type { ActiveGroup } from '../../../user-pools/groups/group.decider.js';
import { ChangeMembershipCommand, CreateGroupCommand, DeleteGroupCommand, UpdateGroupCommand } from '../../../user-pools/groups/group.commands.js';
import { GetGroupQuery, ListGroupsForUserQuery, ListGroupsQuery, ListUsersInGroupQuery } from '../../../user-pools/groups/group.queries.js';
import { epochSeconds } from '../account.js';
import { action } from '../cognito-action.js';
import { nextToken, userPoolId, username } from './members.js';
import { directoryUserType } from './user-type.js';

// Members and limits as in Cognito's API reference (GroupNameType, ArnType, QueryLimitType).
const groupName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u);
const roleArn = z
  .string()
  .min(20)
  .max(2048)
  .regex(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$/);
const settings = {
  Description: z.string().max(2048).optional(),
  RoleArn: roleArn.optional(),
  Precedence: z.number().int().min(0).max(2_147_483_647).optional(),
};
/** Cognito allows 0..60; 0 (or nothing) means a full page. */
const limit = z.number().int().min(0).max(60).optional();
const page = (input: { Limit?: number; NextToken?: string }) => ({ limit: input.Limit || 60, ...(input.NextToken ? { nextToken: input.NextToken } : {}) });

function toGroupType(g: ActiveGroup) {
  return {
    GroupName: g.groupName,
    UserPoolId: g.poolId,
    ...(g.description !== undefined ? { Description: g.description } : {}),
    ...(g.roleArn !== undefined ? { RoleArn: g.roleArn } : {}),
    ...(g.precedence !== undefined ? { Precedence: g.precedence } : {}),
    LastModifiedDate: epochSeconds(g.updatedAt),
    CreationDate: epochSeconds(g.createdAt),
  };
}

const toSettings = (input: { Description?: string; RoleArn?: string; Precedence?: number }) => ({
  description: input.Description,
  roleArn: input.RoleArn,
  precedence: input.Precedence,
});

export const createGroupAction = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, GroupName: groupName, ...settings }),
  async handle(input, ctx) {
    const group = await ctx.commands.execute(
      new CreateGroupCommand({ poolId: input.UserPoolId, groupName: input.GroupName, settings: toSettings(input) }, ctx.request),
    );
    return { Group: toGroupType(group) };
  },
});

export const getGroupAction = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, GroupName: groupName }),
  async handle(input, ctx) {
    return { Group: toGroupType(await ctx.queries.execute(new GetGroupQuery({ poolId: input.UserPoolId, groupName: input.GroupName }, ctx.request))) };
  },
});

export const updateGroupAction = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, GroupName: groupName, ...settings }),
  async handle(input, ctx) {
    const group = await ctx.commands.execute(
      new UpdateGroupCommand({ poolId: input.UserPoolId, groupName: input.GroupName, settings: toSettings(input) }, ctx.request),
    );
    return { Group: toGroupType(group) };
  },
});

export const deleteGroupAction = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, GroupName: groupName }),
  async handle(input, ctx) {
    await ctx.commands.execute(new DeleteGroupCommand({ poolId: input.UserPoolId, groupName: input.GroupName }, ctx.request));
    return {};
  },
});

export const listGroupsAction = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Limit: limit, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const result = await ctx.queries.execute(new ListGroupsQuery({ poolId: input.UserPoolId, page: page(input) }, ctx.request));
    return { Groups: result.groups.map(toGroupType), ...(result.nextToken ? { NextToken: result.nextToken } : {}) };
  },
});

const membership = z.object({ UserPoolId: userPoolId, Username: username, GroupName: groupName });

export const adminAddUserToGroupAction = action({
  auth: 'admin',
  input: membership,
  async handle(input, ctx) {
    await ctx.commands.execute(
      new ChangeMembershipCommand({ poolId: input.UserPoolId, groupName: input.GroupName, username: input.Username, action: 'AddUserToGroup' }, ctx.request),
    );
    return {};
  },
});

export const adminRemoveUserFromGroupAction = action({
  auth: 'admin',
  input: membership,
  async handle(input, ctx) {
    await ctx.commands.execute(
      new ChangeMembershipCommand(
        { poolId: input.UserPoolId, groupName: input.GroupName, username: input.Username, action: 'RemoveUserFromGroup' },
        ctx.request,
      ),
    );
    return {};
  },
});

export const adminListGroupsForUserAction = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, Username: username, Limit: limit, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const result = await ctx.queries.execute(
      new ListGroupsForUserQuery({ poolId: input.UserPoolId, username: input.Username, page: page(input) }, ctx.request),
    );
    return { Groups: result.groups.map(toGroupType), ...(result.nextToken ? { NextToken: result.nextToken } : {}) };
  },
});

export const listUsersInGroupAction = action({
  auth: 'admin',
  input: z.object({ UserPoolId: userPoolId, GroupName: groupName, Limit: limit, NextToken: nextToken.optional() }),
  async handle(input, ctx) {
    const result = await ctx.queries.execute(
      new ListUsersInGroupQuery({ poolId: input.UserPoolId, groupName: input.GroupName, page: page(input) }, ctx.request),
    );
    return { Users: result.users.map(directoryUserType), ...(result.nextToken ? { NextToken: result.nextToken } : {}) };
  },
});

/** The group actions, spread into the action table (services.ts). */
export const GROUP_ACTIONS = {
  CreateGroup: createGroupAction,
  GetGroup: getGroupAction,
  UpdateGroup: updateGroupAction,
  DeleteGroup: deleteGroupAction,
  ListGroups: listGroupsAction,
  AdminAddUserToGroup: adminAddUserToGroupAction,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroupAction,
  AdminListGroupsForUser: adminListGroupsForUserAction,
  ListUsersInGroup: listUsersInGroupAction,
};
