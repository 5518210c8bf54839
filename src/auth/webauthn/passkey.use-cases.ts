import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError } from '../../shared/domain-error.js';
import { CLOCK, SETTINGS, type ServiceSettings, STORE } from '../../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import type { FirstAuthFactor } from '../../user-pools/user-pool.events.js';
import type { ExistingUser } from '../../user-pools/users.js';
import { type UserTarget, UserTargets } from '../../user-pools/user-target.js';
import { configuredFactors } from '../first-factors.js';
import { firstFactorFacts } from '../flows/user-auth.flow.js';
import type { Passkey } from './passkey.decider.js';
import { completeRegistration, readPasskeys, runPasskeys, startRegistration } from './passkeys.js';

/** StartWebAuthnRegistration: creation options for the signed-in user (an access token). */
export class StartPasskeyRegistrationCommand extends UseCaseCommand<{ accessToken: string }, { options: unknown }> {}

@CommandHandler(StartPasskeyRegistrationCommand)
export class StartPasskeyRegistrationHandler implements ICommandHandler<StartPasskeyRegistrationCommand> {
  constructor(
    private readonly targets: UserTargets,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  async execute({ input, context }: StartPasskeyRegistrationCommand): Promise<{ options: unknown }> {
    const target = await this.targets.resolve({ accessToken: input.accessToken }, context);
    const options = await startRegistration(this.store, {
      pool: target.pool,
      sub: target.user.sub,
      username: target.user.username,
      displayName: target.user.attributes.name ?? target.user.attributes.email,
      clientId: target.caller?.clientId ?? '',
      publicBaseUrl: this.settings.publicBaseUrl,
      context: target.context,
      now: this.clock.now(),
    });
    return { options };
  }
}

/** CompleteWebAuthnRegistration: the authenticator's attestation (RegistrationResponseJSON). */
export class CompletePasskeyRegistrationCommand extends UseCaseCommand<{ accessToken: string; credential: unknown }, void> {}

@CommandHandler(CompletePasskeyRegistrationCommand)
export class CompletePasskeyRegistrationHandler implements ICommandHandler<CompletePasskeyRegistrationCommand> {
  constructor(
    private readonly targets: UserTargets,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  async execute({ input, context }: CompletePasskeyRegistrationCommand): Promise<void> {
    const target = await this.targets.resolve({ accessToken: input.accessToken }, context);
    await completeRegistration(this.store, {
      pool: target.pool,
      sub: target.user.sub,
      clientId: target.caller?.clientId ?? '',
      credential: input.credential,
      publicBaseUrl: this.settings.publicBaseUrl,
      context: target.context,
      now: this.clock.now(),
    });
  }
}

/** ListWebAuthnCredentials: the user's passkeys, a page at a time (the token is the next credential's position). */
export class ListPasskeysQuery extends UseCaseQuery<
  { accessToken: string; maxResults?: number; nextToken?: string },
  { passkeys: Passkey[]; nextToken?: string }
> {}

@QueryHandler(ListPasskeysQuery)
export class ListPasskeysHandler implements IQueryHandler<ListPasskeysQuery> {
  constructor(
    private readonly targets: UserTargets,
    @Inject(STORE) private readonly store: EventStore,
  ) {}

  async execute({ input, context }: ListPasskeysQuery): Promise<{ passkeys: Passkey[]; nextToken?: string }> {
    const target = await this.targets.resolve({ accessToken: input.accessToken }, context);
    const all = Object.values((await readPasskeys(this.store, target.pool.poolId, target.user.sub)).passkeys);
    const start = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.nextToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw new InvalidParameterError('Invalid NextToken.');
    const size = input.maxResults ?? 20;
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? Buffer.from(String(start + size), 'utf8').toString('base64url') : undefined;
    return { passkeys: page, ...(next ? { nextToken: next } : {}) };
  }
}

/** DeleteWebAuthnCredential: one of the user's passkeys, by credential id. */
export class DeletePasskeyCommand extends UseCaseCommand<{ accessToken: string; credentialId: string }, void> {}

@CommandHandler(DeletePasskeyCommand)
export class DeletePasskeyHandler implements ICommandHandler<DeletePasskeyCommand> {
  constructor(
    private readonly targets: UserTargets,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: DeletePasskeyCommand): Promise<void> {
    const target = await this.targets.resolve({ accessToken: input.accessToken }, context);
    const now = this.clock.now();
    await runPasskeys(this.store, target.pool.poolId, target.user.sub, target.context, now, {
      type: 'DeletePasskey',
      credentialId: input.credentialId,
      now: now.toISOString(),
    });
  }
}

/** Get[Admin]UserAuthFactors: the user, and the first factors they are set up for in the pool's policy. */
export class GetUserAuthFactorsQuery extends UseCaseQuery<{ target: UserTarget }, { user: ExistingUser; configured: FirstAuthFactor[] }> {}

@QueryHandler(GetUserAuthFactorsQuery)
export class GetUserAuthFactorsHandler implements IQueryHandler<GetUserAuthFactorsQuery> {
  constructor(
    private readonly targets: UserTargets,
    @Inject(STORE) private readonly store: EventStore,
  ) {}

  async execute({ input, context }: GetUserAuthFactorsQuery): Promise<{ user: ExistingUser; configured: FirstAuthFactor[] }> {
    const target = await this.targets.resolve(input.target, context);
    return { user: target.user, configured: configuredFactors(await firstFactorFacts(this.store, target.pool, target.user)) };
  }
}

export const PASSKEY_PROVIDERS = [
  StartPasskeyRegistrationHandler,
  CompletePasskeyRegistrationHandler,
  ListPasskeysHandler,
  DeletePasskeyHandler,
  GetUserAuthFactorsHandler,
];
