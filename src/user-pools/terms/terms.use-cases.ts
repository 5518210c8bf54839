import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import { handleCommand } from '../../shared/command-handler.js';
import type { Clock } from '../../shared/clock.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, IDS, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { AppClients } from '../clients/app-clients.js';
import { Pools } from '../pools.js';
import { Users } from '../users.js';
import { termsAcceptanceDecider } from './terms-acceptance.decider.js';
import { type StoredTerms, type TermsCommand, termsDecider, termsNotFound } from './terms.decider.js';
import { type TermsDocument, type TermsEvent, type TermsName, termsAcceptedStream, termsStream } from './terms.events.js';

/** A pool's terms documents, from their stream; documents of deleted clients are gone with them. */
@Injectable()
export class PoolTerms {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly clients: AppClients,
  ) {}

  async live(poolId: string): Promise<StoredTerms[]> {
    const { terms } = fold(termsDecider, (await this.store.readStream(termsStream(poolId))) as never as TermsEvent[]);
    const clientIds = [...new Set(terms.map((t) => t.clientId))];
    const alive = new Set<string>();
    for (const clientId of clientIds) {
      const found = await this.clients.load(clientId, poolId).then(
        () => true,
        (error: unknown) => {
          if (error instanceof ResourceNotFoundError) return false;
          throw error;
        },
      );
      if (found) alive.add(clientId);
    }
    return terms.filter((t) => alive.has(t.clientId));
  }

  async byId(poolId: string, termsId: string): Promise<StoredTerms> {
    const found = (await this.live(poolId)).find((t) => t.termsId === termsId);
    if (!found) throw termsNotFound(termsId);
    return found;
  }
}

/** Runs one terms command on the pool's terms stream (safe to retry: decided again on fresh state). */
async function runTerms(store: EventStore, clock: Clock, poolId: string, context: RequestContext, command: (now: string) => TermsCommand) {
  const now = clock.now();
  return handleCommand({ store, streamId: termsStream(poolId), decider: termsDecider, context, now, retries: 3, command: () => command(now.toISOString()) });
}

export class CreateTermsCommand extends UseCaseCommand<{ poolId: string; clientId: string; document: TermsDocument }, StoredTerms> {}

@CommandHandler(CreateTermsCommand)
export class CreateTermsHandler implements ICommandHandler<CreateTermsCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: Ids,
    private readonly pools: Pools,
    private readonly clients: AppClients,
  ) {}

  async execute({ input, context }: CreateTermsCommand): Promise<StoredTerms> {
    const pool = await this.pools.load(input.poolId);
    await this.clients.load(input.clientId, pool.poolId);
    const termsId = this.ids.uuid();
    const result = await runTerms(this.store, this.clock, pool.poolId, context, (now) => ({
      type: 'CreateTerms',
      poolId: pool.poolId,
      termsId,
      clientId: input.clientId,
      ...input.document,
      now,
    }));
    return result.state.terms.find((t) => t.termsId === termsId)!;
  }
}

export class UpdateTermsCommand extends UseCaseCommand<{ poolId: string; termsId: string; changes: Partial<TermsDocument> }, StoredTerms> {}

@CommandHandler(UpdateTermsCommand)
export class UpdateTermsHandler implements ICommandHandler<UpdateTermsCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly terms: PoolTerms,
  ) {}

  async execute({ input, context }: UpdateTermsCommand): Promise<StoredTerms> {
    const pool = await this.pools.load(input.poolId);
    await this.terms.byId(pool.poolId, input.termsId);
    const result = await runTerms(this.store, this.clock, pool.poolId, context, (now) => ({
      type: 'UpdateTerms',
      termsId: input.termsId,
      changes: input.changes,
      now,
    }));
    return result.state.terms.find((t) => t.termsId === input.termsId)!;
  }
}

export class DeleteTermsCommand extends UseCaseCommand<{ poolId: string; termsId: string }, void> {}

@CommandHandler(DeleteTermsCommand)
export class DeleteTermsHandler implements ICommandHandler<DeleteTermsCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly terms: PoolTerms,
  ) {}

  async execute({ input, context }: DeleteTermsCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    await this.terms.byId(pool.poolId, input.termsId);
    await runTerms(this.store, this.clock, pool.poolId, context, (now) => ({ type: 'DeleteTerms', termsId: input.termsId, now }));
  }
}

export class DescribeTermsQuery extends UseCaseQuery<{ poolId: string; termsId: string }, StoredTerms> {}

@QueryHandler(DescribeTermsQuery)
export class DescribeTermsHandler implements IQueryHandler<DescribeTermsQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly terms: PoolTerms,
  ) {}

  async execute({ input }: DescribeTermsQuery): Promise<StoredTerms> {
    const pool = await this.pools.load(input.poolId);
    return this.terms.byId(pool.poolId, input.termsId);
  }
}

export class DescribeTermsByClientQuery extends UseCaseQuery<{ poolId: string; clientId: string; termsName: TermsName }, StoredTerms> {}

@QueryHandler(DescribeTermsByClientQuery)
export class DescribeTermsByClientHandler implements IQueryHandler<DescribeTermsByClientQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly clients: AppClients,
    private readonly terms: PoolTerms,
  ) {}

  async execute({ input }: DescribeTermsByClientQuery): Promise<StoredTerms> {
    const pool = await this.pools.load(input.poolId);
    await this.clients.load(input.clientId, pool.poolId);
    const found = (await this.terms.live(pool.poolId)).find((t) => t.clientId === input.clientId && t.termsName === input.termsName);
    if (!found) throw new ResourceNotFoundError(`Terms named ${input.termsName} do not exist for client ${input.clientId}.`);
    return found;
  }
}

export class ListTermsQuery extends UseCaseQuery<{ poolId: string; maxResults: number; nextToken?: string }, { terms: StoredTerms[]; nextToken?: string }> {}

@QueryHandler(ListTermsQuery)
export class ListTermsHandler implements IQueryHandler<ListTermsQuery> {
  constructor(
    private readonly pools: Pools,
    private readonly terms: PoolTerms,
  ) {}

  async execute({ input }: ListTermsQuery): Promise<{ terms: StoredTerms[]; nextToken?: string }> {
    const pool = await this.pools.load(input.poolId);
    const all = await this.terms.live(pool.poolId);
    // The token is the id of the last document shown; the list is in creation order.
    let start = 0;
    if (input.nextToken !== undefined) {
      const after = Buffer.from(input.nextToken, 'base64url').toString('utf8');
      const at = all.findIndex((t) => t.termsId === after);
      if (at < 0) throw new InvalidParameterError('Invalid NextToken');
      start = at + 1;
    }
    const page = all.slice(start, start + input.maxResults);
    const more = start + input.maxResults < all.length;
    return { terms: page, ...(more ? { nextToken: Buffer.from(page[page.length - 1].termsId).toString('base64url') } : {}) };
  }
}

/**
 * A user accepted an app client's terms documents. No Cognito action sends this: the hosted
 * sign-up page (issue 14) runs it when the user ticks the box, so the acceptance is an event.
 */
export class RecordTermsAcceptanceCommand extends UseCaseCommand<{ poolId: string; clientId: string; sub: string; termsIds: string[] }, void> {}

@CommandHandler(RecordTermsAcceptanceCommand)
export class RecordTermsAcceptanceHandler implements ICommandHandler<RecordTermsAcceptanceCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly users: Users,
    private readonly terms: PoolTerms,
  ) {}

  async execute({ input, context }: RecordTermsAcceptanceCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const { user } = await this.users.bySub(pool.poolId, input.sub);
    const live = await this.terms.live(pool.poolId);
    const accepted = input.termsIds.map((id) => {
      const found = live.find((t) => t.termsId === id && t.clientId === input.clientId);
      if (!found) throw termsNotFound(id);
      return { termsId: found.termsId, termsName: found.termsName, links: found.links };
    });
    const now = this.clock.now();
    await handleCommand({
      store: this.store,
      streamId: termsAcceptedStream(pool.poolId, user.sub),
      decider: termsAcceptanceDecider,
      context,
      now,
      retries: 3,
      command: () => ({
        type: 'AcceptTerms' as const,
        data: { poolId: pool.poolId, sub: user.sub, clientId: input.clientId, terms: accepted, at: now.toISOString() },
      }),
    });
  }
}

export const TERMS_PROVIDERS = [
  PoolTerms,
  CreateTermsHandler,
  UpdateTermsHandler,
  DeleteTermsHandler,
  DescribeTermsHandler,
  DescribeTermsByClientHandler,
  ListTermsHandler,
  RecordTermsAcceptanceHandler,
];
