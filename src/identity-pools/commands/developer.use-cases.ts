import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UniqueConstraintError } from '../../event-store/errors.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { InvalidParameterError, ResourceConflictError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import type { ActiveIdentityPool } from '../identity-pool.decider.js';
import { DeveloperUserAlreadyRegisteredError } from '../identity-pool.errors.js';
import type { Login } from '../identity.events.js';
import { Identities } from '../identities.js';
import { LOGINS_DONT_MATCH } from '../identity-access.js';
import { loadIdentity, loadIdentityPool } from '../identity-pools.repository.js';
import { LoginVerifier } from '../logins.js';
import { OpenIdTokens } from '../openid-tokens.js';

export class GetOpenIdTokenForDeveloperIdentityCommand extends UseCaseCommand<
  { poolId: string; identityId?: string; logins: Record<string, string>; principalTags?: Record<string, string>; tokenDuration?: number },
  { identityId: string; token: string }
> {}
export class LookupDeveloperIdentityQuery extends UseCaseQuery<
  { poolId: string; identityId?: string; developerUserIdentifier?: string },
  { identityId: string; developerUserIdentifiers: string[] }
> {}
export class MergeDeveloperIdentitiesCommand extends UseCaseCommand<
  { poolId: string; developerProviderName: string; sourceUserIdentifier: string; destinationUserIdentifier: string },
  string
> {}
export class UnlinkDeveloperIdentityCommand extends UseCaseCommand<
  { poolId: string; identityId: string; developerProviderName: string; developerUserIdentifier: string },
  void
> {}

/** Developer-authenticated identities: the pool's developer provider name, as Logins key it. */
function developerProvider(pool: ActiveIdentityPool, given?: string): string {
  const name = pool.config.developerProviderName;
  if (!name) throw new InvalidParameterError('This identity pool has no developer provider name.');
  if (given !== undefined && given !== name) throw new InvalidParameterError(`Developer provider name ${given} does not match the identity pool's.`);
  return name;
}

/**
 * GetOpenIdTokenForDeveloperIdentity (a developer's backend, signed with an admin key): the
 * identity of the developer's user identifier (and of any provider tokens given with it), made
 * on first sight or the IdentityId given, then an identity token carrying the principal tags.
 * A user identifier already linked to another identity than the one named is refused.
 */
@CommandHandler(GetOpenIdTokenForDeveloperIdentityCommand)
export class GetOpenIdTokenForDeveloperIdentityHandler implements ICommandHandler<GetOpenIdTokenForDeveloperIdentityCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly verifier: LoginVerifier,
    private readonly identities: Identities,
    private readonly tokens: OpenIdTokens,
  ) {}

  async execute({ input, context }: GetOpenIdTokenForDeveloperIdentityCommand) {
    const pool = await loadIdentityPool(this.store, input.poolId);
    const name = developerProvider(pool);
    const { [name]: userIdentifier, ...tokens } = input.logins;
    if (!userIdentifier) throw new InvalidParameterError(`Logins must include the developer provider ${name}.`);
    const logins: Login[] = [
      { provider: name, subject: userIdentifier },
      ...(await this.verifier.verify(pool, tokens)).map((v) => ({ provider: v.provider, subject: v.subject })),
    ];
    const identityId = await this.identityFor(pool, logins, input.identityId, context);
    const token = await this.tokens.sign({
      identityId,
      poolId: pool.poolId,
      amr: ['authenticated', name, `${name}:${pool.poolId}:${userIdentifier}`],
      ...(input.principalTags ? { tags: input.principalTags } : {}),
      expiresInSeconds: input.tokenDuration ?? 900,
    });
    return { identityId, token };
  }

  private async identityFor(pool: ActiveIdentityPool, logins: Login[], named: string | undefined, context: RequestContext): Promise<string> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const holders = new Set((await Promise.all(logins.map((l) => this.identities.holderOf(pool.poolId, l)))).filter((h): h is string => !!h));
      if (named !== undefined) {
        const identity = await loadIdentity(this.store, named);
        if (identity.poolId !== pool.poolId) throw new ResourceNotFoundError(`Identity '${named}' not found.`);
        if ([...holders].some((h) => h !== named)) {
          throw new DeveloperUserAlreadyRegisteredError('The developer user identifier is already registered with another identity.');
        }
      } else if (holders.size > 1) throw new ResourceConflictError(LOGINS_DONT_MATCH);
      const target = named ?? [...holders][0];
      try {
        if (target) {
          await this.identities.run(target, pool.poolId, (now) => ({ type: 'LinkLogins', logins, now }), context);
          return target;
        }
        const created = await this.identities.create(pool.poolId, logins, context);
        if (created) return created.identityId;
      } catch (error) {
        if (!(error instanceof UniqueConstraintError)) throw error;
      }
    }
    throw new ResourceConflictError(LOGINS_DONT_MATCH);
  }
}

/** LookupDeveloperIdentity: by identity id or by user identifier, the identity and its developer user identifiers. */
@QueryHandler(LookupDeveloperIdentityQuery)
export class LookupDeveloperIdentityHandler implements IQueryHandler<LookupDeveloperIdentityQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly identities: Identities,
  ) {}

  async execute({ input }: LookupDeveloperIdentityQuery) {
    const pool = await loadIdentityPool(this.store, input.poolId);
    const name = developerProvider(pool);
    if (!input.identityId && !input.developerUserIdentifier) throw new InvalidParameterError('Either IdentityId or DeveloperUserIdentifier must be given.');
    let identityId = input.identityId;
    if (input.developerUserIdentifier !== undefined) {
      const holder = await this.identities.holderOf(pool.poolId, { provider: name, subject: input.developerUserIdentifier });
      if (!holder || (identityId !== undefined && holder !== identityId)) throw new ResourceNotFoundError('Identity not found.');
      identityId = holder;
    }
    const identity = await loadIdentity(this.store, identityId as string);
    if (identity.poolId !== pool.poolId) throw new ResourceNotFoundError(`Identity '${identityId}' not found.`);
    return { identityId: identity.identityId, developerUserIdentifiers: identity.logins.filter((l) => l.provider === name).map((l) => l.subject) };
  }
}

/**
 * MergeDeveloperIdentities: every login of the source user's identity moves to the destination
 * user's identity, in one write of both streams (released by one, claimed by the other), and
 * the source identity is gone.
 */
@CommandHandler(MergeDeveloperIdentitiesCommand)
export class MergeDeveloperIdentitiesHandler implements ICommandHandler<MergeDeveloperIdentitiesCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly identities: Identities,
  ) {}

  async execute({ input, context }: MergeDeveloperIdentitiesCommand): Promise<string> {
    const pool = await loadIdentityPool(this.store, input.poolId);
    const name = developerProvider(pool, input.developerProviderName);
    const find = async (subject: string) => {
      const holder = await this.identities.holderOf(pool.poolId, { provider: name, subject });
      if (!holder) throw new ResourceNotFoundError(`Developer user identifier ${subject} not found.`);
      return holder;
    };
    const source = await find(input.sourceUserIdentifier);
    const destination = await find(input.destinationUserIdentifier);
    if (source === destination) return destination;
    const moved = (await loadIdentity(this.store, source)).logins;
    const write = await this.identities.linkWrite(destination, moved, context);
    await this.identities.run(source, pool.poolId, (now) => ({ type: 'MergeInto', into: destination, now }), context, false, [write]);
    return destination;
  }
}

@CommandHandler(UnlinkDeveloperIdentityCommand)
export class UnlinkDeveloperIdentityHandler implements ICommandHandler<UnlinkDeveloperIdentityCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly identities: Identities,
  ) {}

  async execute({ input, context }: UnlinkDeveloperIdentityCommand): Promise<void> {
    const pool = await loadIdentityPool(this.store, input.poolId);
    const name = developerProvider(pool, input.developerProviderName);
    const identity = await loadIdentity(this.store, input.identityId);
    const login = { provider: name, subject: input.developerUserIdentifier };
    if (identity.poolId !== pool.poolId || !identity.logins.some((l) => l.provider === name && l.subject === login.subject)) {
      throw new ResourceNotFoundError('Developer user identifier not found for this identity.');
    }
    await this.identities.run(identity.identityId, pool.poolId, (now) => ({ type: 'UnlinkLogins', logins: [login], now }), context);
  }
}
