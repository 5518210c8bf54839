import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { SqlExecutor } from '../../db/sql.js';
import { UniqueConstraintError } from '../../event-store/errors.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { NotAuthorizedError, ResourceConflictError } from '../../shared/domain-error.js';
import { READ_DB, READ_MODELS, type ReadModels, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import type { ActiveIdentity } from '../identity.decider.js';
import type { Login } from '../identity.events.js';
import { Identities } from '../identities.js';
import { IdentityAccessCheck, LOGINS_DONT_MATCH, UNAUTHENTICATED_NOT_SUPPORTED } from '../identity-access.js';
import { loadIdentity, loadIdentityPool, readIdentity } from '../identity-pools.repository.js';
import { IDENTITIES, IDENTITIES_TABLE, IDENTITY_LOGINS_TABLE } from '../identity-tables.js';
import { LoginVerifier } from '../logins.js';
import { decodePage, encodePage } from '../pages.js';

/** Attempts at GetId when a concurrent GetId links the same login first (then its identity is the answer). */
const GET_ID_ATTEMPTS = 4;

export class GetIdCommand extends UseCaseCommand<{ poolId: string; logins?: Record<string, string> }, string> {}
export class DescribeIdentityQuery extends UseCaseQuery<{ identityId: string }, ActiveIdentity> {}
export class DeleteIdentitiesCommand extends UseCaseCommand<{ identityIds: string[] }, { identityId: string; errorCode: string }[]> {}
export class UnlinkIdentityCommand extends UseCaseCommand<{ identityId: string; logins: Record<string, string>; loginsToRemove: string[] }, void> {}

export interface IdentityRow {
  identityId: string;
  poolId: string;
  logins: string[];
  createdAt: string;
  updatedAt: string;
}
export class ListIdentitiesQuery extends UseCaseQuery<
  { poolId: string; limit: number; nextToken?: string; hideDisabled?: boolean },
  { identities: IdentityRow[]; nextToken?: string }
> {}

/**
 * GetId: the identity of the presented logins, created on first sight.
 * 1. the pool; no logins is a guest (a new identity each time), where the pool allows guests;
 * 2. every token verified against the pool's providers;
 * 3. the identities already holding those logins: one is the answer (the other logins are
 *    linked to it), two are a conflict, none means a new identity claiming them all.
 * A race on a login (two first sign-ins at once) is settled by the unique claim: the loser
 * looks again and finds the winner's identity.
 */
@CommandHandler(GetIdCommand)
export class GetIdHandler implements ICommandHandler<GetIdCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly verifier: LoginVerifier,
    private readonly identities: Identities,
  ) {}

  async execute({ input, context }: GetIdCommand): Promise<string> {
    const pool = await loadIdentityPool(this.store, input.poolId);
    const presented = input.logins ?? {};
    if (Object.keys(presented).length === 0) {
      if (!pool.config.allowUnauthenticated) throw new NotAuthorizedError(UNAUTHENTICATED_NOT_SUPPORTED);
      const guest = await this.identities.create(pool.poolId, [], context);
      if (!guest) throw new Error('a guest identity claims no login');
      return guest.identityId;
    }
    const logins: Login[] = (await this.verifier.verify(pool, presented)).map((v) => ({ provider: v.provider, subject: v.subject }));
    for (let attempt = 0; attempt < GET_ID_ATTEMPTS; attempt++) {
      const holders = new Set((await Promise.all(logins.map((l) => this.identities.holderOf(pool.poolId, l)))).filter((h): h is string => !!h));
      if (holders.size > 1) throw new ResourceConflictError(LOGINS_DONT_MATCH);
      const [holder] = holders;
      if (holder) {
        try {
          await this.identities.run(holder, pool.poolId, (now) => ({ type: 'LinkLogins', logins, now }), context);
          return holder;
        } catch (error) {
          if (!(error instanceof UniqueConstraintError)) throw error;
          continue;
        }
      }
      const created = await this.identities.create(pool.poolId, logins, context);
      if (created) return created.identityId;
    }
    throw new ResourceConflictError(LOGINS_DONT_MATCH);
  }
}

@QueryHandler(DescribeIdentityQuery)
export class DescribeIdentityHandler implements IQueryHandler<DescribeIdentityQuery> {
  constructor(@Inject(STORE) private readonly store: EventStore) {}

  execute({ input }: DescribeIdentityQuery): Promise<ActiveIdentity> {
    return loadIdentity(this.store, input.identityId);
  }
}

/** DeleteIdentities: each identity (and its logins' claims) goes; ids that name no identity are skipped, as Cognito does. */
@CommandHandler(DeleteIdentitiesCommand)
export class DeleteIdentitiesHandler implements ICommandHandler<DeleteIdentitiesCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly identities: Identities,
  ) {}

  async execute({ input, context }: DeleteIdentitiesCommand) {
    const unprocessed: { identityId: string; errorCode: string }[] = [];
    for (const identityId of input.identityIds) {
      const state = await readIdentity(this.store, identityId);
      if (state.status !== 'active') continue;
      try {
        await this.identities.run(identityId, state.poolId, (now) => ({ type: 'DeleteIdentity', now }), context);
      } catch {
        unprocessed.push({ identityId, errorCode: 'InternalServerError' });
      }
    }
    return unprocessed;
  }
}

/** UnlinkIdentity: the caller proves the identity with its logins, then the named providers' logins are released. */
@CommandHandler(UnlinkIdentityCommand)
export class UnlinkIdentityHandler implements ICommandHandler<UnlinkIdentityCommand> {
  constructor(
    private readonly access: IdentityAccessCheck,
    private readonly verifier: LoginVerifier,
    private readonly identities: Identities,
  ) {}

  async execute({ input, context }: UnlinkIdentityCommand): Promise<void> {
    if (Object.keys(input.logins).length === 0) throw new NotAuthorizedError(LOGINS_DONT_MATCH);
    const { identity, pool } = await this.access.check(input.identityId, input.logins, context);
    const providers = new Set(input.loginsToRemove.map((p) => this.verifier.canonicalUserPoolProvider(p) ?? p));
    const logins = identity.logins.filter((l) => providers.has(l.provider));
    if (logins.length === 0) return;
    await this.identities.run(identity.identityId, pool.poolId, (now) => ({ type: 'UnlinkLogins', logins, now }), context);
  }
}

@QueryHandler(ListIdentitiesQuery)
export class ListIdentitiesHandler implements IQueryHandler<ListIdentitiesQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: SqlExecutor,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  async execute({ input }: ListIdentitiesQuery) {
    await loadIdentityPool(this.store, input.poolId);
    // Reads after this process's latest writes: wait for the read model to reach the log's head.
    await this.readModels.waitFor(IDENTITIES, await this.store.headPosition());
    const after = input.nextToken ? decodePage(input.nextToken) : '';
    const rows = (
      await this.db.query<{ identity_id: string; created_at: Date | string; updated_at: Date | string; logins: string[] | null }>(
        `SELECT i.identity_id, i.created_at, i.updated_at,
           (SELECT array_agg(DISTINCT l.provider ORDER BY l.provider) FROM ${IDENTITY_LOGINS_TABLE} l WHERE l.identity_id = i.identity_id) AS logins
         FROM ${IDENTITIES_TABLE} i WHERE i.pool_id = $1 AND i.identity_id > $2 ORDER BY i.identity_id LIMIT $3`,
        [input.poolId, after, input.limit + 1],
      )
    ).rows;
    const page = rows.slice(0, input.limit);
    const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();
    return {
      identities: page.map((r) => ({
        identityId: r.identity_id,
        poolId: input.poolId,
        logins: r.logins ?? [],
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
      })),
      ...(rows.length > input.limit ? { nextToken: encodePage(page[page.length - 1].identity_id) } : {}),
    };
  }
}
