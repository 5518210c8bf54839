import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { AliasExistsError, InvalidParameterError, UserNotFoundError } from '../../shared/domain-error.js';
import { CLOCK, SECRETS, STORE } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { externalLoginScope, externalLoginValue } from '../aliases.js';
import { Pools } from '../pools.js';
import type { ActivePool } from '../user-pool.repository.js';
import { type ExistingUser, Users } from '../users.js';
import { loadIdentityProviders } from './identity-provider.repository.js';
import { SOCIAL_TYPES } from './provider-details.js';

/** Cognito's ProviderUserIdentifierType. */
export interface ProviderUser {
  providerName: string;
  attributeName?: string;
  attributeValue: string;
}

const SUBJECT = 'Cognito_Subject';

/** The user a ProviderUserIdentifier names: `Cognito` and a username, or an IdP and a federated user's id there. */
async function namedUser(users: Users, pool: ActivePool, who: ProviderUser) {
  const username = who.providerName === 'Cognito' ? who.attributeValue : `${who.providerName}_${who.attributeValue}`;
  return users.byName(pool, username);
}

/** The holder of an external login (provider, attribute, value), or undefined. */
async function loginHolder(store: EventStore, secrets: Secrets, users: Users, poolId: string, providerName: string, value: string, attributeName: string) {
  const scope = externalLoginScope(poolId);
  const stream = await store.findUniqueHolder(scope, secrets.uniqueValue(scope, externalLoginValue(providerName, value, attributeName)));
  if (!stream) return undefined;
  const user = await users.read(stream);
  return user.exists ? { streamId: stream, user } : undefined;
}

/**
 * AdminLinkProviderForUser: an external identity that has not signed in yet (SourceUser: an IdP
 * of the pool, Cognito_Subject and the IdP's user id, or for OIDC / SAML any attribute and its
 * value) signs in from now on as an existing user (DestinationUser: `Cognito` and a username, or
 * a federated user). The external login is claimed for the destination in the same append, so
 * it can be linked to one user only.
 */
export class AdminLinkProviderForUserCommand extends UseCaseCommand<{ poolId: string; destination: ProviderUser; source: ProviderUser }, void> {}

@CommandHandler(AdminLinkProviderForUserCommand)
export class AdminLinkProviderForUserHandler implements ICommandHandler<AdminLinkProviderForUserCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input, context }: AdminLinkProviderForUserCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const { source } = input;
    if (source.providerName === 'Cognito') throw new InvalidParameterError('SourceUser must be a user of an external identity provider, not Cognito.');
    const provider = (await loadIdentityProviders(this.store, pool.poolId)).providers.find((p) => p.name === source.providerName);
    if (!provider) throw new InvalidParameterError(`The provider ${source.providerName} does not exist for User Pool ${pool.poolId}`);
    const attributeName = source.attributeName ?? '';
    if (!attributeName) throw new InvalidParameterError('SourceUser ProviderAttributeName is required.');
    if (SOCIAL_TYPES.includes(provider.type) && attributeName !== SUBJECT) {
      throw new InvalidParameterError(`ProviderAttributeName must be ${SUBJECT} for a ${provider.type} SourceUser.`);
    }
    const destination = await namedUser(this.users, pool, input.destination);
    const holder = await loginHolder(this.store, this.secrets, this.users, pool.poolId, source.providerName, source.attributeValue, attributeName);
    if (holder && holder.streamId !== destination.streamId) {
      if (holder.user.status === 'EXTERNAL_PROVIDER' && holder.user.username === `${source.providerName}_${source.attributeValue}`) {
        throw new InvalidParameterError('Merging is not currently supported, provide a SourceUser which does not exist in the user pool');
      }
      throw new AliasExistsError('Already found an entry for the provided username.');
    }
    const now = this.clock.now();
    await this.users.run({
      pool,
      streamId: destination.streamId,
      context,
      now,
      command: () => ({
        type: 'LinkExternalIdentity',
        identity: {
          providerName: provider.name,
          providerType: provider.type,
          userId: source.attributeValue,
          issuer: null,
          primary: false,
          dateCreated: now.getTime(),
          ...(attributeName !== SUBJECT ? { attributeName } : {}),
        },
        now: now.toISOString(),
      }),
    });
  }
}

/**
 * AdminDisableProviderForUser: the external identity stops signing in as its user. A linked
 * identity is unlinked (its next sign-in makes a user of its own); a federated user's own
 * identity disables that user. ProviderName `Cognito` (Cognito_Subject and a username) names a
 * native user: it can no longer sign in with its password, and stays.
 */
export class AdminDisableProviderForUserCommand extends UseCaseCommand<{ poolId: string; user: ProviderUser }, void> {}

@CommandHandler(AdminDisableProviderForUserCommand)
export class AdminDisableProviderForUserHandler implements ICommandHandler<AdminDisableProviderForUserCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SECRETS) private readonly secrets: Secrets,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly pools: Pools,
    private readonly users: Users,
  ) {}

  async execute({ input, context }: AdminDisableProviderForUserCommand): Promise<void> {
    const pool = await this.pools.load(input.poolId);
    const { user } = input;
    const now = this.clock.now();
    if (user.providerName === 'Cognito') {
      // A native user (Cognito_Subject, the user's username): its password stops signing it in.
      if ((user.attributeName || SUBJECT) !== SUBJECT) throw new InvalidParameterError(`ProviderAttributeName must be ${SUBJECT} for ProviderName Cognito.`);
      const native = await this.users.byName(pool, user.attributeValue);
      await this.users.run({ pool, streamId: native.streamId, context, now, command: () => ({ type: 'DisablePasswordSignIn', now: now.toISOString() }) });
      return;
    }
    const attributeName = user.attributeName || SUBJECT;
    const holder = await loginHolder(this.store, this.secrets, this.users, pool.poolId, user.providerName, user.attributeValue, attributeName);
    if (!holder) throw new UserNotFoundError('User does not exist.');
    const own = (u: ExistingUser) =>
      u.status === 'EXTERNAL_PROVIDER' &&
      (u.identities ?? []).some((i) => i.primary && i.providerName === user.providerName && i.userId === user.attributeValue);
    await this.users.run({
      pool,
      streamId: holder.streamId,
      context,
      now,
      command: (state) =>
        state.exists && own(state)
          ? { type: 'DisableUser', now: now.toISOString() }
          : {
              type: 'UnlinkExternalIdentity',
              providerName: user.providerName,
              userId: user.attributeValue,
              ...(attributeName !== SUBJECT ? { attributeName } : {}),
              now: now.toISOString(),
            },
    });
  }
}

export const PROVIDER_LINK_HANDLERS = [AdminLinkProviderForUserHandler, AdminDisableProviderForUserHandler];
