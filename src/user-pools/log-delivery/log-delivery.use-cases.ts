import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { logDeliveryDecider } from './log-delivery.decider.js';
import { type LogConfiguration, type LogDeliveryEvent, logDeliveryStream } from './log-delivery.events.js';

/** SetLogDeliveryConfiguration: replaces the pool's log destinations (the delivery worker follows from the next event on). */
export class SetLogDeliveryConfigurationCommand extends UseCaseCommand<{ poolId: string; configurations: LogConfiguration[] }, LogConfiguration[]> {}

@CommandHandler(SetLogDeliveryConfigurationCommand)
export class SetLogDeliveryConfigurationHandler implements ICommandHandler<SetLogDeliveryConfigurationCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
  ) {}

  async execute({ input, context }: SetLogDeliveryConfigurationCommand): Promise<LogConfiguration[]> {
    const pool = await this.pools.load(input.poolId);
    const now = this.clock.now();
    const { state } = await handleCommand({
      store: this.store,
      streamId: logDeliveryStream(pool.poolId),
      decider: logDeliveryDecider,
      context,
      now,
      retries: 3,
      command: () => ({ type: 'SetLogDelivery' as const, poolId: pool.poolId, configurations: input.configurations, now: now.toISOString() }),
    });
    return state.configurations;
  }
}

/** GetLogDeliveryConfiguration. */
export class GetLogDeliveryConfigurationQuery extends UseCaseQuery<{ poolId: string }, LogConfiguration[]> {}

@QueryHandler(GetLogDeliveryConfigurationQuery)
export class GetLogDeliveryConfigurationHandler implements IQueryHandler<GetLogDeliveryConfigurationQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
  ) {}

  async execute({ input }: GetLogDeliveryConfigurationQuery): Promise<LogConfiguration[]> {
    const pool = await this.pools.load(input.poolId);
    return fold(logDeliveryDecider, (await this.store.readStream(logDeliveryStream(pool.poolId))) as never as LogDeliveryEvent[]).configurations;
  }
}

export const LOG_DELIVERY_HANDLERS = [SetLogDeliveryConfigurationHandler, GetLogDeliveryConfigurationHandler];
