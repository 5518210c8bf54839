import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UseCaseCommand } from '../../shared/use-case.js';
import { AppClients } from '../../user-pools/clients/app-clients.js';
import { RefreshTokens } from '../tokens/refresh.js';
import type { AuthenticationResult } from '../tokens/token-issuer.js';

/** GetTokensFromRefreshToken: the client secret itself (not a SECRET_HASH) authenticates confidential clients. */
export class GetTokensFromRefreshTokenCommand extends UseCaseCommand<
  { clientId: string; clientSecret?: string; refreshToken: string; clientMetadata?: Record<string, string> },
  AuthenticationResult
> {}

@CommandHandler(GetTokensFromRefreshTokenCommand)
export class GetTokensFromRefreshTokenHandler implements ICommandHandler<GetTokensFromRefreshTokenCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly refresh: RefreshTokens,
  ) {}

  async execute({ input, context }: GetTokensFromRefreshTokenCommand): Promise<AuthenticationResult> {
    const caller = await this.clients.caller(input.clientId);
    caller.requireFlow('ALLOW_REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN_AUTH');
    caller.checkClientSecret(input.clientSecret);
    return this.refresh.use({ caller, refreshToken: input.refreshToken, context });
  }
}

/** RevokeToken: the refresh token's whole sign-in ends (its access tokens stop working too). */
export class RevokeTokenCommand extends UseCaseCommand<{ clientId: string; clientSecret?: string; token: string }, void> {}

@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  constructor(
    private readonly clients: AppClients,
    private readonly refresh: RefreshTokens,
  ) {}

  async execute({ input, context }: RevokeTokenCommand): Promise<void> {
    const caller = await this.clients.caller(input.clientId);
    caller.checkClientSecret(input.clientSecret);
    await this.refresh.revoke(caller, input.token, context);
  }
}
