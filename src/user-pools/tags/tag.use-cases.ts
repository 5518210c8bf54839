import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { fold } from '../../shared/decider.js';
import { CLOCK, SETTINGS, type ServiceSettings, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { poolIdOfArn } from './resource-arn.js';
import { tagsDecider } from './tags.decider.js';
import { type TagEvent, tagsStream } from './tags.events.js';

/** TagResource: sets tags on a user pool named by its ARN. */
export class TagResourceCommand extends UseCaseCommand<{ resourceArn: string; tags: Record<string, string> }, void> {}

@CommandHandler(TagResourceCommand)
export class TagResourceHandler implements ICommandHandler<TagResourceCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
  ) {}

  async execute({ input, context }: TagResourceCommand): Promise<void> {
    const pool = await this.pools.load(poolIdOfArn(input.resourceArn, this.settings.accountId));
    const now = this.clock.now();
    await handleCommand({
      store: this.store,
      streamId: tagsStream(pool.poolId),
      decider: tagsDecider,
      context,
      now,
      // Safe to retry: the limit and the changed values are decided again on the fresh tags.
      retries: 3,
      command: () => ({ type: 'TagPool' as const, poolId: pool.poolId, tags: input.tags, now: now.toISOString() }),
    });
  }
}

/** UntagResource: removes tags by key; keys the pool lacks are ignored. */
export class UntagResourceCommand extends UseCaseCommand<{ resourceArn: string; keys: string[] }, void> {}

@CommandHandler(UntagResourceCommand)
export class UntagResourceHandler implements ICommandHandler<UntagResourceCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
  ) {}

  async execute({ input, context }: UntagResourceCommand): Promise<void> {
    const pool = await this.pools.load(poolIdOfArn(input.resourceArn, this.settings.accountId));
    const now = this.clock.now();
    await handleCommand({
      store: this.store,
      streamId: tagsStream(pool.poolId),
      decider: tagsDecider,
      context,
      now,
      retries: 3,
      command: () => ({ type: 'UntagPool' as const, poolId: pool.poolId, keys: input.keys, now: now.toISOString() }),
    });
  }
}

/** ListTagsForResource: the pool's tags, from their stream (always current). */
export class ListTagsForResourceQuery extends UseCaseQuery<{ resourceArn: string }, Record<string, string>> {}

@QueryHandler(ListTagsForResourceQuery)
export class ListTagsForResourceHandler implements IQueryHandler<ListTagsForResourceQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: ListTagsForResourceQuery): Promise<Record<string, string>> {
    const pool = await this.pools.load(poolIdOfArn(input.resourceArn, this.settings.accountId));
    return fold(tagsDecider, (await this.store.readStream(tagsStream(pool.poolId))) as never as TagEvent[]).tags;
  }
}

export const TAG_HANDLERS = [TagResourceHandler, UntagResourceHandler, ListTagsForResourceHandler];
