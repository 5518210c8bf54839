import { UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand, UpdateUserPoolClientCommand } from '../../user-pools/clients/client.commands.js';
import { DescribeUserPoolClientQuery, ListUserPoolClientsQuery } from '../../user-pools/clients/client.queries.js';
import { CreateUserPoolCommand } from '../../user-pools/commands/create-user-pool.js';
import { DeleteUserPoolCommand } from '../../user-pools/commands/delete-user-pool.js';
import { UpdateUserPoolCommand } from '../../user-pools/commands/update-user-pool.js';
import { GetUserPoolQuery } from '../../user-pools/queries/get-user-pool.js';
import { ListUserPoolsQuery } from '../../user-pools/queries/list-user-pools.js';
import { poolOut } from '../rest/presenters.js';
import type { AuthenticatedRequest } from '../rest/request-context.js';
import { createClientBody, createUserPoolBody, updateClientBody, updateUserPoolBody } from '../rest/schemas.js';
import { parse } from '../rest/validation.js';
import { GraphqlCallers, GraphqlErrorFilter, defined, pageSize, revisionIn, revisionOut } from './support.js';
import { AppClient, AppClientInput, AppClientPage, CreateUserPoolInput, UserPool, UserPoolPage, UserPoolSettingsInput } from './types.js';

/** User pools and app clients (admin key). Inputs are checked by the REST surface's schemas. */
@Resolver()
@UseFilters(GraphqlErrorFilter)
export class PoolsResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly callers: GraphqlCallers,
  ) {}

  @Query(() => UserPoolPage, { description: 'Every region’s pools' })
  async userPools(
    @Context('req') req: AuthenticatedRequest,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const page = await this.queries.execute(new ListUserPoolsQuery({ limit: pageSize(first), ...(after ? { cursor: after } : {}) }, ctx));
    return { nodes: page.pools, endCursor: page.nextCursor };
  }

  @Query(() => UserPool)
  async userPool(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string) {
    const pool = await this.queries.execute(new GetUserPoolQuery({ poolId }, await this.callers.admin(req)));
    return { ...poolOut(pool), revision: revisionOut(pool.revision) };
  }

  @Mutation(() => UserPool)
  async createUserPool(@Context('req') req: AuthenticatedRequest, @Args('input') input: CreateUserPoolInput) {
    const ctx = await this.callers.admin(req);
    const { customAttributes, ...rest } = parse(createUserPoolBody, defined(input));
    return poolOut(await this.commands.execute(new CreateUserPoolCommand({ ...rest, ...(customAttributes ? { schema: customAttributes } : {}) }, ctx)));
  }

  @Mutation(() => UserPool, { description: 'Replaces the mutable settings (left out: defaults); with expectedRevision only at that revision' })
  async updateUserPool(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('input') input: UserPoolSettingsInput,
    @Args('expectedRevision', { nullable: true }) expectedRevision?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const settings = parse(updateUserPoolBody, defined(input));
    const revision = revisionIn(expectedRevision);
    return poolOut(
      await this.commands.execute(new UpdateUserPoolCommand({ ...settings, poolId, ...(revision !== undefined ? { expectedRevision: revision } : {}) }, ctx)),
    );
  }

  @Mutation(() => Boolean)
  async deleteUserPool(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string) {
    await this.commands.execute(new DeleteUserPoolCommand({ poolId }, await this.callers.admin(req)));
    return true;
  }

  @Query(() => AppClientPage)
  async appClients(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    const ctx = await this.callers.admin(req);
    const page = await this.queries.execute(new ListUserPoolClientsQuery({ poolId, maxResults: pageSize(first), ...(after ? { nextToken: after } : {}) }, ctx));
    return { nodes: page.clients, endCursor: page.nextToken };
  }

  @Query(() => AppClient)
  async appClient(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('clientId') clientId: string) {
    return this.queries.execute(new DescribeUserPoolClientQuery({ poolId, clientId }, await this.callers.admin(req)));
  }

  @Mutation(() => AppClient)
  async createAppClient(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('input') input: AppClientInput) {
    const ctx = await this.callers.admin(req);
    const { generateSecret, ...settings } = parse(createClientBody, defined(input));
    return this.commands.execute(new CreateUserPoolClientCommand({ poolId, generateSecret: generateSecret ?? false, settings }, ctx));
  }

  @Mutation(() => AppClient, { description: "Replaces the client's configuration (left out: defaults)" })
  async updateAppClient(
    @Context('req') req: AuthenticatedRequest,
    @Args('poolId') poolId: string,
    @Args('clientId') clientId: string,
    @Args('input') input: AppClientInput,
  ) {
    const ctx = await this.callers.admin(req);
    return this.commands.execute(new UpdateUserPoolClientCommand({ poolId, clientId, settings: parse(updateClientBody, defined(input)) }, ctx));
  }

  @Mutation(() => Boolean)
  async deleteAppClient(@Context('req') req: AuthenticatedRequest, @Args('poolId') poolId: string, @Args('clientId') clientId: string) {
    await this.commands.execute(new DeleteUserPoolClientCommand({ poolId, clientId }, await this.callers.admin(req)));
    return true;
  }
}
