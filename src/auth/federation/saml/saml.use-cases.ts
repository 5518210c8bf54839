import { randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../../crypto/secrets.js';
import type { EventStore } from '../../../event-store/event-store.port.js';
import type { RequestContext } from '../../../shared/request-context.js';
import type { Clock } from '../../../shared/clock.js';
import { handleCommand } from '../../../shared/command-handler.js';
import { fold } from '../../../shared/decider.js';
import { NotAuthorizedError } from '../../../shared/domain-error.js';
import { CLOCK, SECRETS, STORE } from '../../../shared/ports.js';
import { UseCaseCommand } from '../../../shared/use-case.js';
import { type FederatedSignInAnswer, FederatedSignInCommand } from '../federated-sign-in.use-case.js';
import { RevokeOAuthFamiliesCommand } from '../../oauth/oauth.use-cases.js';
import { samlAssertionDecider, samlSessionDecider } from './saml.deciders.js';
import { samlAssertionStream, type SamlSessionEvent, samlSubjectStream } from './saml.events.js';
import type { Solicitation } from './saml-assertion.js';
import { SamlCertificates } from './saml-certificates.js';
import { SamlProviders } from './saml-providers.js';
import {
  authnRequestUrl,
  logoutRequestUrl,
  logoutResponseUrl,
  newRequestId,
  responseInResponseTo,
  SamlRejectedError,
  type SpEndpoints,
  verifyLogoutRedirect,
  verifyResponse,
} from './saml-service-provider.js';

/** A SAML response refused: Cognito's "Invalid SAML response received: <why>". Nothing is written for the user. */
export class SamlResponseRejectedError extends NotAuthorizedError {}

const refused = (reason: string) => new SamlResponseRejectedError(`Invalid SAML response received: ${reason}`);

/** The pool domain's SAML endpoints plus the pool. */
export interface SamlSite extends SpEndpoints {
  poolId: string;
}

// ---------------------------------------------------------------------------------------------
/** SP-initiated sign-in: the AuthnRequest's redirect URL to the IdP, and its id (kept with the pending authorization). */
export class StartSamlSignInCommand extends UseCaseCommand<{ site: SamlSite; providerName: string; relayState: string }, { url: string; requestId: string }> {}

@CommandHandler(StartSamlSignInCommand)
export class StartSamlSignInHandler implements ICommandHandler<StartSamlSignInCommand> {
  constructor(
    private readonly providers: SamlProviders,
    private readonly certificates: SamlCertificates,
  ) {}

  async execute({ input, context }: StartSamlSignInCommand): Promise<{ url: string; requestId: string }> {
    const config = await this.providers.byName(input.site.poolId, input.providerName);
    const keys = await this.certificates.forPool(input.site.poolId, context);
    const requestId = newRequestId(randomUUID().replace(/-/g, ''));
    const url = await authnRequestUrl(config, input.site, keys, requestId, input.relayState);
    return { url, requestId };
  }
}

// ---------------------------------------------------------------------------------------------
export type SamlResponseInput = {
  site: SamlSite;
  samlResponse: string;
  clientId: string;
} & (
  | { initiatedBy: 'SP'; providerName: string; requestId: string }
  /** IdP-initiated: the provider from RelayState's identity_provider / idp_identifier, or the response's issuer. */
  | { initiatedBy: 'IDP'; identityProvider?: string; idpIdentifier?: string }
);

/**
 * /saml2/idpresponse: verifies the response (signature, audience, destination, recipient,
 * InResponseTo, time window), accepts its assertion once (replay guard: `samlassertion-...`
 * appended with no stream), signs the user in through the shared federated sign-in (NameID as
 * subject, the attribute statements mapped by AttributeMapping) and records the IdP session
 * for single logout. A refusal writes nothing for the user.
 */
export class ConsumeSamlResponseCommand extends UseCaseCommand<SamlResponseInput, FederatedSignInAnswer & { providerName: string }> {}

@CommandHandler(ConsumeSamlResponseCommand)
export class ConsumeSamlResponseHandler implements ICommandHandler<ConsumeSamlResponseCommand> {
  constructor(
    private readonly commands: CommandBus,
    private readonly providers: SamlProviders,
    private readonly certificates: SamlCertificates,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  async execute({ input, context }: ConsumeSamlResponseCommand): Promise<FederatedSignInAnswer & { providerName: string }> {
    const { site } = input;
    let inResponseTo: string | undefined;
    try {
      inResponseTo = responseInResponseTo(input.samlResponse);
    } catch (error) {
      if (error instanceof SamlRejectedError) throw refused(error.message);
      throw error;
    }
    let solicitation: Solicitation;
    let config;
    if (input.initiatedBy === 'SP') {
      config = await this.providers.byName(site.poolId, input.providerName);
      solicitation = { kind: 'SP', requestId: input.requestId };
    } else {
      if (inResponseTo !== undefined) throw refused('the response answers a sign-in request this service does not know');
      const issuer = /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(Buffer.from(input.samlResponse, 'base64').toString('utf8'))?.[1]?.trim();
      config = await this.providers.find(site.poolId, { identityProvider: input.identityProvider, idpIdentifier: input.idpIdentifier, issuer });
      if (!config) throw refused('no SAML identity provider of the pool matches the response');
      if (!config.idpInit) throw refused('IdP-initiated sign-in is not enabled for this identity provider (IDPInit)');
      solicitation = { kind: 'IDP' };
    }
    const keys = await this.certificates.forPool(site.poolId, context);
    const now = this.clock.now();
    let verified;
    try {
      verified = await verifyResponse(config, site, keys, input.samlResponse, solicitation, now.getTime());
    } catch (error) {
      if (error instanceof SamlRejectedError) throw refused(error.message);
      throw error;
    }
    // Replay guard: the assertion's stream exists from its first acceptance on (every instance sees it).
    const key = this.secrets.uniqueValue('saml-assertion', `${site.poolId}\0${verified.issuer}\0${verified.assertionId}`);
    try {
      await handleCommand({
        store: this.store,
        streamId: samlAssertionStream(site.poolId, key),
        decider: samlAssertionDecider,
        context,
        now,
        retries: 1,
        command: () => ({
          type: 'ConsumeAssertion' as const,
          assertion: {
            poolId: site.poolId,
            providerName: config.providerName,
            assertionId: verified.assertionId,
            issuer: verified.issuer,
            ...(verified.notOnOrAfter ? { notOnOrAfter: verified.notOnOrAfter } : {}),
            consumedAt: now.toISOString(),
            initiatedBy: solicitation.kind,
          },
        }),
      });
    } catch (error) {
      if (error instanceof NotAuthorizedError) throw refused('the assertion was used already');
      throw error;
    }
    const attributes = Object.fromEntries(Object.entries(verified.attributes).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
    const answer = await this.commands.execute(
      new FederatedSignInCommand(
        { poolId: site.poolId, clientId: input.clientId, providerName: config.providerName, subject: verified.nameId, attributes, issuer: verified.issuer },
        context,
      ),
    );
    // The IdP session behind this sign-in, found by its family at /logout and by its NameID at an IdP LogoutRequest.
    const sessionScope = `saml-session:${site.poolId}`;
    await handleCommand({
      store: this.store,
      streamId: samlSubjectStream(site.poolId, this.subjectKey(site.poolId, config.providerName, verified.nameId)),
      decider: samlSessionDecider,
      context,
      now,
      retries: 3,
      command: () => ({
        type: 'StartSession' as const,
        session: {
          poolId: site.poolId,
          providerName: config.providerName,
          familyId: answer.familyId,
          nameId: verified.nameId,
          ...(verified.nameIdFormat ? { nameIdFormat: verified.nameIdFormat } : {}),
          ...(verified.sessionIndex ? { sessionIndex: verified.sessionIndex } : {}),
          startedAt: now.toISOString(),
        },
      }),
      unique: (events) =>
        events.map((e) => ({
          scope: sessionScope,
          value: this.secrets.uniqueValue(sessionScope, (e.data as { familyId: string }).familyId),
          change: 'claim' as const,
        })),
    });
    return { ...answer, providerName: config.providerName };
  }

  private subjectKey(poolId: string, providerName: string, nameId: string): string {
    return subjectKey(this.secrets, poolId, providerName, nameId);
  }
}

const subjectKey = (secrets: Secrets, poolId: string, providerName: string, nameId: string) =>
  secrets
    .uniqueValue('saml-subject', `${poolId}\0${providerName}\0${nameId}`)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 40);

// ---------------------------------------------------------------------------------------------
/** Ends SAML sessions of a subject's stream (by the SP's /logout or the IdP's LogoutRequest). */
async function endSamlSessions(
  store: EventStore,
  streamId: string,
  poolId: string,
  familyIds: string[],
  by: 'SP' | 'IDP',
  now: Date,
  context: RequestContext,
): Promise<void> {
  await handleCommand({
    store,
    streamId,
    decider: samlSessionDecider,
    context,
    now,
    retries: 3,
    command: () => ({ type: 'EndSessions' as const, poolId, familyIds, now: now.toISOString(), by }),
  });
}

/**
 * /logout of a sign-in made through a SAML IdP with IDPSignout "true": the IdP session is ended
 * here and the browser sent on with a signed LogoutRequest to the IdP's SLO URL (RelayState
 * brings it back to /saml2/logout). Undefined when the sign-in was not a SAML one, or its IdP
 * does not sign out.
 */
export class StartSamlLogoutCommand extends UseCaseCommand<{ site: SamlSite; familyId: string; relayState: string }, { url?: string }> {}

@CommandHandler(StartSamlLogoutCommand)
export class StartSamlLogoutHandler implements ICommandHandler<StartSamlLogoutCommand> {
  constructor(
    private readonly providers: SamlProviders,
    private readonly certificates: SamlCertificates,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  async execute({ input, context }: StartSamlLogoutCommand): Promise<{ url?: string }> {
    const { site } = input;
    const scope = `saml-session:${site.poolId}`;
    const streamId = await this.store.findUniqueHolder(scope, this.secrets.uniqueValue(scope, input.familyId));
    if (!streamId) return {};
    const state = fold(samlSessionDecider, (await this.store.readStream(streamId)) as never as SamlSessionEvent[]);
    const session = state.open[input.familyId];
    if (!session) return {};
    const config = await this.providers.byName(site.poolId, session.providerName).catch(() => undefined);
    await endSamlSessions(this.store, streamId, site.poolId, [input.familyId], 'SP', this.clock.now(), context);
    if (!config?.idpSignout || !config.metadata.sloRedirectUrl) return {};
    const keys = await this.certificates.forPool(site.poolId, context);
    const url = await logoutRequestUrl(
      config,
      site,
      keys,
      { nameId: session.nameId, nameIdFormat: session.nameIdFormat, sessionIndex: session.sessionIndex },
      input.relayState,
    );
    return { url };
  }
}

// ---------------------------------------------------------------------------------------------
/**
 * /saml2/logout (HTTP-Redirect): the IdP's LogoutResponse to our LogoutRequest (its RelayState
 * says where the browser goes next), or an IdP-initiated LogoutRequest: the subject's sessions
 * (those of its SessionIndex, or all) end, their sign-ins are revoked, and the IdP gets a
 * signed LogoutResponse.
 */
export class SamlLogoutMessageCommand extends UseCaseCommand<
  { site: SamlSite; query: Record<string, string>; rawQuery: string },
  { kind: 'response'; relayState?: string } | { kind: 'request'; url: string; familyIds: string[] }
> {}

@CommandHandler(SamlLogoutMessageCommand)
export class SamlLogoutMessageHandler implements ICommandHandler<SamlLogoutMessageCommand> {
  constructor(
    private readonly commands: CommandBus,
    private readonly providers: SamlProviders,
    private readonly certificates: SamlCertificates,
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SECRETS) private readonly secrets: Secrets,
  ) {}

  async execute({ input, context }: SamlLogoutMessageCommand) {
    const { site, query } = input;
    const message = query.SAMLRequest ?? query.SAMLResponse;
    if (!message) throw refused('no SAMLRequest or SAMLResponse');
    let xml: string;
    try {
      xml = inflateRawSync(Buffer.from(message, 'base64')).toString('utf8');
    } catch {
      throw refused('the logout message is not a deflated SAML document');
    }
    const issuer = /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(xml)?.[1]?.trim();
    const config = await this.providers.find(site.poolId, { issuer });
    if (!config) throw refused('no SAML identity provider of the pool matches the logout message');
    const keys = await this.certificates.forPool(site.poolId, context);
    let verified;
    try {
      verified = await verifyLogoutRedirect(config, site, keys, query, input.rawQuery);
    } catch (error) {
      if (error instanceof SamlRejectedError) throw refused(error.message);
      throw error;
    }
    if (verified.kind === 'response') return { kind: 'response' as const, relayState: query.RelayState };
    const streamId = samlSubjectStream(site.poolId, subjectKey(this.secrets, site.poolId, config.providerName, verified.subject.nameId));
    const state = fold(samlSessionDecider, (await this.store.readStream(streamId)) as never as SamlSessionEvent[]);
    const familyIds = Object.values(state.open)
      .filter((s) => !verified.subject.sessionIndex || !s.sessionIndex || s.sessionIndex === verified.subject.sessionIndex)
      .map((s) => s.familyId);
    if (familyIds.length > 0) {
      await endSamlSessions(this.store, streamId, site.poolId, familyIds, 'IDP', this.clock.now(), context);
      await this.commands.execute(new RevokeOAuthFamiliesCommand({ familyIds }, context));
    }
    const url = await logoutResponseUrl(config, site, keys, verified.profile, query.RelayState ?? '');
    return { kind: 'request' as const, url, familyIds };
  }
}

export const SAML_USE_CASES = [StartSamlSignInHandler, ConsumeSamlResponseHandler, StartSamlLogoutHandler, SamlLogoutMessageHandler];
