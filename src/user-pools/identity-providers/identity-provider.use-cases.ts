import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { handleCommand } from '../../shared/command-handler.js';
import { InvalidParameterError, ResourceNotFoundError } from '../../shared/domain-error.js';
import { CLOCK, SECRETS, STORE } from '../../shared/ports.js';
import type { RequestContext } from '../../shared/request-context.js';
import { UseCaseCommand, UseCaseQuery } from '../../shared/use-case.js';
import { Pools } from '../pools.js';
import {
  findByIdentifier,
  type IdentityProviderCommand,
  identityProviderDecider,
  type IdentityProviderRecord,
  type IdentityProvidersState,
  providerNotFound,
} from './identity-provider.decider.js';
import { identityProvidersStream, type IdentityProviderType } from './identity-provider.events.js';
import { PROVIDER_LINK_HANDLERS } from './provider-links.use-cases.js';
import { loadIdentityProviders } from './identity-provider.repository.js';
import { checkProviderName, completeProviderDetails, defaultAttributeMapping, SECRET_DETAIL_KEYS, splitSecrets } from './provider-details.js';
import { SAML_READ_ONLY_KEYS, samlReadOnlyDetails, withoutReadOnlyKeys } from './saml-details.js';
import { SAML_ENCRYPTION_CERTIFICATES, type SamlEncryptionCertificates } from './saml-encryption.port.js';

/** A provider as Describe answers it: ProviderDetails whole (secrets included, as Cognito returns them to admins). */
export interface IdentityProviderView {
  poolId: string;
  name: string;
  type: IdentityProviderType;
  details: Record<string, string>;
  attributeMapping: Record<string, string>;
  idpIdentifiers: string[];
  createdAt: string;
  updatedAt: string;
}

export { loadIdentityProviders };

const sealContext = (poolId: string, name: string, key: string) => `identity-provider:${poolId}:${name}:${key}`;

/** How a provider is shown: secrets opened; a SAML provider with EncryptedResponses also shows Cognito's read-only ActiveEncryptionCertificate. */
interface ViewParts {
  secrets: Secrets;
  encryption: SamlEncryptionCertificates;
  context: RequestContext;
}

async function view({ secrets, encryption, context }: ViewParts, poolId: string, p: IdentityProviderRecord): Promise<IdentityProviderView> {
  const opened = Object.fromEntries(Object.entries(p.sealedDetails).map(([k, v]) => [k, secrets.decrypt(v, sealContext(poolId, p.name, k))]));
  const encrypted: Record<string, string> =
    p.type === 'SAML' && p.details.EncryptedResponses === 'true'
      ? { ActiveEncryptionCertificate: await encryption.activeEncryptionCertificate(poolId, context) }
      : {};
  return {
    poolId,
    name: p.name,
    type: p.type,
    details: { ...p.details, ...opened, ...encrypted },
    attributeMapping: p.attributeMapping,
    idpIdentifiers: p.idpIdentifiers,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

function seal(secrets: Secrets, poolId: string, name: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secrets.encrypt(v, sealContext(poolId, name, k))]));
}

abstract class IdentityProviderCommandHandler {
  constructor(
    @Inject(STORE) protected readonly store: EventStore,
    @Inject(CLOCK) protected readonly clock: Clock,
    @Inject(SECRETS) protected readonly secrets: Secrets,
    protected readonly pools: Pools,
    @Inject(SAML_ENCRYPTION_CERTIFICATES) protected readonly encryption: SamlEncryptionCertificates,
  ) {}

  protected async run(
    poolId: string,
    context: RequestContext,
    command: (state: IdentityProvidersState, now: string) => IdentityProviderCommand,
  ): Promise<IdentityProvidersState> {
    const pool = await this.pools.load(poolId);
    const now = this.clock.now();
    const result = await handleCommand({
      store: this.store,
      streamId: identityProvidersStream(pool.poolId),
      decider: identityProviderDecider,
      context,
      now,
      retries: 3,
      command: (state) => command(state, now.toISOString()),
    });
    return result.state;
  }

  protected found(poolId: string, state: IdentityProvidersState, name: string, context: RequestContext): Promise<IdentityProviderView> {
    const p = state.providers.find((x) => x.name === name);
    if (!p) throw providerNotFound(name);
    return view({ secrets: this.secrets, encryption: this.encryption, context }, poolId, p);
  }
}

export interface IdentityProviderInput {
  poolId: string;
  providerName: string;
  providerType: IdentityProviderType;
  providerDetails: Record<string, string>;
  attributeMapping?: Record<string, string>;
  idpIdentifiers?: string[];
}

export class CreateIdentityProviderCommand extends UseCaseCommand<IdentityProviderInput, IdentityProviderView> {}

@CommandHandler(CreateIdentityProviderCommand)
export class CreateIdentityProviderHandler extends IdentityProviderCommandHandler implements ICommandHandler<CreateIdentityProviderCommand> {
  async execute({ input, context }: CreateIdentityProviderCommand): Promise<IdentityProviderView> {
    checkProviderName(input.providerName, input.providerType);
    const saml = input.providerType === 'SAML';
    let details = completeProviderDetails(input.providerType, saml ? withoutReadOnlyKeys(input.providerDetails) : input.providerDetails);
    if (saml) details = { ...details, ...(await samlReadOnlyDetails(details)) };
    const { clear, secrets } = splitSecrets(details);
    const sealedDetails = seal(this.secrets, input.poolId, input.providerName, secrets);
    const attributeMapping = { ...defaultAttributeMapping(input.providerType), ...(input.attributeMapping ?? {}) };
    const state = await this.run(input.poolId, context, (_state, now) => ({
      type: 'CreateIdentityProvider',
      poolId: input.poolId,
      name: input.providerName,
      providerType: input.providerType,
      settings: { details: clear, sealedDetails, attributeMapping, idpIdentifiers: input.idpIdentifiers ?? [] },
      now,
    }));
    return this.found(input.poolId, state, input.providerName, context);
  }
}

export class UpdateIdentityProviderCommand extends UseCaseCommand<
  { poolId: string; providerName: string; providerDetails?: Record<string, string>; attributeMapping?: Record<string, string>; idpIdentifiers?: string[] },
  IdentityProviderView
> {}

@CommandHandler(UpdateIdentityProviderCommand)
export class UpdateIdentityProviderHandler extends IdentityProviderCommandHandler implements ICommandHandler<UpdateIdentityProviderCommand> {
  async execute({ input, context }: UpdateIdentityProviderCommand): Promise<IdentityProviderView> {
    let given = input.providerDetails ?? {};
    const newSecrets = splitSecrets(given).secrets;
    const sealedNew = seal(this.secrets, input.poolId, input.providerName, newSecrets);
    // A SAML provider's new metadata: the read-only endpoints Cognito shows are read from it first (MetadataURL fetched).
    const newMetadata = given.MetadataFile !== undefined || given.MetadataURL !== undefined;
    const before = (await loadIdentityProviders(this.store, input.poolId)).providers.find((p) => p.name === input.providerName);
    if (before?.type === 'SAML') given = withoutReadOnlyKeys(given);
    const fresh = before?.type === 'SAML' && newMetadata ? await samlReadOnlyDetails(given) : undefined;
    const state = await this.run(input.poolId, context, (state, now) => {
      const current = state.providers.find((p) => p.name === input.providerName);
      if (!current) throw providerNotFound(input.providerName);
      if (current.type === 'SAML' && newMetadata && !fresh) throw new InvalidParameterError('The identity provider changed during the update; try again.');
      // The details given replace theirs key by key (SAML: a new MetadataFile replaces a MetadataURL, and back).
      const kept = current.type === 'SAML' ? withoutReadOnlyKeys(current.details) : { ...current.details };
      if (current.type === 'SAML' && newMetadata) {
        delete kept.MetadataFile;
        delete kept.MetadataURL;
      }
      const placeholders = Object.fromEntries(Object.keys(current.sealedDetails).map((k) => [k, 'sealed']));
      let merged = completeProviderDetails(current.type, { ...kept, ...placeholders, ...given });
      if (current.type === 'SAML') {
        const readOnly = fresh ?? Object.fromEntries(Object.entries(current.details).filter(([k]) => SAML_READ_ONLY_KEYS.includes(k)));
        merged = { ...merged, ...readOnly };
      }
      const clear = Object.fromEntries(Object.entries(merged).filter(([k]) => !SECRET_DETAIL_KEYS.has(k)));
      return {
        type: 'UpdateIdentityProvider',
        poolId: input.poolId,
        name: input.providerName,
        settings: {
          details: clear,
          sealedDetails: { ...current.sealedDetails, ...sealedNew },
          attributeMapping: input.attributeMapping ? { ...defaultAttributeMapping(current.type), ...input.attributeMapping } : current.attributeMapping,
          idpIdentifiers: input.idpIdentifiers ?? current.idpIdentifiers,
        },
        now,
      };
    });
    return this.found(input.poolId, state, input.providerName, context);
  }
}

export class DeleteIdentityProviderCommand extends UseCaseCommand<{ poolId: string; providerName: string }, void> {}

@CommandHandler(DeleteIdentityProviderCommand)
export class DeleteIdentityProviderHandler extends IdentityProviderCommandHandler implements ICommandHandler<DeleteIdentityProviderCommand> {
  async execute({ input, context }: DeleteIdentityProviderCommand): Promise<void> {
    await this.run(input.poolId, context, (_state, now) => ({ type: 'DeleteIdentityProvider', name: input.providerName, now }));
  }
}

abstract class IdentityProviderQueryHandler {
  constructor(
    @Inject(STORE) protected readonly store: EventStore,
    @Inject(SECRETS) protected readonly secrets: Secrets,
    protected readonly pools: Pools,
    @Inject(SAML_ENCRYPTION_CERTIFICATES) protected readonly encryption: SamlEncryptionCertificates,
  ) {}

  protected async state(poolId: string): Promise<{ poolId: string; state: IdentityProvidersState }> {
    const pool = await this.pools.load(poolId);
    return { poolId: pool.poolId, state: await loadIdentityProviders(this.store, pool.poolId) };
  }
}

/**
 * One provider of a pool by name, ProviderDetails whole (secrets opened): DescribeIdentityProvider,
 * and what the federation flows (OIDC, SAML) read before redirecting and after the IdP answers.
 */
export class DescribeIdentityProviderQuery extends UseCaseQuery<{ poolId: string; providerName: string }, IdentityProviderView> {}

@QueryHandler(DescribeIdentityProviderQuery)
export class DescribeIdentityProviderHandler extends IdentityProviderQueryHandler implements IQueryHandler<DescribeIdentityProviderQuery> {
  async execute({ input, context }: DescribeIdentityProviderQuery): Promise<IdentityProviderView> {
    const { poolId, state } = await this.state(input.poolId);
    const p = state.providers.find((x) => x.name === input.providerName);
    if (!p) throw providerNotFound(input.providerName);
    return view({ secrets: this.secrets, encryption: this.encryption, context }, poolId, p);
  }
}

/** GetIdentityProviderByIdentifier: the provider one of whose IdpIdentifiers matches (without regard to case). */
export class GetIdentityProviderByIdentifierQuery extends UseCaseQuery<{ poolId: string; idpIdentifier: string }, IdentityProviderView> {}

@QueryHandler(GetIdentityProviderByIdentifierQuery)
export class GetIdentityProviderByIdentifierHandler extends IdentityProviderQueryHandler implements IQueryHandler<GetIdentityProviderByIdentifierQuery> {
  async execute({ input, context }: GetIdentityProviderByIdentifierQuery): Promise<IdentityProviderView> {
    const { poolId, state } = await this.state(input.poolId);
    const p = findByIdentifier(state, input.idpIdentifier);
    if (!p) throw new ResourceNotFoundError(`Identity provider with identifier ${input.idpIdentifier} does not exist.`);
    return view({ secrets: this.secrets, encryption: this.encryption, context }, poolId, p);
  }
}

export interface IdentityProviderSummary {
  name: string;
  type: IdentityProviderType;
  createdAt: string;
  updatedAt: string;
}

export class ListIdentityProvidersQuery extends UseCaseQuery<
  { poolId: string; maxResults: number; nextToken?: string },
  { providers: IdentityProviderSummary[]; nextToken?: string }
> {}

/** Pages in creation order; the token is the index of the next provider. */
@QueryHandler(ListIdentityProvidersQuery)
export class ListIdentityProvidersHandler extends IdentityProviderQueryHandler implements IQueryHandler<ListIdentityProvidersQuery> {
  async execute({ input }: ListIdentityProvidersQuery) {
    const { state } = await this.state(input.poolId);
    const all = state.providers;
    const start = input.nextToken === undefined ? 0 : Number.parseInt(Buffer.from(input.nextToken, 'base64url').toString(), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw new InvalidParameterError('Invalid pagination token');
    const page = all.slice(start, start + input.maxResults).map((p) => ({ name: p.name, type: p.type, createdAt: p.createdAt, updatedAt: p.updatedAt }));
    const next = start + page.length;
    return { providers: page, ...(next < all.length ? { nextToken: Buffer.from(String(next)).toString('base64url') } : {}) };
  }
}

/** The names of a pool's providers (an app client's SupportedIdentityProviders must be among them, or COGNITO). */
export async function identityProviderNames(store: EventStore, poolId: string): Promise<Set<string>> {
  return new Set((await loadIdentityProviders(store, poolId)).providers.map((p) => p.name));
}

export const IDENTITY_PROVIDER_HANDLERS = [
  ...PROVIDER_LINK_HANDLERS,
  CreateIdentityProviderHandler,
  UpdateIdentityProviderHandler,
  DeleteIdentityProviderHandler,
  DescribeIdentityProviderHandler,
  GetIdentityProviderByIdentifierHandler,
  ListIdentityProvidersHandler,
];
