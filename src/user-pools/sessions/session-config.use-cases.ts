import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { fold } from '../../shared/decider.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { AppClients } from '../clients/app-clients.js';
import { Pools } from '../pools.js';
import { DEFAULT_SSO_MAX_VALIDITY_MINUTES, sessionConfigDecider, type SessionConfigState } from './session-config.decider.js';
import { type SessionConfigEvent, sessionConfigStream, type UserSessionTracking } from './session-config.events.js';

/** A pool's session settings from their stream (always current); the auth context's session use cases read them too. */
@Injectable()
export class SessionConfigurations {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  async load(poolId: string): Promise<SessionConfigState> {
    return fold(sessionConfigDecider, (await this.store.readStream(sessionConfigStream(poolId))) as never as SessionConfigEvent[]);
  }
}

export interface PoolSessionConfiguration {
  poolId: string;
  userSessionTracking: UserSessionTracking;
  maxPerUser: number;
}

export interface ClientSessionConfiguration {
  poolId: string;
  clientId: string;
  maxValidityMinutes: number;
}

const poolView = (poolId: string, s: SessionConfigState): PoolSessionConfiguration => ({
  poolId,
  userSessionTracking: s.userSessionTracking,
  maxPerUser: s.maxPerUser,
});
const clientView = (poolId: string, clientId: string, s: SessionConfigState): ClientSessionConfiguration => ({
  poolId,
  clientId,
  maxValidityMinutes: s.clients[clientId]?.maxValidityMinutes ?? DEFAULT_SSO_MAX_VALIDITY_MINUTES,
});

/** SetUserPoolSessionConfiguration: a full replacement of the pool-level settings. */
export class SetUserPoolSessionConfigurationCommand extends UseCaseCommand<
  { poolId: string; userSessionTracking: UserSessionTracking; maxPerUser: number },
  PoolSessionConfiguration
> {}

@CommandHandler(SetUserPoolSessionConfigurationCommand)
export class SetUserPoolSessionConfigurationHandler implements ICommandHandler<SetUserPoolSessionConfigurationCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
  ) {}

  async execute({ input, context }: SetUserPoolSessionConfigurationCommand): Promise<PoolSessionConfiguration> {
    const pool = await this.pools.load(input.poolId);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: sessionConfigStream(pool.poolId),
      decider: sessionConfigDecider,
      context,
      now,
      retries: 3,
      command: () => ({
        type: 'SetPoolSessionConfiguration' as const,
        poolId: pool.poolId,
        userSessionTracking: input.userSessionTracking,
        maxPerUser: input.maxPerUser,
        now: now.toISOString(),
      }),
    });
    return poolView(pool.poolId, result.state);
  }
}

export class GetUserPoolSessionConfigurationQuery extends UseCaseQuery<{ poolId: string }, PoolSessionConfiguration> {}

@QueryHandler(GetUserPoolSessionConfigurationQuery)
export class GetUserPoolSessionConfigurationHandler implements IQueryHandler<GetUserPoolSessionConfigurationQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly configurations: SessionConfigurations,
  ) {}

  async execute({ input }: GetUserPoolSessionConfigurationQuery): Promise<PoolSessionConfiguration> {
    const pool = await this.pools.load(input.poolId);
    return poolView(pool.poolId, await this.configurations.load(pool.poolId));
  }
}

/** SetUserPoolClientSessionConfiguration: the client's SSO-session reuse, only while the pool tracks sessions. */
export class SetUserPoolClientSessionConfigurationCommand extends UseCaseCommand<
  { poolId: string; clientId: string; maxValidityMinutes: number },
  ClientSessionConfiguration
> {}

@CommandHandler(SetUserPoolClientSessionConfigurationCommand)
export class SetUserPoolClientSessionConfigurationHandler implements ICommandHandler<SetUserPoolClientSessionConfigurationCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input, context }: SetUserPoolClientSessionConfigurationCommand): Promise<ClientSessionConfiguration> {
    const pool = await this.pools.load(input.poolId);
    await this.clients.load(input.clientId, pool.poolId);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: sessionConfigStream(pool.poolId),
      decider: sessionConfigDecider,
      context,
      now,
      retries: 3,
      command: () => ({
        type: 'SetClientSessionConfiguration' as const,
        poolId: pool.poolId,
        clientId: input.clientId,
        maxValidityMinutes: input.maxValidityMinutes,
        now: now.toISOString(),
      }),
    });
    return clientView(pool.poolId, input.clientId, result.state);
  }
}

export class GetUserPoolClientSessionConfigurationQuery extends UseCaseQuery<{ poolId: string; clientId: string }, ClientSessionConfiguration> {}

@QueryHandler(GetUserPoolClientSessionConfigurationQuery)
export class GetUserPoolClientSessionConfigurationHandler implements IQueryHandler<GetUserPoolClientSessionConfigurationQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly clients: AppClients,
    private readonly configurations: SessionConfigurations,
  ) {}

  async execute({ input }: GetUserPoolClientSessionConfigurationQuery): Promise<ClientSessionConfiguration> {
    const pool = await this.pools.load(input.poolId);
    await this.clients.load(input.clientId, pool.poolId);
    return clientView(pool.poolId, input.clientId, await this.configurations.load(pool.poolId));
  }
}

export const SESSION_CONFIG_PROVIDERS = [
  SessionConfigurations,
  SetUserPoolSessionConfigurationHandler,
  GetUserPoolSessionConfigurationHandler,
  SetUserPoolClientSessionConfigurationHandler,
  GetUserPoolClientSessionConfigurationHandler,
];
