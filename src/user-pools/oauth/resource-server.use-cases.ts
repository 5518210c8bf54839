import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { customScopes, type ResourceServer, resourceServerDecider, type ResourceServersState } from './resource-server.decider.js';
import { type ResourceServerEvent, resourceServersStream } from './resource-server.events.js';

export interface ResourceServerView extends ResourceServer {
  poolId: string;
}

/** A pool's resource servers, from their stream (always current). */
export async function loadResourceServers(store: EventStore, poolId: string): Promise<ResourceServersState> {
  return fold(resourceServerDecider, (await store.readStream(resourceServersStream(poolId))) as never as ResourceServerEvent[]);
}

abstract class ResourceServerCommandHandler {
  constructor(
    @Inject(STORE) protected readonly store: EventStore,
    @Inject(CLOCK) protected readonly clock: Clock,
    protected readonly pools: Pools,
  ) {}

  protected async run(
    poolId: string,
    context: RequestContext,
    command: (now: string) => Parameters<typeof resourceServerDecider.decide>[0],
  ): Promise<ResourceServersState> {
    const pool = await this.pools.load(poolId);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: resourceServersStream(pool.poolId),
      decider: resourceServerDecider,
      context,
      now,
      retries: 3,
      command: () => command(now.toISOString()),
    });
    return result.state;
  }
}

const found = (poolId: string, state: ResourceServersState, identifier: string): ResourceServerView => {
  const server = state.servers.find((s) => s.identifier === identifier);
  if (!server) throw new ResourceNotFoundError(`Resource server ${identifier} does not exist.`);
  return { poolId, ...server };
};

export class CreateResourceServerCommand extends UseCaseCommand<{ poolId: string; server: ResourceServer }, ResourceServerView> {}

@CommandHandler(CreateResourceServerCommand)
export class CreateResourceServerHandler extends ResourceServerCommandHandler implements ICommandHandler<CreateResourceServerCommand> {
  async execute({ input, context }: CreateResourceServerCommand): Promise<ResourceServerView> {
    const state = await this.run(input.poolId, context, (now) => ({ type: 'CreateResourceServer', poolId: input.poolId, server: input.server, now }));
    return found(input.poolId, state, input.server.identifier);
  }
}

export class UpdateResourceServerCommand extends UseCaseCommand<{ poolId: string; server: ResourceServer }, ResourceServerView> {}

@CommandHandler(UpdateResourceServerCommand)
export class UpdateResourceServerHandler extends ResourceServerCommandHandler implements ICommandHandler<UpdateResourceServerCommand> {
  async execute({ input, context }: UpdateResourceServerCommand): Promise<ResourceServerView> {
    const state = await this.run(input.poolId, context, (now) => ({ type: 'UpdateResourceServer', server: input.server, now }));
    return found(input.poolId, state, input.server.identifier);
  }
}

export class DeleteResourceServerCommand extends UseCaseCommand<{ poolId: string; identifier: string }, void> {}

@CommandHandler(DeleteResourceServerCommand)
export class DeleteResourceServerHandler extends ResourceServerCommandHandler implements ICommandHandler<DeleteResourceServerCommand> {
  async execute({ input, context }: DeleteResourceServerCommand): Promise<void> {
    await this.run(input.poolId, context, (now) => ({ type: 'DeleteResourceServer', identifier: input.identifier, now }));
  }
}

export class DescribeResourceServerQuery extends UseCaseQuery<{ poolId: string; identifier: string }, ResourceServerView> {}

@QueryHandler(DescribeResourceServerQuery)
export class DescribeResourceServerHandler implements IQueryHandler<DescribeResourceServerQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: DescribeResourceServerQuery): Promise<ResourceServerView> {
    const pool = await this.pools.load(input.poolId);
    return found(pool.poolId, await loadResourceServers(this.store, pool.poolId), input.identifier);
  }
}

export class ListResourceServersQuery extends UseCaseQuery<
  { poolId: string; maxResults: number; nextToken?: string },
  { servers: ResourceServerView[]; nextToken?: string }
> {}

/** Pages in creation order; the token is the index of the next server (a pool holds at most 25). */
@QueryHandler(ListResourceServersQuery)
export class ListResourceServersHandler implements IQueryHandler<ListResourceServersQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: ListResourceServersQuery) {
    const pool = await this.pools.load(input.poolId);
    const { servers } = await loadResourceServers(this.store, pool.poolId);
    const start = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.nextToken, 'base64url').toString(), 10);
    if (!Number.isInteger(start) || start < 0 || start > servers.length) throw new InvalidParameterError('Invalid pagination token');
    const page = servers.slice(start, start + input.maxResults).map((s) => ({ poolId: pool.poolId, ...s }));
    const next = start + page.length;
    return { servers: page, ...(next < servers.length ? { nextToken: Buffer.from(String(next)).toString('base64url') } : {}) };
  }
}

/** Every custom scope of a pool (`<identifier>/<scope>`), for the OAuth surface's list of known scopes. */
export class PoolCustomScopesQuery extends UseCaseQuery<{ poolId: string }, string[]> {}

@QueryHandler(PoolCustomScopesQuery)
export class PoolCustomScopesHandler implements IQueryHandler<PoolCustomScopesQuery> {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  async execute({ input }: PoolCustomScopesQuery): Promise<string[]> {
    return [...customScopes(await loadResourceServers(this.store, input.poolId))].sort();
  }
}

export const RESOURCE_SERVER_HANDLERS = [
  PoolCustomScopesHandler,
  CreateResourceServerHandler,
  UpdateResourceServerHandler,
  DeleteResourceServerHandler,
  DescribeResourceServerHandler,
  ListResourceServersHandler,
];
