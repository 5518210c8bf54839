import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Clock } from '../../shared/clock.js';
import { InvalidParameterError, NotAuthorizedError } from '../../shared/domain-error.js';
import { CLOCK, STORE } from '../../shared/ports.js';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import { customScopes } from '../../user-pools/oauth/resource-server.decider.js';
import { loadResourceServers } from '../../user-pools/oauth/resource-server.use-cases.js';
import { OAuthTokenSigner } from './oauth-token-signer.js';

export interface ClientTokenResult {
  accessToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/**
 * GetClientToken: the API form of the client_credentials grant. The client must allow
 * ALLOW_CLIENT_TOKEN_AUTH (its only flow) and have a secret; the secret given must be one of its
 * active secrets. Scopes: those asked for, each a custom (resource-server) scope the client is
 * allowed, or all of the client's custom scopes when none is asked for.
 */
export class GetClientTokenCommand extends UseCaseCommand<{ clientId: string; secret: string; scopes?: string[] }, ClientTokenResult> {}

@CommandHandler(GetClientTokenCommand)
export class GetClientTokenHandler implements ICommandHandler<GetClientTokenCommand> {
  constructor(
    @Inject(STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly clients: AppClients,
    private readonly signer: OAuthTokenSigner,
  ) {}

  async execute({ input }: GetClientTokenCommand): Promise<ClientTokenResult> {
    const caller = await this.clients.caller(input.clientId);
    const client = caller.client;
    if (!client.settings.explicitAuthFlows.includes('ALLOW_CLIENT_TOKEN_AUTH')) {
      throw new InvalidParameterError('ALLOW_CLIENT_TOKEN_AUTH flow not enabled for this client');
    }
    if (client.secrets.length === 0) throw new NotAuthorizedError(`Client ${client.clientId} is not configured with a secret`);
    caller.checkClientSecret(input.secret);
    const custom = customScopes(await loadResourceServers(this.store, client.poolId));
    const allowed = client.settings.allowedOAuthScopes.filter((s) => custom.has(s));
    const asked = input.scopes && input.scopes.length > 0 ? [...new Set(input.scopes)] : allowed;
    const refused = asked.find((s) => !allowed.includes(s));
    if (refused !== undefined) throw new InvalidParameterError(`Invalid scope requested: ${refused}`);
    if (asked.length === 0) throw new InvalidParameterError('The client is allowed no custom scope.');
    const token = await this.signer.clientCredentials(client, asked.join(' '), this.clock.now());
    return { accessToken: token.access_token, expiresIn: token.expires_in, tokenType: token.token_type };
  }
}
