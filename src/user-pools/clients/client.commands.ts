import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Platform } from '../../platform/platform.js';
import { PLATFORM } from '../../platform/platform.token.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { RequestContext } from '../../shared/request-context.js';
import { waitForReadModels } from '../commands/consistency.js';
import { loadPool } from '../user-pool.repository.js';
import { clientDecider } from './client.decider.js';
import { defaultClientSettings } from './client-defaults.js';
import { type ClientSettings, clientStream } from './client.events.js';
import { newClientId, newClientSecret } from './client-ids.js';
import { type ActiveClient, loadClient } from './client.repository.js';

/** A client as the API shows it: settings plus the plaintext secret (Describe returns it, as Cognito does). */
export interface ClientView extends ClientSettings {
  clientId: string;
  poolId: string;
  clientSecret?: string;
  createdAt: string;
  updatedAt: string;
}

export function clientView(platform: Platform, client: ActiveClient): ClientView {
  return {
    clientId: client.clientId,
    poolId: client.poolId,
    ...client.settings,
    ...(client.encryptedSecret ? { clientSecret: platform.secrets.decrypt(client.encryptedSecret, `client-secret:${client.clientId}`) } : {}),
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}

export class CreateUserPoolClientCommand extends Command<ClientView> {
  constructor(
    readonly input: { poolId: string; generateSecret: boolean; settings: Partial<ClientSettings> & { clientName: string } },
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(CreateUserPoolClientCommand)
export class CreateUserPoolClientHandler implements ICommandHandler<CreateUserPoolClientCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: CreateUserPoolClientCommand): Promise<ClientView> {
    const pool = await loadPool(this.platform.store, input.poolId);
    const clientId = newClientId();
    const now = new Date();
    const secret = input.generateSecret ? newClientSecret() : undefined;
    const result = await handleCommand({
      store: this.platform.store,
      streamId: clientStream(clientId),
      decider: clientDecider,
      context,
      now,
      command: () => ({
        type: 'CreateClient' as const,
        clientId,
        poolId: pool.poolId,
        encryptedSecret: secret ? this.platform.secrets.encrypt(secret, `client-secret:${clientId}`) : undefined,
        settings: { ...defaultClientSettings(input.settings.clientName), ...stripUndefined(input.settings) },
        now: now.toISOString(),
      }),
    });
    await waitForReadModels(this.platform, result.append?.position);
    if (result.state.status !== 'active') throw new Error('client not created');
    return clientView(this.platform, result.state);
  }
}

export class UpdateUserPoolClientCommand extends Command<ClientView> {
  constructor(
    readonly input: { poolId: string; clientId: string; settings: Partial<ClientSettings> },
    readonly context: RequestContext,
  ) {
    super();
  }
}

/**
 * Cognito's UpdateUserPoolClient replaces the whole configuration: fields left out go back to
 * their defaults (except the name, kept when not given).
 */
@CommandHandler(UpdateUserPoolClientCommand)
export class UpdateUserPoolClientHandler implements ICommandHandler<UpdateUserPoolClientCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: UpdateUserPoolClientCommand): Promise<ClientView> {
    const current = await loadClient(this.platform.store, input.clientId, input.poolId);
    const now = new Date();
    const result = await handleCommand({
      store: this.platform.store,
      streamId: clientStream(input.clientId),
      decider: clientDecider,
      context,
      now,
      command: () => ({
        type: 'UpdateClient' as const,
        poolId: input.poolId,
        settings: { ...defaultClientSettings(input.settings.clientName ?? current.settings.clientName), ...stripUndefined(input.settings) },
        now: now.toISOString(),
      }),
    });
    await waitForReadModels(this.platform, result.append?.position);
    if (result.state.status !== 'active') throw new Error('client not updated');
    return clientView(this.platform, result.state);
  }
}

export class DeleteUserPoolClientCommand extends Command<void> {
  constructor(
    readonly input: { poolId: string; clientId: string },
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(DeleteUserPoolClientCommand)
export class DeleteUserPoolClientHandler implements ICommandHandler<DeleteUserPoolClientCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ input, context }: DeleteUserPoolClientCommand): Promise<void> {
    await loadClient(this.platform.store, input.clientId, input.poolId);
    const now = new Date();
    const result = await handleCommand({
      store: this.platform.store,
      streamId: clientStream(input.clientId),
      decider: clientDecider,
      context,
      now,
      command: () => ({ type: 'DeleteClient' as const, poolId: input.poolId, now: now.toISOString() }),
    });
    await waitForReadModels(this.platform, result.append?.position);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
