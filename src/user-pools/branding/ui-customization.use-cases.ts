import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { fold } from '../../shared/decider.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { AppClients } from '../clients/app-clients.js';
import { Pools } from '../pools.js';
import { effectiveCustomization, type StoredCustomization, uiCustomizationDecider } from './ui-customization.decider.js';
import { ALL_CLIENTS, type UICustomizationEvent, uiCustomizationStream } from './ui-customization.events.js';

/** What Get/SetUICustomization answer: the stored settings, or only the pool and client when nothing is set. */
export interface UICustomizationView {
  poolId: string;
  clientId: string;
  stored?: StoredCustomization;
}

export class SetUICustomizationCommand extends UseCaseCommand<{ poolId: string; clientId?: string; css?: string; image?: Uint8Array }, UICustomizationView> {}

@CommandHandler(SetUICustomizationCommand)
export class SetUICustomizationHandler implements ICommandHandler<SetUICustomizationCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input, context }: SetUICustomizationCommand): Promise<UICustomizationView> {
    const pool = await this.pools.load(input.poolId);
    const clientId = input.clientId ?? ALL_CLIENTS;
    if (clientId !== ALL_CLIENTS) await this.clients.load(clientId, pool.poolId);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: uiCustomizationStream(pool.poolId),
      decider: uiCustomizationDecider,
      context,
      now,
      retries: 3,
      command: () => ({ type: 'SetUICustomization' as const, poolId: pool.poolId, clientId, css: input.css, image: input.image, now: now.toISOString() }),
    });
    return { poolId: pool.poolId, clientId, stored: result.state.byClient[clientId] };
  }
}

export class GetUICustomizationQuery extends UseCaseQuery<{ poolId: string; clientId?: string }, UICustomizationView> {}

@QueryHandler(GetUICustomizationQuery)
export class GetUICustomizationHandler implements IQueryHandler<GetUICustomizationQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input }: GetUICustomizationQuery): Promise<UICustomizationView> {
    const pool = await this.pools.load(input.poolId);
    const clientId = input.clientId ?? ALL_CLIENTS;
    if (clientId !== ALL_CLIENTS) await this.clients.load(clientId, pool.poolId);
    const state = fold(uiCustomizationDecider, (await this.store.readStream(uiCustomizationStream(pool.poolId))) as never as UICustomizationEvent[]);
    const stored = effectiveCustomization(state, clientId);
    // A client without its own settings is shown the pool's, named ALL as Cognito names them.
    return { poolId: pool.poolId, clientId: stored?.clientId ?? clientId, stored };
  }
}

export const UI_CUSTOMIZATION_HANDLERS = [SetUICustomizationHandler, GetUICustomizationHandler];
