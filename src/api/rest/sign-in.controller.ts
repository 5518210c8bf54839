import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InitiateAuthCommand } from '../../auth/commands/initiate-auth.js';
import { GetTokensFromRefreshTokenCommand, RevokeTokenCommand } from '../../auth/commands/refresh-tokens.js';
import { RespondToAuthChallengeCommand } from '../../auth/commands/respond-to-auth-challenge.js';
import type { RequestContext } from '../../shared/request-context.js';
import { ConfirmSignUpCommand } from '../../user-pools/commands/confirm-sign-up.js';
import { ConfirmForgotPasswordCommand } from '../../user-pools/commands/passwords.js';
import { ForgotPasswordCommand, ResendConfirmationCodeCommand } from '../../user-pools/commands/send-codes.js';
import { SignUpCommand } from '../../user-pools/commands/sign-up.js';
import { deliveryOut, signInOut, tokensOut } from './presenters.js';
import { Ctx } from './request-context.js';
import { challengeBody, confirmForgotPasswordBody, confirmSignUpBody, refreshBody, revokeBody, signInBody, signUpBody, usernameBody } from './schemas.js';
import { parse } from './validation.js';

/**
 * Public routes: sign-up and its confirmation, password recovery (the pool reached directly),
 * sign-in through an app client of the pool in the path (the use case checks the client is the
 * pool's) and its challenges, and token refresh and revocation (the client names the pool).
 */
@Controller('v1')
export class SignInController {
  constructor(private readonly commands: CommandBus) {}

  @Post('user-pools/:poolId/sign-up')
  async signUp(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(signUpBody, body);
    const result = await this.commands.execute(
      new SignUpCommand({ via: { poolId }, username: input.username, password: input.password, attributes: input.attributes ?? {} }, ctx),
    );
    const delivery = result.codeDeliveryDetails;
    return { userSub: result.userSub, userConfirmed: result.userConfirmed, ...(delivery ? { codeDeliveryDetails: deliveryOut(delivery) } : {}) };
  }

  @Post('user-pools/:poolId/confirm-sign-up')
  @HttpCode(200)
  async confirmSignUp(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(confirmSignUpBody, body);
    await this.commands.execute(new ConfirmSignUpCommand({ via: { poolId }, username: input.username, code: input.code }, ctx));
    return { confirmed: true };
  }

  @Post('user-pools/:poolId/resend-confirmation-code')
  @HttpCode(200)
  async resend(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { username } = parse(usernameBody, body);
    return { codeDeliveryDetails: deliveryOut(await this.commands.execute(new ResendConfirmationCodeCommand({ via: { poolId }, username }, ctx))) };
  }

  @Post('user-pools/:poolId/forgot-password')
  @HttpCode(200)
  async forgotPassword(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { username } = parse(usernameBody, body);
    return { codeDeliveryDetails: deliveryOut(await this.commands.execute(new ForgotPasswordCommand({ via: { poolId }, username }, ctx))) };
  }

  @Post('user-pools/:poolId/confirm-forgot-password')
  @HttpCode(204)
  async confirmForgotPassword(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(confirmForgotPasswordBody, body);
    await this.commands.execute(
      new ConfirmForgotPasswordCommand({ via: { poolId }, username: input.username, code: input.code, password: input.password }, ctx),
    );
  }

  /** InitiateAuth: tokens, or the challenge to answer at sign-in/challenge. */
  @Post('user-pools/:poolId/sign-in')
  @HttpCode(200)
  async signIn(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(signInBody, body);
    const parameters = {
      ...input.parameters,
      ...(input.username !== undefined ? { USERNAME: input.username } : {}),
      ...(input.password !== undefined ? { PASSWORD: input.password } : {}),
      ...(input.secretHash !== undefined ? { SECRET_HASH: input.secretHash } : {}),
    };
    const answer = await this.commands.execute(
      new InitiateAuthCommand({ flow: input.flow, surface: 'public', clientId: input.clientId, poolId, parameters, clientMetadata: input.clientMetadata }, ctx),
    );
    return signInOut(answer);
  }

  /** RespondToAuthChallenge. */
  @Post('user-pools/:poolId/sign-in/challenge')
  @HttpCode(200)
  async challenge(@Param('poolId') poolId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(challengeBody, body);
    const answer = await this.commands.execute(
      new RespondToAuthChallengeCommand(
        {
          challenge: input.challengeName,
          surface: 'public',
          clientId: input.clientId,
          poolId,
          session: input.session,
          responses: input.responses,
          clientMetadata: input.clientMetadata,
        },
        ctx,
      ),
    );
    return signInOut(answer);
  }

  /** GetTokensFromRefreshToken. */
  @Post('tokens/refresh')
  @HttpCode(200)
  async refresh(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const input = parse(refreshBody, body);
    return { tokens: tokensOut(await this.commands.execute(new GetTokensFromRefreshTokenCommand(input, ctx))) };
  }

  /** RevokeToken: the refresh token's family and the tokens issued from it. */
  @Post('tokens/revoke')
  @HttpCode(204)
  async revoke(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    await this.commands.execute(new RevokeTokenCommand(parse(revokeBody, body), ctx));
  }
}
