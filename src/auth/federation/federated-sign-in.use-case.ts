import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UniqueConstraintError } from '../../event-store/errors.js';
import { withMetadata } from '../../shared/command-handler.js';
import { AliasExistsError, InvalidParameterError, NotAuthorizedError, UsernameExistsError } from '../../shared/domain-error.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { externalLoginScope, externalLoginValue } from '../../user-pools/aliases.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import { type RawAttribute, mapAttributes } from '../../user-pools/identity-providers/attribute-mapping.js';
import { providerNotFound } from '../../user-pools/identity-providers/identity-provider.decider.js';
import { loadIdentityProviders } from '../../user-pools/identity-providers/identity-provider.use-cases.js';
import { hookAttributes, postConfirmation } from '../../user-pools/post-confirmation.js';
import { effectiveSchema } from '../../user-pools/schema.js';
import type { ActivePool } from '../../user-pools/user-pool.repository.js';
import type { ExistingUserState } from '../../user-pools/user.decider.js';
import { userStream } from '../../user-pools/user.events.js';
import { type AuthLogEvent, authLogStream } from '../auth-log.events.js';
import { SignInServices } from '../sign-in-services.js';
import { discardingTokens } from '../tokens/discarded-tokens.js';

/** What a protocol flow (OIDC at /oauth2/idpresponse, SAML at /saml2/idpresponse) proved about the user. */
export interface FederatedSignInInput {
  poolId: string;
  /** The app client of the authorization request the IdP round trip belongs to. */
  clientId: string;
  /** The pool's identity provider (its ProviderName). */
  providerName: string;
  /** The user's id at the IdP: the ID token's `sub` (OIDC, social), the assertion's NameID (SAML). */
  subject: string;
  /** Everything the IdP said about the user (ID token / userInfo claims, SAML attribute values), unmapped. */
  attributes: Readonly<Record<string, RawAttribute>>;
  /** The `issuer` member of the `identities` entry (Cognito: the SAML IdP's entity id; null for OIDC and social). */
  issuer?: string | null;
  clientMetadata?: Record<string, string>;
}

/** The user signed in: the login the pending authorization request finishes with. */
export interface FederatedSignInAnswer {
  sub: string;
  username: string;
  /** The sign-in's refresh-token family (the login session's record: see oauth/accounts.ts signInAmr). */
  familyId: string;
  /** Epoch seconds. */
  authTime: number;
  /** This sign-in created the user (first sign-in through the IdP). */
  created: boolean;
}

/** How many of the IdP's attributes are tried as AdminLinkProviderForUser links by attribute (name and value). */
const MAX_ATTRIBUTE_LINK_LOOKUPS = 50;

/**
 * A sign-in through an external IdP, shared by the OIDC and SAML flows (the protocol has been
 * checked by the caller). As Cognito:
 * - the provider's AttributeMapping turns the IdP's attributes into pool attributes;
 * - a (provider, subject) linked by AdminLinkProviderForUser lands on the linked user;
 * - otherwise the user is `<ProviderName>_<subject>`: created on first sign-in (status
 *   EXTERNAL_PROVIDER, the `identities` attribute), after the pre sign-up hook
 *   (PreSignUp_ExternalProvider: veto, autoVerifyEmail / autoVerifyPhone) and followed by the
 *   post confirmation hook; on later sign-ins its mapped attributes are updated;
 * - the (provider, subject) is a unique claim written with the user's events, so two first
 *   sign-ins at once make one user;
 * - then pre authentication, the sign-in's refresh-token family with its auth-log entry
 *   (AdminListUserAuthEvents: SignIn, Pass; flow FEDERATED) and post authentication, as a
 *   hosted sign-in; the OAuth code exchange that follows issues the app's tokens (pre token
 *   generation as TokenGeneration_HostedAuth).
 */
export class FederatedSignInCommand extends UseCaseCommand<FederatedSignInInput, FederatedSignInAnswer> {}

@CommandHandler(FederatedSignInCommand)
export class FederatedSignInHandler implements ICommandHandler<FederatedSignInCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly s: SignInServices,
  ) {}

  async execute({ input, context }: FederatedSignInCommand): Promise<FederatedSignInAnswer> {
    const caller = await this.clients.caller(input.clientId, input.poolId);
    const pool = caller.pool;
    if (!caller.client.settings.supportedIdentityProviders.includes(input.providerName)) {
      throw new InvalidParameterError(`The provider ${input.providerName} is not supported by app client ${input.clientId}`);
    }
    const provider = (await loadIdentityProviders(this.s.store, pool.poolId)).providers.find((p) => p.name === input.providerName);
    if (!provider) throw providerNotFound(input.providerName);
    if (!input.subject) throw new InvalidParameterError('The identity provider named no subject');
    const mapped = mapAttributes(provider.attributeMapping, input.attributes, effectiveSchema(pool.settings.schema));

    let found = await this.linkedUser(pool, input);
    let created = false;
    if (!found) {
      const made = await this.firstSignIn(pool, input, provider.type, mapped, context);
      found = made.user;
      created = made.created;
    } else if (Object.keys(mapped).length > 0) {
      // Every sign-in brings the IdP's current values of the mapped attributes.
      const result = await this.s.users.run({
        pool,
        streamId: userStream(pool.poolId, found.sub),
        context,
        now: this.s.clock.now(),
        command: () => ({ type: 'SyncExternalAttributes', attributes: mapped, now: this.s.clock.now().toISOString() }),
      });
      if (result.state.exists) found = result.state;
    }
    if (!found.enabled) throw new NotAuthorizedError('User is disabled.');

    await this.s.triggers.invoke({
      kind: 'PreAuthentication',
      triggerSource: 'PreAuthentication_Authentication',
      poolId: pool.poolId,
      region: pool.region,
      lambdaConfig: pool.settings.lambdaConfig,
      userName: found.username,
      clientId: caller.clientId,
      request: { userAttributes: hookAttributes(found), validationData: input.clientMetadata ?? {}, userNotFound: false },
      context,
    });
    const now = this.s.clock.now();
    const user = found;
    const pending = this.s.tokens.startSignIn(caller.client, user, context, now);
    // The sign-in's auth-log entry (AdminListUserAuthEvents), in one append with its family, as a password sign-in's.
    const logged: AuthLogEvent = {
      type: 'SignInSucceeded',
      data: { poolId: pool.poolId, sub: user.sub, clientId: caller.clientId, flow: 'FEDERATED', factors: [], at: now.toISOString() },
    };
    await this.s.store.appendMany([
      pending.write,
      { streamId: authLogStream(pool.poolId, user.sub), events: withMetadata([logged], context, now), options: { expectedRevision: 'any' } },
    ]);
    // The post authentication hook runs as at any sign-in; these API tokens are not handed out.
    await discardingTokens(() => this.s.tokens.finishSignIn(caller.client, user, pending, { clientMetadata: input.clientMetadata ?? {}, context }));
    return { sub: user.sub, username: user.username, familyId: pending.familyId, authTime: Math.floor(pending.authTime.getTime() / 1000), created };
  }

  /** The user this external identity signs in as: linked by subject, or by one of its attributes, or its own federated user. */
  private async linkedUser(pool: ActivePool, input: FederatedSignInInput): Promise<ExistingUserState | undefined> {
    const scope = externalLoginScope(pool.poolId);
    const candidates = [externalLoginValue(input.providerName, input.subject)];
    for (const [name, value] of Object.entries(input.attributes).slice(0, MAX_ATTRIBUTE_LINK_LOOKUPS)) {
      if (typeof value === 'string' && value) candidates.push(externalLoginValue(input.providerName, value, name));
    }
    for (const value of candidates) {
      const holder = await this.s.store.findUniqueHolder(scope, this.s.secrets.uniqueValue(scope, value));
      if (!holder) continue;
      const user = await this.s.users.read(holder);
      if (user.exists) return user;
    }
    return undefined;
  }

  private async firstSignIn(
    pool: ActivePool,
    input: FederatedSignInInput,
    providerType: string,
    mapped: Record<string, string>,
    context: RequestContext,
  ): Promise<{ user: ExistingUserState; created: boolean }> {
    const username = `${input.providerName}_${input.subject}`;
    const response = await this.s.triggers.invoke({
      kind: 'PreSignUp',
      triggerSource: 'PreSignUp_ExternalProvider',
      poolId: pool.poolId,
      region: pool.region,
      lambdaConfig: pool.settings.lambdaConfig,
      userName: username,
      clientId: input.clientId,
      request: { userAttributes: mapped, validationData: {}, clientMetadata: input.clientMetadata ?? {} },
      context,
    });
    // The hook may have linked this identity to an existing user (AdminLinkProviderForUser): Cognito then signs in as that user.
    const linked = await this.linkedUser(pool, input);
    if (linked) return { user: linked, created: false };
    const attributes = { ...mapped };
    if (response?.autoVerifyEmail === true && attributes.email) attributes.email_verified = 'true';
    if (response?.autoVerifyPhone === true && attributes.phone_number) attributes.phone_number_verified = 'true';
    const now = this.s.clock.now();
    const sub = this.s.ids.uuid();
    let state;
    try {
      ({ state } = await this.s.users.run({
        pool,
        streamId: userStream(pool.poolId, sub),
        newStream: true,
        context,
        now,
        command: () => ({
          type: 'CreateExternalUser',
          poolId: pool.poolId,
          sub,
          username,
          attributes,
          identity: {
            providerName: input.providerName,
            providerType,
            userId: input.subject,
            issuer: input.issuer ?? null,
            primary: true,
            dateCreated: now.getTime(),
          },
          now: now.toISOString(),
        }),
      }));
    } catch (error) {
      // Another first sign-in of the same identity won the claim: sign in as the user it made.
      if (error instanceof AliasExistsError || error instanceof UsernameExistsError || error instanceof UniqueConstraintError) {
        const winner = await this.linkedUser(pool, input);
        if (winner) return { user: winner, created: false };
      }
      throw error;
    }
    if (!state.exists) throw new Error('federated user not created');
    await postConfirmation(this.s.triggers, pool, state, 'PostConfirmation_ConfirmSignUp', {
      clientId: input.clientId,
      clientMetadata: input.clientMetadata ?? {},
      context,
    });
    return { user: state, created: true };
  }
}

export const FEDERATED_SIGN_IN_HANDLERS = [FederatedSignInHandler];
