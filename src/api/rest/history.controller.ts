import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { EraseUserCommand } from '../../history/erasure/erase-user.js';
import { ExportDeploymentQuery, ImportDeploymentCommand } from '../../history/export/export.use-cases.js';
import { GroupMembersAsOfQuery, ListUsersAsOfQuery, UserAsOfQuery } from '../../history/queries/as-of.js';
import { UserHistoryQuery } from '../../history/queries/user-history.js';
import { VerifyLogQuery } from '../../history/queries/verify-log.js';
import type { RequestContext } from '../../shared/request-context.js';
import { AdminGuard } from './admin.guard.js';
import { Ctx } from './request-context.js';
import { parse } from './validation.js';

/** Query strings of the history routes (docs/history.md); the OpenAPI paths below are built from them. */
const cursor = z.string().min(1).max(2048);
export const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: cursor.optional() }).strict();
const at = z.string().min(1).max(64);
export const userAsOfQuery = z.object({ at }).strict();
export const listUsersAsOfQuery = z
  .object({
    at,
    filter: z.string().max(256).optional(),
    /** Comma-separated attribute names. */
    attributesToGet: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(60).default(60),
    cursor: cursor.optional(),
  })
  .strict();
export const groupMembersAsOfQuery = z.object({ at, limit: z.coerce.number().int().min(1).max(60).default(60), cursor: cursor.optional() }).strict();

/** REST v1 pages by `cursor` / `nextCursor`; the use cases answer in Cognito's names. */
function withCursor<T extends object>(result: T, key: 'nextToken' | 'PaginationToken' | 'NextToken'): Omit<T, typeof key> & { nextCursor?: string } {
  const { [key]: next, ...rest } = result as T & Record<string, string | undefined>;
  return { ...(rest as Omit<T, typeof key>), ...(next ? { nextCursor: next } : {}) };
}

/**
 * Auditors' routes (admin key): a user's history, the directory as of an instant (`at`: a log
 * position `<commit>/<prepare>` or an ISO 8601 time), and the log's verification.
 */
@Controller('v1')
@UseGuards(AdminGuard)
export class HistoryController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  /** Deletes the user if they exist and destroys their data key (docs/history.md, erasure). */
  @Post('user-pools/:poolId/users/:username/erase')
  @HttpCode(200)
  erase(@Param('poolId') poolId: string, @Param('username') username: string, @Ctx() ctx: RequestContext) {
    return this.commands.execute(new EraseUserCommand({ poolId, username }, ctx));
  }

  @Get('user-pools/:poolId/users/:username/history')
  async history(@Param('poolId') poolId: string, @Param('username') username: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(historyQuery, query);
    return withCursor(
      await this.queries.execute(new UserHistoryQuery({ poolId, username, limit: q.limit, ...(q.cursor ? { nextToken: q.cursor } : {}) }, ctx)),
      'nextToken',
    );
  }

  @Get('user-pools/:poolId/as-of/users/:username')
  userAsOf(@Param('poolId') poolId: string, @Param('username') username: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    return this.queries.execute(new UserAsOfQuery({ poolId, username, at: parse(userAsOfQuery, query).at }, ctx));
  }

  @Get('user-pools/:poolId/as-of/users')
  async listUsersAsOf(@Param('poolId') poolId: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(listUsersAsOfQuery, query);
    const attributesToGet = q.attributesToGet
      ?.split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const input = {
      poolId,
      at: q.at,
      limit: q.limit,
      ...(q.filter ? { filter: q.filter } : {}),
      ...(attributesToGet ? { attributesToGet } : {}),
      ...(q.cursor ? { paginationToken: q.cursor } : {}),
    };
    return withCursor(await this.queries.execute(new ListUsersAsOfQuery(input, ctx)), 'PaginationToken');
  }

  @Get('user-pools/:poolId/as-of/groups/:groupName/members')
  async groupMembersAsOf(@Param('poolId') poolId: string, @Param('groupName') groupName: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const q = parse(groupMembersAsOfQuery, query);
    return withCursor(
      await this.queries.execute(new GroupMembersAsOfQuery({ poolId, groupName, at: q.at, limit: q.limit, ...(q.cursor ? { nextToken: q.cursor } : {}) }, ctx)),
      'NextToken',
    );
  }

  /** The deployment or one pool as a cairn-export file (JSON lines), secrets re-encrypted to the passphrase's key. */
  @Post('admin/export')
  @HttpCode(200)
  @Header('content-type', 'application/x-ndjson')
  export(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const b = parse(exportBody, body);
    return this.queries.execute(new ExportDeploymentQuery({ passphrase: b.passphrase, ...(b.poolId ? { poolId: b.poolId } : {}) }, ctx));
  }

  /** Imports a cairn-export file into this deployment (which must not hold its pools yet). */
  @Post('admin/import')
  @HttpCode(200)
  import(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const b = parse(importBody, body);
    return this.commands.execute(new ImportDeploymentCommand(b, ctx));
  }

  /** Reads the whole log: for operators and auditors, not for polling. */
  @Get('admin/log/verification')
  verify(@Ctx() ctx: RequestContext) {
    return this.queries.execute(new VerifyLogQuery({}, ctx));
  }
}

const attribute = z.object({ Name: z.string(), Value: z.string() });
const userType = z.object({
  Username: z.string(),
  Attributes: z.array(attribute),
  UserCreateDate: z.number(),
  UserLastModifiedDate: z.number(),
  Enabled: z.boolean(),
  UserStatus: z.string(),
});
const asOf = z.union([z.object({ position: z.string() }), z.object({ time: z.string() })]);
export const historyPageResponse = z.object({
  poolId: z.string(),
  sub: z.string(),
  events: z.array(
    z.object({
      position: z.string(),
      streamId: z.string(),
      stream: z.enum(['user', 'authlog', 'groups', 'refresh']),
      revision: z.string(),
      type: z.string(),
      eventId: z.string(),
      occurredAt: z.string(),
      actor: z.object({ kind: z.string(), id: z.string().optional() }),
      clientIp: z.string().optional(),
      userAgent: z.string().optional(),
      correlationId: z.string(),
      causationId: z.string(),
      data: z.unknown(),
    }),
  ),
  nextCursor: z.string().optional(),
});
export const userAsOfResponse = z.object({
  asOf,
  user: z.object({
    Username: z.string(),
    UserAttributes: z.array(attribute),
    UserCreateDate: z.number(),
    UserLastModifiedDate: z.number(),
    Enabled: z.boolean(),
    UserStatus: z.string(),
  }),
});
export const usersAsOfResponse = z.object({ asOf, Users: z.array(userType), nextCursor: z.string().optional() });
const passphrase = z.string().min(12).max(1024);
export const exportBody = z.object({ passphrase, poolId: z.string().min(1).max(55).optional() }).strict();
export const importBody = z.object({ passphrase, file: z.string().min(1) }).strict();
export const importResponse = z.object({ events: z.number(), streams: z.number(), pools: z.array(z.string()) });
export const erasureResponse = z.object({
  poolId: z.string(),
  sub: z.string(),
  deleted: z.boolean(),
  hadKey: z.boolean(),
  plaintextEvents: z.number().nullable(),
  erasedAt: z.string(),
});
export const verificationResponse = z.object({
  ok: z.boolean(),
  events: z.number(),
  streams: z.number(),
  chained: z.number(),
  preChain: z.number(),
  checkpoints: z.object({ sealed: z.number(), open: z.number(), eventsCovered: z.number(), eventsAfter: z.number() }),
  anchor: z.string().nullable(),
  findings: z.array(
    z.object({
      kind: z.string(),
      by: z.string(),
      streamId: z.string().optional(),
      revision: z.string().optional(),
      position: z.string().optional(),
      eventId: z.string().optional(),
      type: z.string().optional(),
      detail: z.string(),
    }),
  ),
});

/**
 * The routes above in the shape of src/api/rest/openapi.ts' OPERATIONS entries, for
 * `...HISTORY_OPERATIONS` in it (the document is then built from the same zod schemas that
 * validate these requests).
 */
export const HISTORY_OPERATIONS = {
  '/v1/user-pools/{poolId}/users/{username}/history': {
    get: {
      summary: "A user's history: every event in global order, with actor, address and correlation ids, secrets removed",
      auth: 'admin',
      query: historyQuery,
      ok: [200, 'A page of events', historyPageResponse],
      errors: [404],
    },
  },
  '/v1/user-pools/{poolId}/as-of/users/{username}': {
    get: {
      summary: 'AdminGetUser as of an instant (`at`: a log position or an ISO 8601 time)',
      auth: 'admin',
      query: userAsOfQuery,
      ok: [200, 'The user as it stood', userAsOfResponse],
      errors: [404],
    },
  },
  '/v1/user-pools/{poolId}/as-of/users': {
    get: { summary: 'ListUsers as of an instant', auth: 'admin', query: listUsersAsOfQuery, ok: [200, 'A page of users', usersAsOfResponse], errors: [404] },
  },
  '/v1/user-pools/{poolId}/as-of/groups/{groupName}/members': {
    get: {
      summary: "A group's members as of an instant",
      auth: 'admin',
      query: groupMembersAsOfQuery,
      ok: [200, 'A page of users', usersAsOfResponse],
      errors: [404],
    },
  },
  '/v1/user-pools/{poolId}/users/{username}/erase': {
    post: {
      summary: "Erase a user: delete them if they exist and destroy their data key, so their events' personal fields read as erased (the chain still verifies)",
      auth: 'admin',
      ok: [200, 'What was erased', erasureResponse],
      errors: [404],
    },
  },
  '/v1/admin/export': {
    post: {
      summary: 'Export the deployment or one pool (cairn-export JSON lines; secrets re-encrypted to a key derived from the passphrase; erased users left out)',
      auth: 'admin',
      body: exportBody,
      ok: [200, 'The export file (application/x-ndjson)', z.string()],
    },
  },
  '/v1/admin/import': {
    post: {
      summary: 'Import a cairn-export file into this deployment (its pools must not exist here)',
      auth: 'admin',
      body: importBody,
      ok: [200, 'What was imported', importResponse],
    },
  },
  '/v1/admin/log/verification': {
    get: {
      summary: "Verify the log's hash chains and checkpoints (reads the whole log)",
      auth: 'admin',
      ok: [200, 'The verification report', verificationResponse],
    },
  },
} satisfies Record<
  string,
  Partial<Record<'get' | 'post', { summary: string; auth: 'admin'; query?: z.ZodObject; body?: z.ZodType; ok: [number, string, z.ZodType]; errors?: number[] }>>
>;
