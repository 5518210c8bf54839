import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { fold } from '../../shared/decider.js';
import { ResourceNotFoundError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, IDS, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { AppClients } from '../clients/app-clients.js';
import { Pools } from '../pools.js';
import { type BrandingCommand, brandingDecider, brandingNotFound, type StoredBranding, type StyleRequest } from './managed-login.decider.js';
import { brandingStream, type ManagedLoginBrandingEvent } from './managed-login.events.js';

/** A pool's branding styles; the style of a deleted client goes with it. */
@Injectable()
export class BrandingStyles {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly clients: AppClients,
  ) {}

  async live(poolId: string): Promise<StoredBranding[]> {
    const { styles } = fold(brandingDecider, (await this.store.readStream(brandingStream(poolId))) as never as ManagedLoginBrandingEvent[]);
    const alive: StoredBranding[] = [];
    for (const style of styles) {
      const exists = await this.clients.load(style.clientId, poolId).then(
        () => true,
        (error: unknown) => {
          if (error instanceof ResourceNotFoundError) return false;
          throw error;
        },
      );
      if (exists) alive.push(style);
    }
    return alive;
  }

  async byId(poolId: string, brandingId: string): Promise<StoredBranding> {
    const found = (await this.live(poolId)).find((s) => s.brandingId === brandingId);
    if (!found) throw brandingNotFound(brandingId);
    return found;
  }

  async run(poolId: string, context: RequestContext, clock: Clock, command: (now: string) => BrandingCommand) {
    const now = clock.now();
    return handleCommand({
      store: this.store,
      streamId: brandingStream(poolId),
      decider: brandingDecider,
      context,
      now,
      retries: 3,
      command: () => command(now.toISOString()),
    });
  }
}

export class CreateManagedLoginBrandingCommand extends UseCaseCommand<{ poolId: string; clientId: string; style: StyleRequest }, StoredBranding> {}

@CommandHandler(CreateManagedLoginBrandingCommand)
export class CreateManagedLoginBrandingHandler implements ICommandHandler<CreateManagedLoginBrandingCommand> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
    private readonly pools: Pools,
    private readonly clients: AppClients,
    private readonly styles: BrandingStyles,
  ) {}

  async execute({ input, context }: CreateManagedLoginBrandingCommand): Promise<StoredBranding> {
    const pool = await this.pools.load(input.poolId);
    await this.clients.load(input.clientId, pool.poolId);
    const brandingId = this.ids.uuid();
    const result = await this.styles.run(pool.poolId, context, this.clock, (now) => ({
      type: 'CreateBranding',
      poolId: pool.poolId,
      brandingId,
      clientId: input.clientId,
      style: input.style,
      now,
    }));
    return result.state.styles.find((s) => s.brandingId === brandingId)!;
  }
}

export class UpdateManagedLoginBrandingCommand extends UseCaseCommand<{ poolId: string; brandingId: string; style: StyleRequest }, StoredBranding> {}

@CommandHandler(UpdateManagedLoginBrandingCommand)
export class UpdateManagedLoginBrandingHandler implements ICommandHandler<UpdateManagedLoginBrandingCommand> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly styles: BrandingStyles,
  ) {}

  async execute({ input, context }: UpdateManagedLoginBrandingCommand): Promise<StoredBranding> {
    const pool = await this.pools.load(input.poolId);
    await this.styles.byId(pool.poolId, input.brandingId);
    const result = await this.styles.run(pool.poolId, context, this.clock, (now) => ({
      type: 'UpdateBranding',
      brandingId: input.brandingId,
      style: input.style,
      now,
    }));
    return result.state.styles.find((s) => s.brandingId === input.brandingId)!;
  }
}

export class DeleteManagedLoginBrandingCommand extends UseCaseCommand<{ poolId: string; brandingId: string }, void> {}

@CommandHandler(DeleteManagedLoginBrandingCommand)
export class DeleteManagedLoginBrandingHandler implements ICommandHandler<DeleteManagedLoginBrandingCommand> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly styles: BrandingStyles,
  ) {}

  async execute({ input, context }: DeleteManagedLoginBrandingCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    await this.styles.byId(pool.poolId, input.brandingId);
    await this.styles.run(pool.poolId, context, this.clock, (now) => ({ type: 'DeleteBranding', brandingId: input.brandingId, now }));
  }
}

export class DescribeManagedLoginBrandingQuery extends UseCaseQuery<{ poolId: string; brandingId?: string; clientId?: string }, StoredBranding> {}

@QueryHandler(DescribeManagedLoginBrandingQuery)
export class DescribeManagedLoginBrandingHandler implements IQueryHandler<DescribeManagedLoginBrandingQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly clients: AppClients,
    private readonly styles: BrandingStyles,
  ) {}

  async execute({ input }: DescribeManagedLoginBrandingQuery): Promise<StoredBranding> {
    const pool = await this.pools.load(input.poolId);
    if (input.brandingId !== undefined) return this.styles.byId(pool.poolId, input.brandingId);
    await this.clients.load(input.clientId ?? '', pool.poolId);
    const found = (await this.styles.live(pool.poolId)).find((s) => s.clientId === input.clientId);
    if (!found) throw new ResourceNotFoundError(`App client ${input.clientId} has no managed login branding style.`);
    return found;
  }
}

export const MANAGED_LOGIN_HANDLERS = [
  BrandingStyles,
  CreateManagedLoginBrandingHandler,
  UpdateManagedLoginBrandingHandler,
  DeleteManagedLoginBrandingHandler,
  DescribeManagedLoginBrandingHandler,
];
