import { UseFilters } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Query, Resolver } from '@nestjs/graphql';
import { UserAsOfQuery } from '../../history/queries/as-of.js';
import { UserHistoryQuery } from '../../history/queries/user-history.js';
import type { AuthenticatedRequest } from '../rest/request-context.js';
import { userAsOfQuery } from '../rest/history.controller.js';
import { parse } from '../rest/validation.js';
import { GraphqlCallers, GraphqlErrorFilter, pageSize } from './support.js';
import { HistoryPage, UserAsOf } from './types.js';

const fromEpoch = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Auditors' queries (admin key or admin token): the same use cases as REST's history routes. */
@Resolver()
@UseFilters(GraphqlErrorFilter)
export class HistoryResolver {
  constructor(
    private readonly queries: QueryBus,
    private readonly callers: GraphqlCallers,
  ) {}

  @Query(() => HistoryPage, { description: "A user's history: every event in global order, with actor, address and correlation ids, secrets removed" })
  async userHistory(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('username', { description: 'Username, alias or sub; a deleted user by the name they had' }) username: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const page = await this.queries.execute(new UserHistoryQuery({ poolId, username, limit: pageSize(first), ...(after ? { nextToken: after } : {}) }, ctx));
    return { poolId: page.poolId, sub: page.sub, nodes: page.events, endCursor: page.nextToken };
  }

  @Query(() => UserAsOf, { description: 'A user as it stood at an instant (`at`: a log position `<commit>/<prepare>` or an ISO 8601 time)' })
  async userAsOf(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('username') username: string, @Args('at') at: string) {
    const ctx = await this.callers.admin(req);
    const { asOf, user } = await this.queries.execute(new UserAsOfQuery({ poolId, username, at: parse(userAsOfQuery, { at }).at }, ctx));
    return {
      asOf,
      user: {
        username: user.Username,
        attributes: user.UserAttributes.map((a) => ({ name: a.Name, value: a.Value })),
        createdAt: fromEpoch(user.UserCreateDate),
        updatedAt: fromEpoch(user.UserLastModifiedDate),
        enabled: user.Enabled,
        status: user.UserStatus,
      },
    };
  }
}
