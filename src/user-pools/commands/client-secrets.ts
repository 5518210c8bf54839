import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { CLOCK, SECRETS, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { AppClients } from '../clients/app-clients.js';
import { clientDecider } from '../clients/client.decider.js';
import { clientStream } from '../clients/client.events.js';
import { newClientSecret } from '../clients/client-ids.js';
import { Pools } from '../pools.js';

/** A secret as AddUserPoolClientSecret / ListUserPoolClientSecrets describe it. */
export interface ClientSecretView {
  secretId: string;
  createdAt: string;
  /** Only in the answer to AddUserPoolClientSecret, and only when the service generated the secret. */
  value?: string;
}

/** AddUserPoolClientSecret: a second secret beside the current one, generated unless the caller brings its own. */
export class AddUserPoolClientSecretCommand extends UseCaseCommand<{ poolId: string; clientId: string; clientSecret?: string }, ClientSecretView> {}

@CommandHandler(AddUserPoolClientSecretCommand)
export class AddUserPoolClientSecretHandler implements ICommandHandler<AddUserPoolClientSecretCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input, context }: AddUserPoolClientSecretCommand): Promise<ClientSecretView> {
    await this.pools.load(input.poolId);
    await this.clients.load(input.clientId, input.poolId);
    const secret = input.clientSecret ?? newClientSecret();
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: clientStream(input.clientId),
      decider: clientDecider,
      context,
      now,
      // Safe to retry: a concurrent change is decided again on the fresh secrets (limit, ids).
      retries: 2,
      command: () => ({
        type: 'AddClientSecret' as const,
        poolId: input.poolId,
        encryptedSecret: this.secrets.encrypt(secret, `client-secret:${input.clientId}`),
        now: now.toISOString(),
      }),
    });
    const added = result.events.find((e) => e.type === 'UserPoolClientSecretAdded');
    if (!added) throw new Error('client secret not added');
    return { secretId: added.data.secretId, createdAt: added.data.createdAt, ...(input.clientSecret === undefined ? { value: secret } : {}) };
  }
}

/** DeleteUserPoolClientSecret: one secret stops working at once; the last one cannot go. */
export class DeleteUserPoolClientSecretCommand extends UseCaseCommand<{ poolId: string; clientId: string; secretId: string }, void> {}

@CommandHandler(DeleteUserPoolClientSecretCommand)
export class DeleteUserPoolClientSecretHandler implements ICommandHandler<DeleteUserPoolClientSecretCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input, context }: DeleteUserPoolClientSecretCommand): Promise<void> {
    await this.pools.load(input.poolId);
    await this.clients.load(input.clientId, input.poolId);
    const now = this.clock.now();
    await handleCommand({
      store: this.store,
      streamId: clientStream(input.clientId),
      decider: clientDecider,
      context,
      now,
      retries: 2,
      command: () => ({ type: 'DeleteClientSecret' as const, poolId: input.poolId, secretId: input.secretId, now: now.toISOString() }),
    });
  }
}

/** ListUserPoolClientSecrets: ids and creation dates, never the values. */
export class ListUserPoolClientSecretsQuery extends UseCaseQuery<{ poolId: string; clientId: string }, ClientSecretView[]> {}

@QueryHandler(ListUserPoolClientSecretsQuery)
export class ListUserPoolClientSecretsHandler implements IQueryHandler<ListUserPoolClientSecretsQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input }: ListUserPoolClientSecretsQuery): Promise<ClientSecretView[]> {
    await this.pools.load(input.poolId);
    const client = await this.clients.load(input.clientId, input.poolId);
    return client.secrets.map((s) => ({ secretId: s.secretId, createdAt: s.createdAt }));
  }
}
