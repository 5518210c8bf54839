import { randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { fold } from '../../shared/decider.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { CLOCK, READ_DB, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { NoSuchEntityError } from '../identity-pool.errors.js';
import { readOidcProvider } from '../identity-pools.repository.js';
import { IAM_ROLES_TABLE, IDENTITIES, OIDC_PROVIDERS_TABLE } from '../identity-tables.js';
import { decodePage, encodePage } from '../pages.js';
import { type ActiveRole, oidcProviderDecider, type OidcProviderState, roleDecider, type RoleCommand, requireRole } from '../role.decider.js';
import { oidcProviderStream, type RoleEvent, roleStream } from '../role.events.js';

export class CreateRoleCommand extends UseCaseCommand<
  { roleName: string; path?: string; description?: string; assumeRolePolicy: string; maxSessionDuration?: number; accountId: string },
  ActiveRole
> {}
export class UpdateRoleCommand extends UseCaseCommand<{ roleName: string; description?: string; maxSessionDuration?: number }, ActiveRole> {}
export class UpdateAssumeRolePolicyCommand extends UseCaseCommand<{ roleName: string; policy: string }, ActiveRole> {}
export class PutRolePolicyCommand extends UseCaseCommand<{ roleName: string; policyName: string; policy: string }, ActiveRole> {}
export class DeleteRolePolicyCommand extends UseCaseCommand<{ roleName: string; policyName: string }, ActiveRole> {}
export class DeleteRoleCommand extends UseCaseCommand<{ roleName: string }, void> {}
export class GetRoleQuery extends UseCaseQuery<{ roleName: string }, ActiveRole> {}
export class ListRolesQuery extends UseCaseQuery<{ limit: number; marker?: string }, { roles: { roleName: string; arn: string }[]; marker?: string }> {}

export type ActiveOidcProvider = Extract<OidcProviderState, { status: 'active' }>;
export class CreateOpenIdConnectProviderCommand extends UseCaseCommand<
  { url: string; clientIds: string[]; thumbprints: string[]; jwksUri?: string; accountId: string },
  ActiveOidcProvider
> {}
export class DeleteOpenIdConnectProviderCommand extends UseCaseCommand<{ arn: string }, void> {}
export class GetOpenIdConnectProviderQuery extends UseCaseQuery<{ arn: string }, ActiveOidcProvider> {}
export class ListOpenIdConnectProvidersQuery extends UseCaseQuery<Record<string, never>, { arn: string; url: string }[]> {}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** IAM-shaped unique id of a role (`AROA` and 17 characters). */
function newRoleId(): string {
  let id = 'AROA';
  for (const b of randomBytes(17)) id += BASE32[b & 31];
  return id;
}

/** Runs a role command on the role's stream (fresh state at every retry), then waits for the read model. */
abstract class RoleWriter {
  constructor(
    protected readonly store: EventStore,
    protected readonly clock: Clock,
    protected readonly readModels: ReadModels,
  ) {}

  protected async runRole(roleName: string, command: (now: string) => RoleCommand, context: RequestContext): Promise<ActiveRole | undefined> {
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: roleStream(roleName),
      decider: roleDecider,
      context,
      now,
      retries: 3,
      command: () => command(now.toISOString()),
    });
    await this.readModels.waitFor(IDENTITIES, result.append?.position);
    return result.state.status === 'active' ? result.state : undefined;
  }
}

@CommandHandler(CreateRoleCommand)
export class CreateRoleHandler extends RoleWriter implements ICommandHandler<CreateRoleCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: CreateRoleCommand): Promise<ActiveRole> {
    const path = input.path ?? '/';
    if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) throw new InvalidParameterError('Path must begin and end with /.');
    const role = {
      roleName: input.roleName,
      roleId: newRoleId(),
      arn: `arn:aws:iam::${input.accountId}:role${path}${input.roleName}`,
      path,
      ...(input.description !== undefined ? { description: input.description } : {}),
      assumeRolePolicy: input.assumeRolePolicy,
      ...(input.maxSessionDuration !== undefined ? { maxSessionDuration: input.maxSessionDuration } : {}),
    };
    return requireRole((await this.runRole(input.roleName, (now) => ({ type: 'CreateRole', role, now }), context)) ?? { status: 'absent' }, input.roleName);
  }
}

@CommandHandler(UpdateRoleCommand)
export class UpdateRoleHandler extends RoleWriter implements ICommandHandler<UpdateRoleCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: UpdateRoleCommand): Promise<ActiveRole> {
    const state = await this.runRole(input.roleName, (now) => ({ type: 'UpdateRole', ...input, now }), context);
    return requireRole(state ?? { status: 'absent' }, input.roleName);
  }
}

@CommandHandler(UpdateAssumeRolePolicyCommand)
export class UpdateAssumeRolePolicyHandler extends RoleWriter implements ICommandHandler<UpdateAssumeRolePolicyCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: UpdateAssumeRolePolicyCommand): Promise<ActiveRole> {
    const state = await this.runRole(
      input.roleName,
      (now) => ({ type: 'UpdateAssumeRolePolicy', roleName: input.roleName, policy: input.policy, now }),
      context,
    );
    return requireRole(state ?? { status: 'absent' }, input.roleName);
  }
}

@CommandHandler(PutRolePolicyCommand)
export class PutRolePolicyHandler extends RoleWriter implements ICommandHandler<PutRolePolicyCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: PutRolePolicyCommand): Promise<ActiveRole> {
    const state = await this.runRole(input.roleName, (now) => ({ type: 'PutRolePolicy', ...input, now }), context);
    return requireRole(state ?? { status: 'absent' }, input.roleName);
  }
}

@CommandHandler(DeleteRolePolicyCommand)
export class DeleteRolePolicyHandler extends RoleWriter implements ICommandHandler<DeleteRolePolicyCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: DeleteRolePolicyCommand): Promise<ActiveRole> {
    const state = await this.runRole(input.roleName, (now) => ({ type: 'DeleteRolePolicy', ...input, now }), context);
    return requireRole(state ?? { status: 'absent' }, input.roleName);
  }
}

@CommandHandler(DeleteRoleCommand)
export class DeleteRoleHandler extends RoleWriter implements ICommandHandler<DeleteRoleCommand> {
  constructor(@Inject(STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(READ_MODELS) readModels: ReadModels) {
    super(store, clock, readModels);
  }

  async execute({ input, context }: DeleteRoleCommand): Promise<void> {
    await this.runRole(input.roleName, (now) => ({ type: 'DeleteRole', roleName: input.roleName, now }), context);
  }
}

@QueryHandler(GetRoleQuery)
export class GetRoleHandler implements IQueryHandler<GetRoleQuery> {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  async execute({ input }: GetRoleQuery): Promise<ActiveRole> {
    return requireRole(fold(roleDecider, (await this.store.readStream(roleStream(input.roleName))) as unknown as RoleEvent[]), input.roleName);
  }
}

@QueryHandler(ListRolesQuery)
export class ListRolesHandler implements IQueryHandler<ListRolesQuery> {
  constructor(@Inject(READ_DB) private readonly db: SqlExecutor) {}

  async execute({ input }: ListRolesQuery) {
    const after = input.marker ? decodePage(input.marker) : '';
    const rows = (
      await this.db.query<{ role_key: string; role_name: string; arn: string }>(
        `SELECT role_key, role_name, arn FROM ${IAM_ROLES_TABLE} WHERE role_key > $1 ORDER BY role_key LIMIT $2`,
        [after, input.limit + 1],
      )
    ).rows;
    const page = rows.slice(0, input.limit);
    return {
      roles: page.map((r) => ({ roleName: r.role_name, arn: r.arn })),
      ...(rows.length > input.limit ? { marker: encodePage(page[page.length - 1].role_key) } : {}),
    };
  }
}

/** `https://host/path` (or `http://` on loopback, for local providers) → the provider's name, `host/path`. */
export function oidcName(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidParameterError(`Invalid OpenID Connect provider URL: ${url}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new InvalidParameterError('The OpenID Connect provider URL must use https (http only on loopback).');
  }
  if (parsed.search || parsed.hash) throw new InvalidParameterError('The OpenID Connect provider URL takes no query or fragment.');
  return `${parsed.host}${parsed.pathname}`.replace(/\/$/, '');
}

const oidcArnName = (arn: string) => arn.slice(arn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);

@CommandHandler(CreateOpenIdConnectProviderCommand)
export class CreateOpenIdConnectProviderHandler implements ICommandHandler<CreateOpenIdConnectProviderCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  async execute({ input, context }: CreateOpenIdConnectProviderCommand): Promise<ActiveOidcProvider> {
    const name = oidcName(input.url);
    if (input.jwksUri !== undefined) oidcName(input.jwksUri.replace(/\/[^/]*$/, '/'));
    const arn = `arn:aws:iam::${input.accountId}:oidc-provider/${name}`;
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: oidcProviderStream(name),
      decider: oidcProviderDecider,
      context,
      now,
      retries: 3,
      command: () => ({
        type: 'CreateOpenIdConnectProvider' as const,
        arn,
        url: input.url.replace(/\/$/, ''),
        clientIds: input.clientIds,
        thumbprints: input.thumbprints,
        ...(input.jwksUri ? { jwksUri: input.jwksUri } : {}),
        now: now.toISOString(),
      }),
    });
    await this.readModels.waitFor(IDENTITIES, result.append?.position);
    return result.state as ActiveOidcProvider;
  }
}

@CommandHandler(DeleteOpenIdConnectProviderCommand)
export class DeleteOpenIdConnectProviderHandler implements ICommandHandler<DeleteOpenIdConnectProviderCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  async execute({ input, context }: DeleteOpenIdConnectProviderCommand): Promise<void> {
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: oidcProviderStream(oidcArnName(input.arn)),
      decider: oidcProviderDecider,
      context,
      now,
      retries: 3,
      command: () => ({ type: 'DeleteOpenIdConnectProvider' as const, arn: input.arn, now: now.toISOString() }),
    });
    await this.readModels.waitFor(IDENTITIES, result.append?.position);
  }
}

@QueryHandler(GetOpenIdConnectProviderQuery)
export class GetOpenIdConnectProviderHandler implements IQueryHandler<GetOpenIdConnectProviderQuery> {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  async execute({ input }: GetOpenIdConnectProviderQuery): Promise<ActiveOidcProvider> {
    const state = await readOidcProvider(this.store, oidcArnName(input.arn));
    if (state.status !== 'active' || state.arn !== input.arn) throw new NoSuchEntityError(`OpenIDConnect Provider not found for arn ${input.arn}`);
    return state;
  }
}

@QueryHandler(ListOpenIdConnectProvidersQuery)
export class ListOpenIdConnectProvidersHandler implements IQueryHandler<ListOpenIdConnectProvidersQuery> {
  constructor(@Inject(READ_DB) private readonly db: SqlExecutor) {}

  async execute() {
    return (await this.db.query<{ arn: string; url: string }>(`SELECT arn, url FROM ${OIDC_PROVIDERS_TABLE} ORDER BY arn`)).rows;
  }
}
