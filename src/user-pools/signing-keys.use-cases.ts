import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { JWK } from 'jose';
import type { EventStore } from '../event-store/event-store.port.js';
import { SETTINGS, type ServiceSettings, STORE } from '../shared/ports.js';
import { UseCaseCommand, UseCaseQuery } from '../shared/use-case.js';
import { loadPool } from './user-pool.repository.js';
import { KeyRing, type RotationResult } from '../tokens/key-ring.js';
import { openIdConfiguration } from '../tokens/openid-configuration.js';
import { domainBasePath, loadPoolDomain } from './oauth/domain.use-cases.js';

/** Operator rotation of a pool's signing key: a new key now, signing after the publish lead (repeated while pending: same key). */
export class RotateSigningKeyCommand extends UseCaseCommand<{ poolId: string }, RotationResult> {}

@CommandHandler(RotateSigningKeyCommand)
export class RotateSigningKeyHandler implements ICommandHandler<RotateSigningKeyCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly keyRing: KeyRing,
  ) {}

  async execute({ input, context }: RotateSigningKeyCommand): Promise<RotationResult> {
    await loadPool(this.store, input.poolId);
    return this.keyRing.rotate(input.poolId, context);
  }
}

/** The pool's published keys (JWKS); ResourceNotFoundException for anything that is not an existing pool. */
export class JwksQuery extends UseCaseQuery<{ poolId: string }, { keys: JWK[] }> {}

@QueryHandler(JwksQuery)
export class JwksHandler implements IQueryHandler<JwksQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    private readonly keyRing: KeyRing,
  ) {}

  async execute({ input }: JwksQuery): Promise<{ keys: JWK[] }> {
    await loadPool(this.store, input.poolId);
    return this.keyRing.jwks(input.poolId);
  }
}

/** The pool's OpenID Provider metadata under its issuer. */
export class OpenIdConfigurationQuery extends UseCaseQuery<{ poolId: string }, ReturnType<typeof openIdConfiguration>> {}

@QueryHandler(OpenIdConfigurationQuery)
export class OpenIdConfigurationHandler implements IQueryHandler<OpenIdConfigurationQuery> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  async execute({ input }: OpenIdConfigurationQuery) {
    await loadPool(this.store, input.poolId);
    const domain = await loadPoolDomain(this.store, input.poolId);
    return openIdConfiguration(
      this.settings.publicBaseUrl,
      input.poolId,
      domain.exists ? `${this.settings.publicBaseUrl}${domainBasePath(domain.domain)}` : undefined,
    );
  }
}
