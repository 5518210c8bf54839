import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { GroupMembersAsOfQuery, ListUsersAsOfQuery, UserAsOfQuery } from '../../history/queries/as-of.js';
import { UserHistoryQuery } from '../../history/queries/user-history.js';
import { VerifyLogQuery } from '../../history/queries/verify-log.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AdminGuard } from './admin.guard.js';
import { Ctx } from './request-context.js';
import { parse } from './validation.js';

/** Query strings of the history routes (docs/history.md); the OpenAPI paths below are built from them. */
export const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), nextToken: z.string().max(2048).optional() }).strict();
const at = z.string().min(1).max(64);
export const userAsOfQuery = z.object({ at }).strict();
export const listUsersAsOfQuery = z
  .object({
    at,
    filter: z.string().max(256).optional(),
    /** Comma-separated attribute names. */
    attributesToGet: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(60).default(60),
    paginationToken: z.string().max(2048).optional(),
  })
  .strict();
export const groupMembersAsOfQuery = z.object({ at, limit: z.coerce.number().int().min(1).max(60).default(60), nextToken: z.string().max(2048).optional() }).strict();

/**
 * Auditors' routes (admin key): a user's history, the directory as of an instant (`at`: a log
 * position `<commit>/<prepare>` or an ISO 8601 time), and the log's verification.
 */
@Controller('v1')
@UseGuards(AdminGuard)
export class HistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get('user-pools/:poolId/users/:username/history')
  history(@Param('poolId') poolId: string, @Param('username') username: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(historyQuery, query);
    return this.queries.execute(new UserHistoryQuery({ poolId, username, limit: q.limit, ...(q.nextToken ? { nextToken: q.nextToken } : {}) }, ctx));
  }

  @Get('user-pools/:poolId/as-of/users/:username')
  userAsOf(@Param('poolId') poolId: string, @Param('username') username: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    return this.queries.execute(new UserAsOfQuery({ poolId, username, at: parse(userAsOfQuery, query).at }, ctx));
  }

  @Get('user-pools/:poolId/as-of/users')
  listUsersAsOf(@Param('poolId') poolId: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(listUsersAsOfQuery, query);
    const attributesToGet = q.attributesToGet?.split(',').map((a) => a.trim()).filter(Boolean);
    return this.queries.execute(
      new ListUsersAsOfQuery(
        { poolId, at: q.at, limit: q.limit, ...(q.filter ? { filter: q.filter } : {}), ...(attributesToGet ? { attributesToGet } : {}), ...(q.paginationToken ? { paginationToken: q.paginationToken } : {}) },
        ctx,
      ),
    );
  }

  @Get('user-pools/:poolId/as-of/groups/:groupName/members')
  groupMembersAsOf(@Param('poolId') poolId: string, @Param('groupName') groupName: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(groupMembersAsOfQuery, query);
    return this.queries.execute(new GroupMembersAsOfQuery({ poolId, groupName, at: q.at, limit: q.limit, ...(q.nextToken ? { nextToken: q.nextToken } : {}) }, ctx));
  }

  /** Reads the whole log: for operators and auditors, not for polling. */
  @Get('admin/log/verification')
  verify(@Ctx() ctx: RequestContext) {
    return this.queries.execute(new VerifyLogQuery({}, ctx));
  }
}

const queryParams = (schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, s]) => ({ name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, schema: z.toJSONSchema(s as z.ZodType, { io: 'input', unrepresentable: 'any' }) }));
const path = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const responses = (what: string) => ({
  '200': { description: what },
  '400': { description: 'Invalid input (typed error code)' },
  '401': { description: 'Missing or invalid admin credentials' },
  '404': { description: 'Unknown pool, user or group (at that instant)' },
});
const admin = [{ adminKey: [] }];

/** The routes above for src/api/rest/openapi.ts (`...HISTORY_OPENAPI_PATHS` in its `paths`). */
export const HISTORY_OPENAPI_PATHS = {
  '/v1/user-pools/{poolId}/users/{username}/history': {
    get: { summary: "A user's history: every event, in global order, secrets removed", security: admin, parameters: [...path('poolId', 'username'), ...queryParams(historyQuery)], responses: responses('A page of events') },
  },
  '/v1/user-pools/{poolId}/as-of/users/{username}': {
    get: { summary: 'AdminGetUser as of an instant', security: admin, parameters: [...path('poolId', 'username'), ...queryParams(userAsOfQuery)], responses: responses('The user as it stood') },
  },
  '/v1/user-pools/{poolId}/as-of/users': {
    get: { summary: 'ListUsers as of an instant', security: admin, parameters: [...path('poolId'), ...queryParams(listUsersAsOfQuery)], responses: responses('A page of users') },
  },
  '/v1/user-pools/{poolId}/as-of/groups/{groupName}/members': {
    get: { summary: "A group's members as of an instant", security: admin, parameters: [...path('poolId', 'groupName'), ...queryParams(groupMembersAsOfQuery)], responses: responses('A page of users') },
  },
  '/v1/admin/log/verification': {
    get: { summary: "Verify the log's hash chains and checkpoints", security: admin, responses: { '200': { description: 'The verification report' }, '401': responses('')['401'] } },
  },
};
