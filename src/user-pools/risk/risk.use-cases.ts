import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { AppClients } from '../clients/app-clients.js';
import { Pools } from '../pools.js';
import { effectiveRiskConfiguration, riskDecider, type RiskState } from './risk.decider.js';
import { type RiskConfiguration, type RiskEvent, riskStream } from './risk.events.js';
import { requireThreatProtection } from './threat-protection.js';

/** A risk configuration as the API shows it: whose it is (a client's, or the pool's: `ALL`), and when it was set. */
export interface RiskConfigurationView {
  poolId: string;
  clientId: string;
  configuration?: RiskConfiguration;
  lastModified?: string;
}

/** Cognito names the pool-wide configuration with this client id. */
export const ALL_CLIENTS = 'ALL';

/** The pool's risk configurations from their stream (always current). */
@Injectable()
export class RiskConfigurations {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  async load(poolId: string): Promise<RiskState> {
    return fold(riskDecider, (await this.store.readStream(riskStream(poolId))) as never as RiskEvent[]);
  }

  /** What a client's sign-ins follow (its own configuration, else the pool's); undefined: Cognito's defaults. */
  async forClient(poolId: string, clientId: string): Promise<RiskConfiguration | undefined> {
    return effectiveRiskConfiguration(await this.load(poolId), clientId).stored?.configuration;
  }
}

function view(poolId: string, state: RiskState, clientId: string | undefined): RiskConfigurationView {
  const effective = effectiveRiskConfiguration(state, clientId);
  return {
    poolId,
    clientId: effective.clientId ?? ALL_CLIENTS,
    ...(effective.stored ? { configuration: effective.stored.configuration, lastModified: effective.stored.at } : {}),
  };
}

/** `ALL` (or nothing) names the pool's own configuration. */
const clientOf = (clientId: string | undefined) => (clientId === undefined || clientId === ALL_CLIENTS ? undefined : clientId);

/**
 * SetRiskConfiguration: the pool's (or a client's) threat-protection settings. Only the ids:
 * the pool back to the defaults, or the client inheriting the pool's again.
 */
export class SetRiskConfigurationCommand extends UseCaseCommand<
  { poolId: string; clientId?: string; configuration?: RiskConfiguration },
  RiskConfigurationView
> {}

@CommandHandler(SetRiskConfigurationCommand)
export class SetRiskConfigurationHandler implements ICommandHandler<SetRiskConfigurationCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input, context }: SetRiskConfigurationCommand): Promise<RiskConfigurationView> {
    const pool = await this.pools.load(input.poolId);
    const clientId = clientOf(input.clientId);
    if (clientId) await this.clients.load(clientId, pool.poolId);
    requireThreatProtection(pool.settings);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: riskStream(pool.poolId),
      decider: riskDecider,
      context,
      now,
      retries: 3,
      command: () => ({
        type: 'SetRiskConfiguration' as const,
        poolId: pool.poolId,
        ...(clientId ? { clientId } : {}),
        configuration: input.configuration,
        now: now.toISOString(),
      }),
    });
    return view(pool.poolId, result.state, clientId);
  }
}

/** DescribeRiskConfiguration: the client's configuration, or the pool's it inherits. */
export class DescribeRiskConfigurationQuery extends UseCaseQuery<{ poolId: string; clientId?: string }, RiskConfigurationView> {}

@QueryHandler(DescribeRiskConfigurationQuery)
export class DescribeRiskConfigurationHandler implements IQueryHandler<DescribeRiskConfigurationQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly clients: AppClients,
    private readonly configurations: RiskConfigurations,
  ) {}

  async execute({ input }: DescribeRiskConfigurationQuery): Promise<RiskConfigurationView> {
    const pool = await this.pools.load(input.poolId);
    const clientId = clientOf(input.clientId);
    if (clientId) await this.clients.load(clientId, pool.poolId);
    requireThreatProtection(pool.settings);
    return view(pool.poolId, await this.configurations.load(pool.poolId), clientId);
  }
}
