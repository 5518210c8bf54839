import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { RequestContext } from '../../shared/request-context.js';
import { ConfirmSignUpCommand } from '../../user-pools/commands/confirm-sign-up.js';
import { CreateUserPoolCommand } from '../../user-pools/commands/create-user-pool.js';
import { SignUpCommand } from '../../user-pools/commands/sign-up.js';
import { GetUserPoolQuery } from '../../user-pools/queries/get-user-pool.js';
import { ListUsersQuery } from '../../user-pools/queries/list-users.js';
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
  async get(@Param('poolId') poolId: string) {
    return this.queries.execute(new GetUserPoolQuery(poolId));
  }

  @Post(':poolId/sign-up')
  async signUp(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(signUpBody, body);
    return this.commands.execute(new SignUpCommand({ poolId, ...input, attributes: input.attributes ?? {} }, ctx));
  }

  @Post(':poolId/confirm-sign-up')
  @HttpCode(200)
  async confirmSignUp(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new ConfirmSignUpCommand({ poolId, ...parse(confirmSignUpBody, body) }, ctx));
    return { confirmed: true };
  }

  @Get(':poolId/users')
  @UseGuards(AdminGuard)
  async listUsers(@Param('poolId') poolId: string, @Query() query: unknown) {
    return this.queries.execute(new ListUsersQuery({ poolId, ...parse(listUsersQuery, query) }));
  }
}
