import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { CLOCK, READ_MODELS, type ReadModels, SECRETS, STORE, USER_DIRECTORY } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { AppClients } from './app-clients.js';
import { checkClientAttributes } from './client-attributes.js';
import { authFlowSettings, type ExplicitAuthFlowName } from './client-auth-flows.js';
import { clientDecider } from './client.decider.js';
import { defaultClientSettings } from './client-defaults.js';
import { type ClientSettings, clientStream } from './client.events.js';
import { newClientId, newClientSecret } from './client-ids.js';
import type { ActiveClient } from './client.repository.js';
import type { ActivePool } from '../user-pool.repository.js';
import { customScopes } from '../oauth/resource-server.decider.js';
import { loadResourceServers } from '../oauth/resource-server.use-cases.js';
import { checkOAuthSettings } from './client-oauth.js';
import { identityProviderNames } from '../identity-providers/identity-provider.use-cases.js';

/** A client as the API shows it: settings plus the plaintext secret (Describe returns it, as Cognito does). */
export interface ClientView extends ClientSettings {
  clientId: string;
  poolId: string;
  clientSecret?: string;
  createdAt: string;
  updatedAt: string;
}

export function clientView(clients: AppClients, client: ActiveClient): ClientView {
  const secret = clients.revealSecret(client);
  return {
    clientId: client.clientId,
    poolId: client.poolId,
    ...client.settings,
    ...(secret !== undefined ? { clientSecret: secret } : {}),
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}

/** Settings as Create/UpdateUserPoolClient receive them: members left out take Cognito's defaults; flows may carry legacy names. */
export type ClientSettingsInput = Partial<Omit<ClientSettings, 'explicitAuthFlows' | 'legacyAuthFlows'>> & { explicitAuthFlows?: ExplicitAuthFlowName[] };

/** The complete settings a create or update records: defaults, the given members, flows mapped, permissions checked against the pool. */
function resolveClientSettings(pool: ActivePool, clientName: string, input: ClientSettingsInput): ClientSettings {
  const { explicitAuthFlows, ...rest } = input;
  const settings: ClientSettings = {
    ...defaultClientSettings(clientName),
    ...stripUndefined(rest),
    ...(explicitAuthFlows ? authFlowSettings(explicitAuthFlows) : {}),
  };
  checkClientAttributes(pool, settings);
  return settings;
}

export class CreateUserPoolClientCommand extends UseCaseCommand<
  { poolId: string; generateSecret: boolean; settings: ClientSettingsInput & { clientName: string } },
  ClientView
> {}

@CommandHandler(CreateUserPoolClientCommand)
export class CreateUserPoolClientHandler implements ICommandHandler<CreateUserPoolClientCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  /** AllowedOAuthFlows, scopes (standard or a resource server's), callback and sign-out URLs, as Cognito checks them. */
  private async checkOAuth(pool: ActivePool, settings: ClientSettings, hasSecret: boolean): Promise<void> {
    checkOAuthSettings(settings, {
      poolId: pool.poolId,
      hasSecret,
      customScopes: customScopes(await loadResourceServers(this.store, pool.poolId)),
      providerNames: await identityProviderNames(this.store, pool.poolId),
    });
  }

  async execute({ input, context }: CreateUserPoolClientCommand): Promise<ClientView> {
    const pool = await this.pools.load(input.poolId);
    const clientId = newClientId();
    const now = this.clock.now();
    const secret = input.generateSecret ? newClientSecret() : undefined;
    const settings = resolveClientSettings(pool, input.settings.clientName, input.settings);
    await this.checkOAuth(pool, settings, secret !== undefined);
    const result = await handleCommand({
      store: this.store,
      streamId: clientStream(clientId),
      decider: clientDecider,
      context,
      now,
      command: () => ({
        type: 'CreateClient' as const,
        clientId,
        poolId: pool.poolId,
        encryptedSecret: secret ? this.secrets.encrypt(secret, `client-secret:${clientId}`) : undefined,
        settings,
        now: now.toISOString(),
      }),
    });
    await this.readModels.waitFor(USER_DIRECTORY, result.append?.position);
    if (result.state.status !== 'active') throw new Error('client not created');
    return clientView(this.clients, result.state);
  }
}

export class UpdateUserPoolClientCommand extends UseCaseCommand<{ poolId: string; clientId: string; settings: ClientSettingsInput }, ClientView> {}

/**
 * Cognito's UpdateUserPoolClient replaces the whole configuration: fields left out go back to
 * their defaults (except the name, kept when not given).
 */
@CommandHandler(UpdateUserPoolClientCommand)
export class UpdateUserPoolClientHandler implements ICommandHandler<UpdateUserPoolClientCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  /** AllowedOAuthFlows, scopes (standard or a resource server's), callback and sign-out URLs, as Cognito checks them. */
  private async checkOAuth(pool: ActivePool, settings: ClientSettings, hasSecret: boolean): Promise<void> {
    checkOAuthSettings(settings, {
      poolId: pool.poolId,
      hasSecret,
      customScopes: customScopes(await loadResourceServers(this.store, pool.poolId)),
      providerNames: await identityProviderNames(this.store, pool.poolId),
    });
  }

  async execute({ input, context }: UpdateUserPoolClientCommand): Promise<ClientView> {
    const pool = await this.pools.load(input.poolId);
    const current = await this.clients.load(input.clientId, input.poolId);
    const settings = resolveClientSettings(pool, input.settings.clientName ?? current.settings.clientName, input.settings);
    await this.checkOAuth(pool, settings, current.secrets.length > 0);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: clientStream(input.clientId),
      decider: clientDecider,
      context,
      now,
      command: () => ({
        type: 'UpdateClient' as const,
        poolId: input.poolId,
        settings,
        now: now.toISOString(),
      }),
    });
    await this.readModels.waitFor(USER_DIRECTORY, result.append?.position);
    if (result.state.status !== 'active') throw new Error('client not updated');
    return clientView(this.clients, result.state);
  }
}

export class DeleteUserPoolClientCommand extends UseCaseCommand<{ poolId: string; clientId: string }, void> {}

@CommandHandler(DeleteUserPoolClientCommand)
export class DeleteUserPoolClientHandler implements ICommandHandler<DeleteUserPoolClientCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input, context }: DeleteUserPoolClientCommand): Promise<void> {
    await this.clients.load(input.clientId, input.poolId);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: clientStream(input.clientId),
      decider: clientDecider,
      context,
      now,
      command: () => ({ type: 'DeleteClient' as const, poolId: input.poolId, now: now.toISOString() }),
    });
    await this.readModels.waitFor(USER_DIRECTORY, result.append?.position);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
