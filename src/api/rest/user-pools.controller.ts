import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { RequestContext } from '../../shared/request-context.js';
import { ConfirmSignUpCommand } from '../../user-pools/commands/confirm-sign-up.js';
import { CreateUserPoolCommand } from '../../user-pools/commands/create-user-pool.js';
import { SignUpCommand } from '../../user-pools/commands/sign-up.js';
import { GetUserPoolQuery } from '../../user-pools/queries/get-user-pool.js';
import { ListUsersQuery } from '../../user-pools/queries/list-users.js';
import type { UserFilter } from '../../user-pools/queries/list-users-filter.js';
import { AdminGuard } from './admin.guard.js';
import { Ctx } from './request-context.js';
import { confirmSignUpBody, createUserPoolBody, listUsersQuery, signUpBody } from './schemas.js';
import { parse } from './validation.js';

/** The user-pool slice over REST; thin: parse, build a command or query, return its result. */
@Controller('v1/user-pools')
export class UserPoolsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @UseGuards(AdminGuard)
  async create(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    return this.commands.execute(new CreateUserPoolCommand(parse(createUserPoolBody, body), ctx));
  }

  @Get(':poolId')
  @UseGuards(AdminGuard)
  async get(@Param('poolId') poolId: string, @Ctx() ctx: RequestContext) {
    return this.queries.execute(new GetUserPoolQuery({ poolId }, ctx));
  }

  @Post(':poolId/sign-up')
  async signUp(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(signUpBody, body);
    const result = await this.commands.execute(
      new SignUpCommand({ via: { poolId }, username: input.username, password: input.password, attributes: input.attributes ?? {} }, ctx),
    );
    const delivery = result.codeDeliveryDetails;
    return {
      userSub: result.userSub,
      userConfirmed: result.userConfirmed,
      ...(delivery ? { codeDeliveryDetails: { destination: delivery.Destination, deliveryMedium: delivery.DeliveryMedium, attributeName: delivery.AttributeName } } : {}),
    };
  }

  @Post(':poolId/confirm-sign-up')
  @HttpCode(200)
  async confirmSignUp(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(confirmSignUpBody, body);
    await this.commands.execute(new ConfirmSignUpCommand({ via: { poolId }, username: input.username, code: input.code }, ctx));
    return { confirmed: true };
  }

  @Get(':poolId/users')
  @UseGuards(AdminGuard)
  async listUsers(@Param('poolId') poolId: string, @Query() query: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(listUsersQuery, query);
    const filters: UserFilter[] = [];
    if (input.usernamePrefix) filters.push({ attribute: 'username', match: 'prefix', value: input.usernamePrefix });
    if (input.emailPrefix) filters.push({ attribute: 'email', match: 'prefix', value: input.emailPrefix });
    const page = await this.queries.execute(new ListUsersQuery({ poolId, filters, limit: input.limit, ...(input.cursor ? { paginationToken: input.cursor } : {}) }, ctx));
    return { users: page.users, ...(page.paginationToken ? { nextCursor: page.paginationToken } : {}) };
  }
}
