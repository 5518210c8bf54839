import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import type { Ids } from '../../shared/ids.js';
import { CLOCK, IDS, READ_DB, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { type ActiveIdentityPool, identityPoolDecider, type IdentityPoolCommand, oidcProviderName, requirePool } from '../identity-pool.decider.js';
import { type IdentityPoolConfig, identityPoolStream, type PrincipalTagMap } from '../identity-pool.events.js';
import { loadIdentityPool, readOidcProvider } from '../identity-pools.repository.js';
import { IDENTITIES, IDENTITY_POOLS_TABLE } from '../identity-tables.js';
import { LoginVerifier } from '../logins.js';
import { decodePage, encodePage } from '../pages.js';
import type { PoolRoles, RoleMapping } from '../role-mapping.js';

/** Runs one identity-pool command with fresh state at every retry, then waits for the read model. */
abstract class PoolWriter {
  constructor(
    protected readonly store: EventStore,
    protected readonly clock: Clock,
    protected readonly readModels: ReadModels,
  ) {}

  protected async runPool(poolId: string, command: (now: string) => IdentityPoolCommand, context: RequestContext, newStream = false) {
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: identityPoolStream(poolId),
      decider: identityPoolDecider,
      context,
      now,
      retries: 3,
      newStream,
      command: () => command(now.toISOString()),
    });
    await this.readModels.waitFor(IDENTITIES, result.append?.position);
    if (result.state.status === 'absent' && !newStream) requirePool({ status: 'absent', poolId });
    return result.state;
  }
}

/** Checks a configuration's providers against this service: user pools it serves, OIDC providers it holds. */
async function resolveConfig(store: EventStore, logins: LoginVerifier, accountId: string, config: IdentityPoolConfig): Promise<IdentityPoolConfig> {
  const cognitoIdentityProviders = config.cognitoIdentityProviders.map((p) => {
    const providerName = logins.canonicalUserPoolProvider(p.providerName);
    if (!providerName) throw new InvalidParameterError(`Invalid Cognito Identity Provider: ${p.providerName}`);
    return { ...p, providerName };
  });
  for (const arn of config.openIdConnectProviderArns) {
    const provider = arn.startsWith(`arn:aws:iam::${accountId}:oidc-provider/`) ? await readOidcProvider(store, oidcProviderName(arn)) : undefined;
    if (provider?.status !== 'active') throw new InvalidParameterError(`Invalid OpenIdConnectProviderARN: ${arn}`);
  }
  if (config.samlProviderArns.length > 0) throw new InvalidParameterError('SAML providers are not supported by this service yet.');
  return { ...config, cognitoIdentityProviders };
}

export interface IdentityPoolConfigInput {
  config: IdentityPoolConfig;
  region: string;
  accountId: string;
}

export class CreateIdentityPoolCommand extends UseCaseCommand<IdentityPoolConfigInput, ActiveIdentityPool> {}
export class UpdateIdentityPoolCommand extends UseCaseCommand<IdentityPoolConfigInput & { poolId: string }, ActiveIdentityPool> {}
export class DeleteIdentityPoolCommand extends UseCaseCommand<{ poolId: string }, void> {}
export class DescribeIdentityPoolQuery extends UseCaseQuery<{ poolId: string }, ActiveIdentityPool> {}
export class SetIdentityPoolRolesCommand extends UseCaseCommand<{ poolId: string; roles: PoolRoles; roleMappings: Record<string, RoleMapping> }, void> {}
export class SetPrincipalTagAttributeMapCommand extends UseCaseCommand<{ poolId: string; providerName: string; map: PrincipalTagMap }, PrincipalTagMap> {}
export class ListIdentityPoolsQuery extends UseCaseQuery<
  { limit: number; nextToken?: string },
  { pools: { poolId: string; name: string }[]; nextToken?: string }
> {}

@CommandHandler(CreateIdentityPoolCommand)
export class CreateIdentityPoolHandler extends PoolWriter implements ICommandHandler<CreateIdentityPoolCommand> {
  constructor(
    @Inject(STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(READ_MODELS) readModels: ReadModels,
    @Inject(IDS) private readonly ids: Ids,
    private readonly logins: LoginVerifier,
  ) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: CreateIdentityPoolCommand): Promise<ActiveIdentityPool> {
    const config = await resolveConfig(this.store, this.logins, input.accountId, input.config);
    const poolId = `${input.region}:${this.ids.uuid()}`;
    const state = await this.runPool(poolId, (now) => ({ type: 'CreateIdentityPool', poolId, region: input.region, config, now }), context, true);
    requirePool(state);
    return state;
  }
}

@CommandHandler(UpdateIdentityPoolCommand)
export class UpdateIdentityPoolHandler extends PoolWriter implements ICommandHandler<UpdateIdentityPoolCommand> {
  constructor(
    @Inject(STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(READ_MODELS) readModels: ReadModels,
    private readonly logins: LoginVerifier,
  ) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: UpdateIdentityPoolCommand): Promise<ActiveIdentityPool> {
    await loadIdentityPool(this.store, input.poolId);
    const config = await resolveConfig(this.store, this.logins, input.accountId, input.config);
    const state = await this.runPool(input.poolId, (now) => ({ type: 'UpdateIdentityPool', config, now }), context);
    requirePool(state);
    return state;
  }
}

@CommandHandler(DeleteIdentityPoolCommand)
export class DeleteIdentityPoolHandler extends PoolWriter implements ICommandHandler<DeleteIdentityPoolCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: DeleteIdentityPoolCommand): Promise<void> {
    await loadIdentityPool(this.store, input.poolId);
    await this.runPool(input.poolId, (now) => ({ type: 'DeleteIdentityPool', now }), context);
  }
}

@QueryHandler(DescribeIdentityPoolQuery)
export class DescribeIdentityPoolHandler implements IQueryHandler<DescribeIdentityPoolQuery> {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  execute({ input }: DescribeIdentityPoolQuery): Promise<ActiveIdentityPool> {
    return loadIdentityPool(this.store, input.poolId);
  }
}

@CommandHandler(SetIdentityPoolRolesCommand)
export class SetIdentityPoolRolesHandler extends PoolWriter implements ICommandHandler<SetIdentityPoolRolesCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: SetIdentityPoolRolesCommand): Promise<void> {
    await loadIdentityPool(this.store, input.poolId);
    await this.runPool(input.poolId, (now) => ({ type: 'SetIdentityPoolRoles', roles: input.roles, roleMappings: input.roleMappings, now }), context);
  }
}

@CommandHandler(SetPrincipalTagAttributeMapCommand)
export class SetPrincipalTagAttributeMapHandler extends PoolWriter implements ICommandHandler<SetPrincipalTagAttributeMapCommand> {
  constructor(
    @Inject(STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(READ_MODELS) readModels: ReadModels,
    private readonly logins: LoginVerifier,
  ) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: SetPrincipalTagAttributeMapCommand): Promise<PrincipalTagMap> {
    await loadIdentityPool(this.store, input.poolId);
    const providerName = this.logins.canonicalUserPoolProvider(input.providerName) ?? input.providerName;
    await this.runPool(input.poolId, (now) => ({ type: 'SetPrincipalTagAttributeMap', providerName, map: input.map, now }), context);
    return input.map;
  }
}

@QueryHandler(ListIdentityPoolsQuery)
export class ListIdentityPoolsHandler implements IQueryHandler<ListIdentityPoolsQuery> {
  constructor(@Inject(READ_DB) private readonly db: SqlExecutor) {}

  async execute({ input }: ListIdentityPoolsQuery) {
    const after = input.nextToken ? decodePage(input.nextToken) : '';
    const rows = (
      await this.db.query<{ pool_id: string; name: string }>(`SELECT pool_id, name FROM ${IDENTITY_POOLS_TABLE} WHERE pool_id > $1 ORDER BY pool_id LIMIT $2`, [
        after,
        input.limit + 1,
      ])
    ).rows;
    const page = rows.slice(0, input.limit);
    return {
      pools: page.map((r) => ({ poolId: r.pool_id, name: r.name })),
      ...(rows.length > input.limit ? { nextToken: encodePage(page[page.length - 1].pool_id) } : {}),
    };
  }
}
