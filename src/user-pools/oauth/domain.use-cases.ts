import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import { UniqueConstraintError } from '../../event-store/errors.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { CLOCK, SECRETS, SETTINGS, type ServiceSettings, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import { type DomainCommand, domainDecider, type DomainState } from './domain.decider.js';
import { USER_POOL_DOMAIN_SCOPE, type UserPoolDomainEvent, userPoolDomainStream } from './domain.events.js';

/** A pool's domain as the API and the OAuth surface see it. */
export interface DomainView {
  poolId: string;
  domain: string;
  certificateArn?: string;
  managedLoginVersion: 1 | 2;
  /** The host the domain is served from (Cognito's CloudFrontDomain). */
  cloudFrontDomain: string;
  /** Where the domain's endpoints live: `<PUBLIC_BASE_URL>/auth/<domain>` (a path prefix per domain). */
  baseUrl: string;
}

/** The path prefix under which a pool domain's OAuth endpoints and hosted pages are served. */
export const domainBasePath = (domain: string) => `/auth/${domain}`;

function view(settings: ServiceSettings, state: DomainState): DomainView | undefined {
  if (!state.exists) return undefined;
  return {
    poolId: state.poolId,
    domain: state.domain,
    ...(state.certificateArn ? { certificateArn: state.certificateArn } : {}),
    managedLoginVersion: state.managedLoginVersion,
    cloudFrontDomain: new URL(settings.publicBaseUrl).host,
    baseUrl: `${settings.publicBaseUrl}${domainBasePath(state.domain)}`,
  };
}

abstract class DomainCommandHandler {
  constructor(
    @Inject(STORE) protected readonly store: EventStore,
    @Inject(SECRETS) protected readonly secrets: Secrets,
    @Inject(CLOCK) protected readonly clock: Clock,
    @Inject(SETTINGS) protected readonly settings: ServiceSettings,
    protected readonly pools: Pools,
  ) {}

  /** Runs one command on the pool's domain stream; the domain name is claimed or released in the same append. */
  protected async run(poolId: string, context: RequestContext, command: (now: string) => DomainCommand): Promise<DomainView | undefined> {
    const pool = await this.pools.load(poolId);
    const now = this.clock.now();
    try {
      const result = await handleCommand({
        store: this.store,
        streamId: userPoolDomainStream(pool.poolId),
        decider: domainDecider,
        context,
        now,
        retries: 3,
        command: () => command(now.toISOString()),
        unique: (events) =>
          events.flatMap((e) =>
            e.type === 'UserPoolDomainCreated' || e.type === 'UserPoolDomainDeleted'
              ? [
                  {
                    scope: USER_POOL_DOMAIN_SCOPE,
                    value: this.secrets.uniqueValue(USER_POOL_DOMAIN_SCOPE, e.data.domain),
                    change: e.type === 'UserPoolDomainCreated' ? ('claim' as const) : ('release' as const),
                  },
                ]
              : [],
          ),
      });
      return view(this.settings, result.state);
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new InvalidParameterError('Domain already associated with another user pool.');
      throw error;
    }
  }
}

export class CreateUserPoolDomainCommand extends UseCaseCommand<
  { poolId: string; domain: string; certificateArn?: string; managedLoginVersion?: 1 | 2 },
  DomainView
> {}

@CommandHandler(CreateUserPoolDomainCommand)
export class CreateUserPoolDomainHandler extends DomainCommandHandler implements ICommandHandler<CreateUserPoolDomainCommand> {
  async execute({ input, context }: CreateUserPoolDomainCommand): Promise<DomainView> {
    const created = await this.run(input.poolId, context, (now) => ({
      type: 'CreateDomain',
      poolId: input.poolId,
      domain: input.domain,
      certificateArn: input.certificateArn,
      managedLoginVersion: input.managedLoginVersion ?? 1,
      now,
    }));
    if (!created) throw new Error('domain not created');
    return created;
  }
}

export class UpdateUserPoolDomainCommand extends UseCaseCommand<
  { poolId: string; domain: string; certificateArn?: string; managedLoginVersion?: 1 | 2 },
  DomainView
> {}

@CommandHandler(UpdateUserPoolDomainCommand)
export class UpdateUserPoolDomainHandler extends DomainCommandHandler implements ICommandHandler<UpdateUserPoolDomainCommand> {
  async execute({ input, context }: UpdateUserPoolDomainCommand): Promise<DomainView> {
    const updated = await this.run(input.poolId, context, (now) => ({
      type: 'UpdateDomain',
      domain: input.domain,
      certificateArn: input.certificateArn,
      managedLoginVersion: input.managedLoginVersion ?? 1,
      now,
    }));
    if (!updated) throw new Error('domain not updated');
    return updated;
  }
}

export class DeleteUserPoolDomainCommand extends UseCaseCommand<{ poolId: string; domain: string }, void> {}

@CommandHandler(DeleteUserPoolDomainCommand)
export class DeleteUserPoolDomainHandler extends DomainCommandHandler implements ICommandHandler<DeleteUserPoolDomainCommand> {
  async execute({ input, context }: DeleteUserPoolDomainCommand): Promise<void> {
    await this.run(input.poolId, context, (now) => ({ type: 'DeleteDomain', domain: input.domain, now }));
  }
}

/** DescribeUserPoolDomain, and how the OAuth surface finds a request's pool: a domain name → its pool's domain (undefined: no such domain). */
export class DescribeUserPoolDomainQuery extends UseCaseQuery<{ domain: string }, DomainView | undefined> {}

@QueryHandler(DescribeUserPoolDomainQuery)
export class DescribeUserPoolDomainHandler implements IQueryHandler<DescribeUserPoolDomainQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  async execute({ input }: DescribeUserPoolDomainQuery): Promise<DomainView | undefined> {
    const domain = input.domain.toLowerCase();
    const streamId = await this.store.findUniqueHolder(USER_POOL_DOMAIN_SCOPE, this.secrets.uniqueValue(USER_POOL_DOMAIN_SCOPE, domain));
    if (!streamId) return undefined;
    const state = fold(domainDecider, (await this.store.readStream(streamId)) as never as UserPoolDomainEvent[]);
    return state.exists && state.domain === domain ? view(this.settings, state) : undefined;
  }
}

/** The domain of a pool, if it has one (the discovery document names its endpoints). */
export class PoolDomainQuery extends UseCaseQuery<{ poolId: string }, DomainView | undefined> {}

@QueryHandler(PoolDomainQuery)
export class PoolDomainHandler implements IQueryHandler<PoolDomainQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  async execute({ input }: PoolDomainQuery): Promise<DomainView | undefined> {
    return view(this.settings, await loadPoolDomain(this.store, input.poolId));
  }
}

export async function loadPoolDomain(store: EventStore, poolId: string): Promise<DomainState> {
  return fold(domainDecider, (await store.readStream(userPoolDomainStream(poolId))) as never as UserPoolDomainEvent[]);
}

export const DOMAIN_HANDLERS = [
  CreateUserPoolDomainHandler,
  UpdateUserPoolDomainHandler,
  DeleteUserPoolDomainHandler,
  DescribeUserPoolDomainHandler,
  PoolDomainHandler,
];
